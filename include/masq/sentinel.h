// SPDX-License-Identifier: MIT
#pragma once

/// @file sentinel.h
/// Findings into Microsoft Sentinel / Log Analytics, with nothing lost on the way.
///
/// Two APIs:
///  - the **Logs Ingestion API** (Azure Monitor, REST `2023-01-01`): `POST {endpoint}/
///    dataCollectionRules/{DCR immutable id}/streams/{stream}?api-version=2023-01-01` with an Entra
///    ID bearer token from the client-credentials flow, a JSON array body (gzip allowed), at most
///    1 MB per call compressed and uncompressed, 204 on success;
///  - the retired **HTTP Data Collector API** (`POST https://{workspace}.ods.opinsights.azure.com/
///    api/logs?api-version=2016-04-01`, SharedKey HMAC-SHA256 signature, `Log-Type` header, 30 MB
///    per post, 200 on success), which the notebook uses; it stopped working on 2026-09-14 and is
///    kept for workspaces and emulators that still take it.
///
/// Delivery: records are packed into batches under the size limit; each batch gets a request id
/// (a UUID, sent as `x-ms-client-request-id`) that it keeps through retries and the spool, so a
/// batch sent twice is recognisable. 408/429/5xx and transport errors (reset, timeout) are
/// retried with exponential backoff and full jitter, or after `Retry-After` when the service
/// gives one; 413 splits the batch in two; 401 renews the token once. A batch that still fails is
/// written to the spool directory, and `resume_spool` delivers it later. Secrets (client secret,
/// shared key, bearer token) never appear in reports, errors or the spool.

#include "masq/finding.h"
#include "masq/util/timestamp.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace masq {

enum class sentinel_api : std::uint8_t {
    logs_ingestion, ///< Azure Monitor Logs Ingestion API (DCE/DCR + Entra ID)
    data_collector, ///< the retired HTTP Data Collector API (workspace id + shared key)
};

/// Entra ID client credentials (OAuth 2.0 client-credentials grant, `/oauth2/v2.0/token`).
struct entra_credentials {
    std::string tenant_id;
    std::string client_id;
    std::string client_secret;
    /// `https://login.microsoftonline.com`; `https://login.microsoftonline.us` or
    /// `https://login.chinacloudapi.cn` for sovereign clouds; a local server in tests.
    std::string authority_host = "https://login.microsoftonline.com";
    /// The Logs Ingestion audience: `https://monitor.azure.us/.default` and
    /// `https://monitor.azure.cn/.default` in sovereign clouds.
    std::string scope = "https://monitor.azure.com/.default";
};

/// Where Logs Ingestion API calls go.
struct logs_ingestion_target {
    std::string endpoint; ///< the DCE (or DCR) logs-ingestion endpoint, `https://….ingest.monitor.azure.com`
    std::string dcr_immutable_id; ///< `dcr-…`
    std::string stream = "Custom-MasqFindings_CL";
    std::string api_version = "2023-01-01";
    entra_credentials credentials;
};

/// Where Data Collector API calls go.
struct data_collector_target {
    std::string workspace_id;
    std::string shared_key; ///< the workspace's primary or secondary key, base64
    std::string log_type = "MasqueradingProcessNameResult"; ///< the table is `{log_type}_CL`
    /// Empty: `https://{workspace_id}.ods.opinsights.azure.com` (set for other clouds and tests).
    std::string endpoint;
    /// Field whose value becomes TimeGenerated (`time-generated-field`); empty sends none (the notebook).
    std::string time_generated_field;
};

struct sentinel_destination {
    sentinel_api api = sentinel_api::logs_ingestion;
    logs_ingestion_target ingestion;
    data_collector_target collector;
};

/// The Azure cloud a destination lives in: its Entra ID authority, Logs Ingestion audience and
/// Data Collector host suffix.
struct sentinel_cloud {
    std::string_view name; ///< "public", "usgov", "china"
    std::string_view authority;
    std::string_view scope;
    std::string_view collector_suffix;
};

/// The cloud named `name`, or null.
const sentinel_cloud* find_sentinel_cloud(std::string_view name) noexcept;

/**
 * Fills what the caller left empty, the same way for the CLI and Python: from the environment
 * (MASQ_DCE_ENDPOINT, MASQ_DCR_IMMUTABLE_ID, MASQ_DCR_STREAM, AZURE_TENANT_ID, AZURE_CLIENT_ID,
 * AZURE_CLIENT_SECRET, AZURE_AUTHORITY_HOST; LOG_ANALYTICS_WORKSPACE_ID, LOG_ANALYTICS_SHARED_KEY,
 * MASQ_DATA_COLLECTOR_ENDPOINT), then from `cloud` (authority, scope, and outside the public
 * cloud the Data Collector endpoint `https://{workspace}.{suffix}`). Leave `authority_host` and
 * `scope` empty to have them filled.
 */
void complete_from_environment(sentinel_destination& destination, const sentinel_cloud& cloud);

/// What the records of a send look like.
enum class sentinel_payload : std::uint8_t {
    findings, ///< one record per finding with its context (paths, hosts, counts, ranks, reason)
    seed,     ///< the notebook's four columns: TimeStamp, NormalProcess, PotentiallyMaliciousProcess,
              ///< AnomalyScore
};

/// Shared by every record of one run.
struct record_context {
    timestamp time_generated = 0; ///< when the detection ran (the record's TimeGenerated)
    std::string run_id;           ///< a UUID for the run
    std::string mode;             ///< "seed" or "full"
};

/**
 * One JSON object per finding, as the `MasqFindings_CL` table declares its columns (see
 * docs/sentinel.md and deploy/sentinel/masq-findings.bicep): TimeGenerated, FindingId (a stable
 * hash of detector, names, evidence paths and parents, first and last seen, so re-sent findings
 * are recognisable), RunId, Mode, then every field of the finding schema (data/schema/finding.tsv)
 * under its `sentinel_column` — lists as dynamic arrays of {value,count}, detections and samples
 * as dynamic arrays of objects — and MasqVersion. Values longer than 32 KB are cut (the service
 * cuts at 64 KB, the legacy API at 32).
 * `time_field` names the time column (`TimeGenerated` is reserved by the legacy API).
 */
std::vector<std::string> sentinel_records(std::span<const finding> findings, const record_context& context,
                                          sentinel_payload payload = sentinel_payload::findings,
                                          std::string_view time_field = "TimeGenerated");

/// A fresh run id (a random version-4 UUID) for `record_context::run_id`.
std::string new_run_id();

/// The stable id of a finding: 32 hex digits of XXH3-128 over its identity.
std::string finding_id(const finding& f);

/**
 * Packs records (JSON objects) into batches whose JSON array body (`[a,b,…]`) is at most
 * `max_bytes`; order is kept. A record that alone exceeds the limit gets a batch of its own (the
 * service will refuse it, and it is spooled rather than dropped).
 */
std::vector<std::vector<std::string>> plan_batches(std::vector<std::string> records, std::size_t max_bytes);

/// Something that happened during delivery, for progress display and logs. Never holds a secret.
struct delivery_event {
    enum class kind : std::uint8_t { sent, retry, split, spooled, resumed, token } what;
    std::string request_id;
    std::size_t records = 0;
    std::string detail; ///< e.g. "HTTP 429, waiting 2000 ms"
};

struct delivery_options {
    std::size_t max_batch_bytes = 0; ///< 0: the API's limit (1,000,000 bytes; 30,000,000 for the legacy API)
    unsigned attempts = 6;           ///< tries per batch before it is spooled
    std::chrono::milliseconds initial_backoff{500};
    std::chrono::milliseconds max_backoff{60000};
    std::chrono::milliseconds max_retry_after{300000}; ///< a longer Retry-After is capped at this
    std::chrono::milliseconds request_timeout{30000};
    bool gzip = true;      ///< Logs Ingestion API only (the legacy API takes plain JSON)
    std::string spool_dir; ///< where batches that cannot be delivered go; empty = nowhere (they are failed)
    std::function<void(const delivery_event&)> on_event;
};

struct delivery_report {
    std::size_t records = 0;
    std::size_t records_sent = 0;
    std::size_t batches_sent = 0;
    std::size_t requests = 0; ///< HTTP requests to the ingestion endpoint, retries included
    std::size_t retries = 0;
    std::size_t splits = 0;         ///< batches halved after 413
    std::size_t token_requests = 0; ///< Entra ID token requests (a token is reused until it expires)
    std::size_t records_spooled = 0;
    std::size_t batches_spooled = 0;
    std::size_t records_failed =
        0; ///< neither delivered nor spooled (no spool directory, or it is unwritable)
    std::size_t batches_resumed = 0; ///< spooled batches taken up again by `resume_spool`
    std::vector<std::string> errors; ///< the last error of each batch that did not go through

    bool complete() const noexcept { return records_sent == records; }
};

/// Configuration that cannot work (missing endpoint, DCR id, credentials, invalid key, bad URL).
class sentinel_config_error : public std::invalid_argument {
  public:
    using std::invalid_argument::invalid_argument;
};

/// Checks that `destination` has what its API needs; throws `sentinel_config_error` naming what is missing.
void validate(const sentinel_destination& destination);

/**
 * Sends `records` (from `sentinel_records`) to `destination`. Never throws for delivery failures:
 * they end in the spool and the report. Throws `sentinel_config_error` for a destination that
 * cannot work.
 */
delivery_report deliver(std::span<const std::string> records, const sentinel_destination& destination,
                        const delivery_options& options);

/**
 * One send of findings: the records of `payload` stamped with the current time, a new run id and
 * `mode`, then `deliver`. The legacy API reserves `TimeGenerated`, so there the findings payload
 * carries its time as `DetectedAt` and names it in `time-generated-field`; the seed payload, like
 * the notebook, names none.
 */
delivery_report deliver_findings(std::span<const finding> findings, sentinel_destination destination,
                                 sentinel_payload payload, std::string mode, const delivery_options& options);

/// Where batches are spooled unless told otherwise: `$MASQ_SPOOL_DIR`, else
/// `$XDG_STATE_HOME/masq/spool`, else `~/.local/state/masq/spool` (`.masq-spool` without a home).
std::string default_spool_dir();

/**
 * Delivers the batches in `options.spool_dir` with the request ids they were spooled with,
 * removing each once it is accepted; batches that fail again stay (or are split and re-spooled).
 * Batches spooled for the other API are left alone and named in `errors`.
 */
delivery_report resume_spool(const sentinel_destination& destination, const delivery_options& options);

} // namespace masq
