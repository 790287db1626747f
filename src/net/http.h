// SPDX-License-Identifier: MIT
#pragma once

// HTTP and the small pieces of cryptography the Azure REST APIs need, shared by the Blob Storage
// reader and the Sentinel sink: one libcurl connection cache per client (so connections are
// reused) with a fresh easy handle per request, base64 and HMAC-SHA256 from OpenSSL, RFC 1123
// dates, form encoding and UUIDs. Internal to the library; nothing here prints, and nothing here
// puts a secret into a message.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace masq::detail {

struct http_response {
    long status = 0;   ///< 0 when no status line arrived
    std::string body;  ///< the response body as received (not decompressed)
    std::string error; ///< transport error (timeout, reset, refused), empty when a status was received
    bool timed_out = false;
    std::map<std::string, std::string> headers; ///< names lower-cased; the last value of a repeated header
};

/// Adds one header line as libcurl hands it over ("Name: value\r\n", or a status line, which
/// starts a new response) to `response.headers`.
void add_header_line(std::string_view line, http_response& response);

struct http_request {
    std::string method = "GET";
    std::string url;
    std::vector<std::string> headers; ///< "Name: value"
    std::string_view body;
    std::chrono::milliseconds timeout{30000}; ///< whole request; 0 = none
    std::chrono::milliseconds connect_timeout{10000};
    std::chrono::seconds stall_timeout{0}; ///< give up when no byte moves for this long; 0 = never
};

/// One connection-reusing HTTP client. Not thread-safe: one per thread.
class http_client {
  public:
    http_client();
    ~http_client();
    http_client(const http_client&) = delete;
    http_client& operator=(const http_client&) = delete;

    /// Performs the request. Never throws for HTTP or transport errors; they are in the response.
    http_response perform(const http_request& request);

  private:
    void* share_ = nullptr; ///< CURLSH*: the connection cache, DNS and TLS sessions of this client
};

std::string base64_encode(std::string_view data);
/// Decodes standard base64 (padding optional); nothing for invalid input.
std::optional<std::string> base64_decode(std::string_view text);
/// HMAC-SHA256(key, message), raw 32 bytes.
std::string hmac_sha256(std::string_view key, std::string_view message);
/// "Mon, 04 Apr 2016 08:00:00 GMT" for now (RFC 1123, as x-ms-date wants it).
std::string rfc1123_now();
/// application/x-www-form-urlencoded / RFC 3986 percent-encoding of one value (unreserved kept).
std::string percent_encode(std::string_view value);
/// A random (version 4) UUID, lower-case with hyphens.
std::string random_uuid();
/// gzip (RFC 1952) of `data` at the default level.
std::string gzip_compress(std::string_view data);

/**
 * The wait a `Retry-After` header asks for: delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * Nothing when the header is absent or unreadable.
 */
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value);

} // namespace masq::detail
