// SPDX-License-Identifier: MIT
// Delivery of records to the Logs Ingestion API or the legacy Data Collector API, with retries,
// 413 splitting, token caching and a spool on disk. The protocol details are from Azure Monitor's
// "Logs Ingestion API in Azure Monitor" (REST 2023-01-01), "Microsoft identity platform and the
// OAuth 2.0 client credentials flow", and "Send log data to Azure Monitor by using the HTTP Data
// Collector API" (SharedKey signature); the retry policy follows "Exponential Backoff And Jitter"
// (M. Brooker, AWS Architecture Blog, 2015): full jitter, capped, with Retry-After taking precedence.
#include "masq/sentinel.h"
#include "masq/util/text.h"
#include "masq/version.h"
#include "masq/write.h"
#include "net/http.h"
#include "sinks/sentinel/responses.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <random>
#include <simdjson.h>
#include <sstream>
#include <system_error>
#include <thread>

namespace masq {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using clock_type = std::chrono::steady_clock;

constexpr std::size_t logs_ingestion_limit = 1'000'000;  // "Maximum size of API call: 1 MB"
constexpr std::size_t data_collector_limit = 30'000'000; // "The maximum of 30 MB per post"

const char* api_name(sentinel_api api) {
    return api == sentinel_api::logs_ingestion ? "logs-ingestion" : "data-collector";
}

std::string trim_slash(std::string s) {
    while (!s.empty() && s.back() == '/')
        s.pop_back();
    return s;
}

std::string body_of(const std::vector<std::string>& records) {
    std::size_t n = 2;
    for (const auto& r : records)
        n += r.size() + 1;
    std::string body;
    body.reserve(n);
    body += '[';
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (i) body += ',';
        body += records[i];
    }
    body += ']';
    return body;
}

/// A batch keeps its request id through retries and the spool; halves of a split get new ones.
struct batch {
    std::string request_id;
    std::vector<std::string> records;
};

/// Replaces every occurrence of each secret in `text` (defence in depth: services do not echo
/// credentials, but an error body is not ours to trust).
std::string redact(std::string text, const std::vector<std::string>& secrets) {
    for (const auto& s : secrets) {
        if (s.size() < 4) continue;
        for (std::size_t at = text.find(s); at != std::string::npos; at = text.find(s, at))
            text.replace(at, s.size(), "***");
    }
    return text;
}

/// An Entra ID access token, kept until five minutes before it expires (or half its life when short).
class token_cache {
  public:
    explicit token_cache(const entra_credentials& c) : c_(c) {}

    /// The token, fetching one when there is none or it has expired. On failure: nothing, with
    /// `error` set and `permanent` telling whether trying again can help.
    std::optional<std::string> get(detail::http_client& http, delivery_report& report,
                                   const delivery_options& options, std::string& error, bool& permanent) {
        if (!token_.empty() && clock_type::now() < expires_) return token_;
        detail::http_request request;
        request.method = "POST";
        request.url =
            trim_slash(c_.authority_host) + "/" + detail::percent_encode(c_.tenant_id) + "/oauth2/v2.0/token";
        request.headers = {"Content-Type: application/x-www-form-urlencoded", "Accept: application/json",
                           "User-Agent: masq/" MASQ_VERSION_STRING};
        const std::string form = "client_id=" + detail::percent_encode(c_.client_id) +
                                 "&client_secret=" + detail::percent_encode(c_.client_secret) +
                                 "&scope=" + detail::percent_encode(c_.scope) +
                                 "&grant_type=client_credentials";
        request.body = form;
        request.timeout = options.request_timeout;
        ++report.token_requests;
        const auto r = http.perform(request);
        if (r.status != 200) {
            error = "token request to " + trim_slash(c_.authority_host) + " failed: " + detail::describe(r);
            permanent = !detail::retryable(r);
            return std::nullopt;
        }
        auto token = detail::parse_token_response(r.body);
        if (!token) {
            error = "token response without access_token";
            permanent = false;
            return std::nullopt;
        }
        token_ = std::move(token->access_token);
        expires_ = clock_type::now() + milliseconds(static_cast<long long>(token->keep_seconds * 1000));
        return token_;
    }

    void invalidate() { token_.clear(); }
    const std::string& current() const { return token_; }

  private:
    const entra_credentials& c_;
    std::string token_;
    clock_type::time_point expires_{};
};

class sender {
  public:
    sender(const sentinel_destination& d, const delivery_options& o, delivery_report& report)
        : d_(d), o_(o), report_(report), tokens_(d.ingestion.credentials), rng_(std::random_device{}()) {
        if (d_.api == sentinel_api::data_collector) {
            key_ = detail::base64_decode(d_.collector.shared_key).value_or("");
            collector_url_ =
                trim_slash(d_.collector.endpoint.empty()
                               ? "https://" + d_.collector.workspace_id + ".ods.opinsights.azure.com"
                               : d_.collector.endpoint) +
                "/api/logs?api-version=2016-04-01";
        }
    }

    std::size_t limit() const {
        if (o_.max_batch_bytes) return o_.max_batch_bytes;
        return d_.api == sentinel_api::logs_ingestion ? logs_ingestion_limit : data_collector_limit;
    }

    /// Delivers `b` or spools it (or its halves). Returns the request ids now in the spool.
    std::vector<std::string> send(batch b) {
        std::vector<std::string> spooled;
        send(std::move(b), spooled);
        return spooled;
    }

    std::string redacted(std::string text) const {
        return redact(std::move(text), {d_.ingestion.credentials.client_secret, d_.collector.shared_key,
                                        tokens_.current(), key_});
    }

  private:
    void emit(delivery_event::kind k, const batch& b, std::string detail) {
        if (o_.on_event)
            o_.on_event(delivery_event{k, b.request_id, b.records.size(), redacted(std::move(detail))});
    }

    void send(batch b, std::vector<std::string>& spooled) {
        if (!permanent_error_.empty()) { // e.g. the credentials are refused: no use asking again
            spool(b, permanent_error_, spooled);
            return;
        }
        const std::string body = body_of(b.records);
        std::string last_error;
        bool renewed_token = false;
        // After several batches in a row have failed every attempt, the service is down: each
        // further batch gets one try (a probe), so a long send spools in seconds rather than
        // hammering for hours; the first batch that goes through restores the full budget.
        const unsigned attempts = consecutive_failures_ >= 3 ? 1u : std::max(1u, o_.attempts);
        for (unsigned attempt = 1; attempt <= attempts; ++attempt) {
            detail::http_response r;
            if (!post(b, body, r, last_error)) {
                if (!permanent_error_.empty()) break;
            } else if (r.status >= 200 && r.status < 300) {
                consecutive_failures_ = 0;
                report_.records_sent += b.records.size();
                ++report_.batches_sent;
                emit(delivery_event::kind::sent, b, fmt::format("HTTP {}", r.status));
                return;
            } else if (r.status == 413 && b.records.size() > 1) {
                ++report_.splits;
                emit(delivery_event::kind::split, b, "HTTP 413: splitting the batch");
                const auto half = static_cast<std::ptrdiff_t>(b.records.size() / 2);
                batch first{detail::random_uuid(),
                            {std::make_move_iterator(b.records.begin()),
                             std::make_move_iterator(b.records.begin() + half)}};
                batch second{detail::random_uuid(),
                             {std::make_move_iterator(b.records.begin() + half),
                              std::make_move_iterator(b.records.end())}};
                send(std::move(first), spooled);
                send(std::move(second), spooled);
                return;
            } else {
                last_error = detail::describe(r);
                if (r.status == 401 && d_.api == sentinel_api::logs_ingestion && !renewed_token) {
                    // The token may have been revoked or have expired early: fetch a new one once.
                    tokens_.invalidate();
                    renewed_token = true;
                    ++report_.retries;
                    emit(delivery_event::kind::retry, b, last_error + ", renewing the token");
                    continue;
                }
                if (!detail::retryable(r)) break;
            }
            if (attempt == attempts) break;
            const milliseconds wait = backoff(attempt, r);
            ++report_.retries;
            emit(delivery_event::kind::retry, b,
                 fmt::format("{}, retrying in {} ms", last_error, wait.count()));
            std::this_thread::sleep_for(wait);
        }
        ++consecutive_failures_;
        spool(b, last_error, spooled);
    }

    /// One request. False when no request could be made (no token); `error` says why.
    bool post(const batch& b, const std::string& body, detail::http_response& r, std::string& error) {
        detail::http_request request;
        request.method = "POST";
        request.timeout = o_.request_timeout;
        request.headers = {"User-Agent: masq/" MASQ_VERSION_STRING,
                           "x-ms-client-request-id: " + b.request_id};
        std::string compressed;
        if (d_.api == sentinel_api::logs_ingestion) {
            bool permanent = false;
            const auto token = tokens_.get(http_, report_, o_, error, permanent);
            if (!token) {
                if (permanent) permanent_error_ = error;
                return false;
            }
            const auto& t = d_.ingestion;
            request.url = trim_slash(t.endpoint) + "/dataCollectionRules/" +
                          detail::percent_encode(t.dcr_immutable_id) + "/streams/" +
                          detail::percent_encode(t.stream) +
                          "?api-version=" + detail::percent_encode(t.api_version);
            request.headers.push_back("Authorization: Bearer " + *token);
            request.headers.push_back("Content-Type: application/json");
            if (o_.gzip) {
                compressed = detail::gzip_compress(body);
                request.headers.push_back("Content-Encoding: gzip");
                request.body = compressed;
            } else {
                request.body = body;
            }
        } else {
            // StringToSign = "POST\n" + Content-Length + "\napplication/json\nx-ms-date:" + date +
            // "\n/api/logs".
            const std::string date = detail::rfc1123_now();
            const std::string to_sign =
                fmt::format("POST\n{}\napplication/json\nx-ms-date:{}\n/api/logs", body.size(), date);
            request.url = collector_url_;
            request.headers.push_back("Content-Type: application/json");
            request.headers.push_back("Log-Type: " + d_.collector.log_type);
            request.headers.push_back("x-ms-date: " + date);
            request.headers.push_back("Authorization: SharedKey " + d_.collector.workspace_id + ":" +
                                      detail::base64_encode(detail::hmac_sha256(key_, to_sign)));
            if (!d_.collector.time_generated_field.empty())
                request.headers.push_back("time-generated-field: " + d_.collector.time_generated_field);
            request.body = body;
        }
        ++report_.requests;
        r = http_.perform(request);
        return true;
    }

    milliseconds backoff(unsigned attempt, const detail::http_response& r) {
        if (auto it = r.headers.find("retry-after"); it != r.headers.end()) {
            if (auto wait = detail::parse_retry_after(it->second)) return std::min(*wait, o_.max_retry_after);
        }
        const long long cap = std::min<long long>(o_.max_backoff.count(), o_.initial_backoff.count()
                                                                              << std::min(attempt - 1, 20u));
        std::uniform_int_distribution<long long> jitter(0, std::max(0LL, cap));
        return milliseconds(jitter(rng_));
    }

    void spool(const batch& b, const std::string& reason, std::vector<std::string>& spooled) {
        const std::string why = redacted(reason.empty() ? "not delivered" : reason);
        if (o_.spool_dir.empty()) {
            report_.records_failed += b.records.size();
            report_.errors.push_back(fmt::format("batch {} ({} records) lost: {}; no spool directory",
                                                 b.request_id, b.records.size(), why));
            return;
        }
        std::error_code ec;
        const fs::path dir(o_.spool_dir);
        fs::create_directories(dir, ec);
        fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
        const fs::path final_path = dir / (b.request_id + ".jsonl");
        const fs::path tmp_path = dir / (".tmp-" + b.request_id);
        {
            std::ofstream out(tmp_path, std::ios::binary | std::ios::trunc);
            out << fmt::format(
                "{{\"masq_spool\":1,\"api\":\"{}\",\"request_id\":\"{}\",\"records\":{},\"reason\":{}}}\n",
                api_name(d_.api), b.request_id, b.records.size(), json_quote(why));
            for (const auto& r : b.records)
                out << r << '\n';
            out.flush();
            if (!out) {
                report_.records_failed += b.records.size();
                report_.errors.push_back(fmt::format("batch {} ({} records) lost: {}; cannot write {}",
                                                     b.request_id, b.records.size(), why, tmp_path.string()));
                fs::remove(tmp_path, ec);
                return;
            }
        }
        fs::rename(tmp_path, final_path, ec); // atomic: a reader sees the old file or the whole new one
        if (ec) {
            report_.records_failed += b.records.size();
            report_.errors.push_back(fmt::format("batch {} lost: cannot write {}: {}", b.request_id,
                                                 final_path.string(), ec.message()));
            return;
        }
        report_.records_spooled += b.records.size();
        ++report_.batches_spooled;
        report_.errors.push_back(
            fmt::format("batch {} ({} records) spooled: {}", b.request_id, b.records.size(), why));
        spooled.push_back(b.request_id);
        emit(delivery_event::kind::spooled, b, why);
    }

    const sentinel_destination& d_;
    const delivery_options& o_;
    delivery_report& report_;
    token_cache tokens_;
    detail::http_client http_;
    std::mt19937_64 rng_;
    std::string key_;
    std::string collector_url_;
    std::string permanent_error_;
    unsigned consecutive_failures_ = 0;
};

/// An http(s) URL with a host (http:// is for local test servers and proxies).
bool valid_url(const std::string& url) {
    for (std::string_view scheme : {"https://", "http://"})
        if (url.rfind(scheme, 0) == 0) {
            const std::string_view rest = std::string_view(url).substr(scheme.size());
            const std::string_view host = rest.substr(0, rest.find_first_of("/?#"));
            return !host.empty() && host.find_first_of(" \t") == std::string_view::npos;
        }
    return false;
}

/// A DCR's immutable id as Azure Monitor shows it: `dcr-` and 32 hexadecimal digits.
bool valid_dcr_id(std::string_view id) {
    return id.size() == 36 && id.substr(0, 4) == "dcr-" &&
           std::all_of(id.begin() + 4, id.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

/// A DCR stream declared for a custom table (`Custom-…`) or a built-in one (`Microsoft-…`).
bool valid_stream(std::string_view stream) {
    for (std::string_view prefix : {"Custom-", "Microsoft-"})
        if (stream.size() > prefix.size() && stream.substr(0, prefix.size()) == prefix)
            return std::all_of(stream.begin() + static_cast<std::ptrdiff_t>(prefix.size()), stream.end(),
                               [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-'; });
    return false;
}

} // namespace

void validate(const sentinel_destination& d) {
    std::vector<std::string> missing;
    if (d.api == sentinel_api::logs_ingestion) {
        const auto& t = d.ingestion;
        if (t.endpoint.empty())
            missing.push_back("the ingestion endpoint (--endpoint, MASQ_DCE_ENDPOINT)");
        else if (!valid_url(t.endpoint))
            throw sentinel_config_error("the ingestion endpoint must be an https:// URL, not '" + t.endpoint +
                                        "'");
        if (t.dcr_immutable_id.empty())
            missing.push_back("the DCR immutable id (--dcr, MASQ_DCR_IMMUTABLE_ID)");
        else if (!valid_dcr_id(t.dcr_immutable_id))
            throw sentinel_config_error("the DCR immutable id must be dcr- and 32 hexadecimal digits (the "
                                        "rule's immutableId, not its name), not '" +
                                        t.dcr_immutable_id + "'");
        if (t.stream.empty())
            missing.push_back("the stream name (--stream)");
        else if (!valid_stream(t.stream))
            throw sentinel_config_error(
                "the stream must be a DCR stream name such as Custom-MasqFindings_CL, not '" + t.stream +
                "'");
        if (t.credentials.tenant_id.empty()) missing.push_back("the tenant id (--tenant, AZURE_TENANT_ID)");
        if (t.credentials.client_id.empty())
            missing.push_back("the client id (--client-id, AZURE_CLIENT_ID)");
        if (t.credentials.client_secret.empty())
            missing.push_back("the client secret (AZURE_CLIENT_SECRET or --client-secret-file)");
        if (!valid_url(t.credentials.authority_host))
            throw sentinel_config_error("the authority host must be an https:// URL");
    } else {
        const auto& c = d.collector;
        if (c.workspace_id.empty())
            missing.push_back("the workspace id (--workspace-id, LOG_ANALYTICS_WORKSPACE_ID)");
        if (c.shared_key.empty())
            missing.push_back("the workspace shared key (LOG_ANALYTICS_SHARED_KEY or --shared-key-file)");
        else if (!detail::base64_decode(c.shared_key) || detail::base64_decode(c.shared_key)->empty())
            throw sentinel_config_error("the workspace shared key is not base64");
        if (!c.endpoint.empty() && !valid_url(c.endpoint))
            throw sentinel_config_error("the Data Collector endpoint must be an https:// URL");
        // "Log-Type: letters, numbers and underscore only, at most 100 characters".
        if (c.log_type.empty() || c.log_type.size() > 100 ||
            !std::all_of(c.log_type.begin(), c.log_type.end(),
                         [](unsigned char ch) { return std::isalnum(ch) || ch == '_'; }))
            throw sentinel_config_error("the log type must be 1-100 letters, digits or underscores");
    }
    if (!missing.empty()) {
        std::string message = "cannot send to Sentinel: missing ";
        for (std::size_t i = 0; i < missing.size(); ++i)
            message += (i ? (i + 1 == missing.size() ? " and " : ", ") : "") + missing[i];
        throw sentinel_config_error(message);
    }
}

delivery_report deliver(std::span<const std::string> records, const sentinel_destination& destination,
                        const delivery_options& options) {
    validate(destination);
    delivery_report report;
    report.records = records.size();
    sender s(destination, options, report);
    for (auto& b : plan_batches(std::vector<std::string>(records.begin(), records.end()), s.limit()))
        s.send(batch{detail::random_uuid(), std::move(b)});
    return report;
}

delivery_report deliver_findings(std::span<const finding> findings, sentinel_destination destination,
                                 sentinel_payload payload, std::string mode,
                                 const delivery_options& options) {
    constexpr std::string_view legacy_time_field = "DetectedAt";
    const bool legacy = destination.api == sentinel_api::data_collector;
    if (legacy)
        destination.collector.time_generated_field =
            payload == sentinel_payload::seed ? "" : legacy_time_field;
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    const record_context context{std::chrono::duration_cast<std::chrono::microseconds>(now).count() * 10,
                                 new_run_id(), std::move(mode)};
    const auto records = sentinel_records(findings, context, payload,
                                          legacy ? legacy_time_field : std::string_view("TimeGenerated"));
    return deliver(records, destination, options);
}

std::string default_spool_dir() {
    const auto env = [](const char* name) -> std::string {
        const char* v = std::getenv(name);
        return v ? v : "";
    };
    if (auto d = env("MASQ_SPOOL_DIR"); !d.empty()) return d;
    if (auto d = env("XDG_STATE_HOME"); !d.empty()) return d + "/masq/spool";
    if (auto d = env("HOME"); !d.empty()) return d + "/.local/state/masq/spool";
    return ".masq-spool";
}

delivery_report resume_spool(const sentinel_destination& destination, const delivery_options& options) {
    validate(destination);
    delivery_report report;
    if (options.spool_dir.empty() || !fs::is_directory(options.spool_dir)) return report;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(options.spool_dir))
        if (entry.is_regular_file() && entry.path().extension() == ".jsonl") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    sender s(destination, options, report);
    for (const auto& path : files) {
        std::ifstream in(path, std::ios::binary);
        std::string header;
        if (!std::getline(in, header)) continue;
        simdjson::ondemand::parser parser;
        simdjson::padded_string padded(header);
        simdjson::ondemand::document doc;
        std::string_view api, id;
        if (parser.iterate(padded).get(doc) || doc["api"].get_string().get(api) ||
            doc["request_id"].get_string().get(id)) {
            report.errors.push_back(path.string() + ": not a masq spool file (left as it is)");
            continue;
        }
        if (api != api_name(destination.api)) {
            // Still in the spool, and still undelivered: counted so that the run does not look complete.
            std::size_t n = 0;
            for (std::string line; std::getline(in, line);)
                n += !line.empty();
            report.records += n;
            report.records_spooled += n;
            ++report.batches_spooled;
            report.errors.push_back(fmt::format("{}: spooled for the {} API, not {} (left as it is)",
                                                path.string(), api, api_name(destination.api)));
            continue;
        }
        batch b{std::string(id), {}};
        for (std::string line; std::getline(in, line);)
            if (!line.empty()) b.records.push_back(std::move(line));
        report.records += b.records.size();
        ++report.batches_resumed;
        if (options.on_event)
            options.on_event(
                delivery_event{delivery_event::kind::resumed, b.request_id, b.records.size(), ""});
        const std::string original = b.request_id;
        const auto spooled = s.send(std::move(b));
        // Delivered, or re-spooled under other ids after a split: the original file has done its job.
        if (std::find(spooled.begin(), spooled.end(), original) == spooled.end()) {
            std::error_code ec;
            fs::remove(path, ec);
        }
    }
    return report;
}

} // namespace masq
