// SPDX-License-Identifier: MIT
#pragma once

// What the Sentinel sink reads from the services' responses: error bodies, token responses and
// whether a status is worth retrying. The bodies are not ours to trust (a proxy, a captive portal
// or an attacker on the path writes them), so these are kept apart and fuzzed (fuzz/http_responses.cpp).

#include "net/http.h"

#include <optional>
#include <string>
#include <string_view>

namespace masq::detail {

/// "HTTP 429 TooManyRequests: message" from a response, or the transport error. Reads Azure
/// Monitor's `{"error":{"code":…,"message":…}}`, Entra ID's `{"error":…,"error_description":…}`
/// and the `x-ms-error-code` header; the message is cut at 300 bytes.
std::string describe(const http_response& r);

/// Network errors, 408, 429 and 5xx: trying again can help.
bool retryable(const http_response& r) noexcept;

/// How long to keep a token, in seconds, from the response's `expires_in` as written (a number in
/// v2.0 responses, a string in some v1.0 ones): five minutes less than it lives, or half its life
/// when short. Absent, unreadable, NaN or not positive, the usual hour is assumed; over a day is
/// taken as a day (a huge value must not overflow the clock).
double token_lifetime_to_keep(std::optional<std::string_view> expires_in_json);

struct token_response {
    std::string access_token;
    double keep_seconds = 0; ///< token_lifetime_to_keep of its expires_in
};

/// The token of an OAuth 2.0 client-credentials response (RFC 6749 §5.1); nothing when the body
/// is not JSON or has no non-empty `access_token` string.
std::optional<token_response> parse_token_response(std::string_view body);

} // namespace masq::detail
