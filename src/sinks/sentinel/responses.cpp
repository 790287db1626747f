// SPDX-License-Identifier: MIT
#include "sinks/sentinel/responses.h"

#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>
#include <simdjson.h>

namespace masq::detail {

std::string describe(const http_response& r) {
    if (r.status == 0) return "network error: " + r.error;
    std::string out = fmt::format("HTTP {}", r.status);
    std::string code, message;
    if (auto it = r.headers.find("x-ms-error-code"); it != r.headers.end()) code = it->second;
    // A string found at a pointer replaces what is known. The DOM parser validates the whole body
    // before any lookup: the on-demand parser must not be asked again once it has hit bad JSON
    // (F2 in tests/data/fuzz-regressions/README.md).
    if (!r.body.empty() && r.body.front() == '{') {
        simdjson::dom::parser parser;
        simdjson::dom::element doc;
        if (!parser.parse(r.body).get(doc)) {
            const auto take = [&](const char* pointer, std::string& into) {
                std::string_view text;
                if (!doc.at_pointer(pointer).get_string().get(text)) into = std::string(text);
            };
            take("/error", code);
            take("/error/code", code);
            take("/error/message", message);
            take("/error_description", message);
        }
    }
    if (!code.empty()) out += " " + code;
    if (message.size() > 300) message = message.substr(0, 300) + "…";
    if (!message.empty()) out += ": " + message;
    return out;
}

bool retryable(const http_response& r) noexcept {
    return r.status == 0 || r.status == 408 || r.status == 429 || r.status >= 500;
}

namespace {
/// Entra ID issues tokens for 60–90 minutes, and never for more than a day.
constexpr double default_token_lifetime = 3600;
constexpr double longest_token_lifetime = 86400;
} // namespace

double token_lifetime_to_keep(std::optional<std::string_view> expires_in_json) {
    double expires_in = default_token_lifetime;
    if (expires_in_json) {
        std::string text(*expires_in_json);
        if (!text.empty() && text.front() == '"') text.erase(0, 1); // strtod stops at the closing quote
        char* end = nullptr;
        const double d = std::strtod(text.c_str(), &end);
        if (end != text.c_str()) expires_in = d;
    }
    if (!(expires_in > 0)) expires_in = default_token_lifetime; // also NaN
    expires_in = std::min(expires_in, longest_token_lifetime);  // also inf
    return expires_in > 600 ? expires_in - 300 : expires_in / 2;
}

std::optional<token_response> parse_token_response(std::string_view body) {
    simdjson::ondemand::parser parser;
    simdjson::padded_string padded(body);
    std::string_view token;
    simdjson::ondemand::document doc;
    if (parser.iterate(padded).get(doc) || doc["access_token"].get_string().get(token) || token.empty())
        return std::nullopt;
    token_response out{std::string(token), 0};
    // The number is read from its text (simdjson refuses integers over 64 bits), and nothing
    // more is asked of the document after an error.
    std::optional<std::string_view> expires_in;
    simdjson::ondemand::value v;
    if (!doc["expires_in"].get(v)) expires_in = v.raw_json_token();
    out.keep_seconds = token_lifetime_to_keep(expires_in);
    return out;
}

} // namespace masq::detail
