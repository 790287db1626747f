// SPDX-License-Identifier: MIT
// What the sinks and the Blob reader take from an HTTP response: header lines as libcurl hands
// them over (a continuation line first: F3's shape), Retry-After (delta-seconds or an HTTP-date),
// error bodies of Azure Monitor and Entra ID (F2), token responses and their expires_in (F4).
// Input: the status in the first two bytes, then header lines up to a blank line, then the body.
#include "net/http.h"
#include "sinks/sentinel/responses.h"

#include <cmath>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return -1;
    masq::detail::http_response r;
    r.status = (data[0] << 8 | data[1]) % 600;
    std::string_view rest(reinterpret_cast<const char*>(data) + 2, size - 2);
    while (!rest.empty()) {
        const auto nl = rest.find('\n');
        const std::string_view line = rest.substr(0, nl == std::string_view::npos ? rest.size() : nl + 1);
        rest.remove_prefix(line.size());
        if (line == "\n" || line == "\r\n") break;
        masq::detail::add_header_line(line, r);
    }
    r.body = std::string(rest);
    if (r.status == 0) r.error = r.body;
    (void)masq::detail::describe(r);
    (void)masq::detail::retryable(r);
    if (const auto it = r.headers.find("retry-after"); it != r.headers.end()) {
        const auto wait = masq::detail::parse_retry_after(it->second);
        if (wait && wait->count() < 0) __builtin_trap(); // a wait is never negative
    }
    if (const auto token = masq::detail::parse_token_response(r.body)) {
        // Kept for a positive time, at most a day (a token lifetime must not overflow the clock).
        if (!(token->keep_seconds > 0 && token->keep_seconds <= 86400)) __builtin_trap();
    }
    const double keep = masq::detail::token_lifetime_to_keep(r.body);
    if (!(keep > 0 && keep <= 86400)) __builtin_trap();
    return 0;
}
