// SPDX-License-Identifier: MIT
#include "cli/sentinel_options.h"

#include "cli/report.h"
#include "masq/diagnostics.h"
#include "masq/sentinel.h"
#include "masq/util/text.h"
#include "masq/write.h"

#include <chrono>
#include <cstdlib>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <unistd.h>

namespace masq::cli {
namespace {

/// The first line of a secret file, without surrounding whitespace. Throws naming the file only.
std::string read_secret_file(const std::string& path, const char* what) {
    std::ifstream in(path);
    std::string line;
    if (!in || !std::getline(in, line))
        throw sentinel_config_error(fmt::format("cannot read the {} file {}", what, path));
    const auto a = line.find_first_not_of(" \t\r\n"), b = line.find_last_not_of(" \t\r\n");
    return a == std::string::npos ? std::string() : line.substr(a, b - a + 1);
}

/// Options and environment into a destination. Credentials come from the environment or files,
/// never from the command line, where other users could read them in the process list.
sentinel_destination destination_of(const sentinel_cli& o) {
    sentinel_destination d;
    if (o.sink == "data-collector") {
        d.api = sentinel_api::data_collector;
        auto& c = d.collector;
        c.workspace_id = o.workspace_id;
        if (!o.shared_key_file.empty()) c.shared_key = read_secret_file(o.shared_key_file, "shared key");
        c.log_type = o.log_type;
        c.endpoint = o.collector_endpoint;
    } else {
        auto& t = d.ingestion;
        t.endpoint = o.endpoint;
        t.dcr_immutable_id = o.dcr;
        t.stream = o.stream;
        auto& cr = t.credentials;
        cr.tenant_id = o.tenant;
        cr.client_id = o.client_id;
        if (!o.client_secret_file.empty())
            cr.client_secret = read_secret_file(o.client_secret_file, "client secret");
        cr.authority_host = o.authority_host;
        cr.scope = o.scope;
    }
    // The environment and the cloud fill the rest, as for Python (sentinel/destination.cpp).
    complete_from_environment(d, *find_sentinel_cloud(o.cloud));
    validate(d);
    return d;
}

delivery_options delivery_of(const sentinel_cli& o, bool quiet) {
    delivery_options opt;
    opt.max_batch_bytes = o.max_batch_bytes;
    opt.attempts = o.attempts;
    opt.initial_backoff = std::chrono::milliseconds(o.backoff_ms);
    opt.request_timeout = std::chrono::milliseconds(static_cast<long long>(o.timeout_s * 1000));
    opt.gzip = !o.no_gzip;
    opt.spool_dir = o.spool.empty() ? default_spool_dir() : o.spool;
    if (!quiet) {
        opt.on_event = [](const delivery_event& e) {
            if (e.what == delivery_event::kind::retry)
                fmt::print(stderr, "masq: send: batch {} ({} records): {}\n", e.request_id, e.records,
                           e.detail);
            else if (e.what == delivery_event::kind::split)
                fmt::print(stderr, "masq: send: batch {} ({} records): {}\n", e.request_id, e.records,
                           e.detail);
            else if (e.what == delivery_event::kind::spooled)
                fmt::print(stderr, "masq: send: batch {} ({} records) spooled: {}\n", e.request_id, e.records,
                           e.detail);
        };
    }
    return opt;
}

const char* api_title(const sentinel_destination& d) {
    return d.api == sentinel_api::logs_ingestion ? "the Logs Ingestion API" : "the Data Collector API";
}

int report_delivery(const delivery_report& r, const sentinel_destination& d, const delivery_options& o,
                    bool quiet, bool resumed) {
    if (!quiet) {
        const std::string where = d.api == sentinel_api::logs_ingestion
                                      ? fmt::format("stream {}", d.ingestion.stream)
                                      : fmt::format("log type {}", d.collector.log_type);
        fmt::print(stderr,
                   "masq: send: {} {} of {} record{} in {} batch{} to {} ({}); {} request{}, {} retr{}, {} "
                   "split{}, {} token request{}\n",
                   resumed ? "resumed, delivered" : "delivered", r.records_sent, r.records,
                   r.records == 1 ? "" : "s", r.batches_sent, r.batches_sent == 1 ? "" : "es", api_title(d),
                   where, r.requests, r.requests == 1 ? "" : "s", r.retries, r.retries == 1 ? "y" : "ies",
                   r.splits, r.splits == 1 ? "" : "s", r.token_requests, r.token_requests == 1 ? "" : "s");
        if (r.records_spooled)
            fmt::print(
                stderr,
                "masq: send: {} record{} in {} batch{} spooled to {}; deliver them later with 'masq send "
                "--resume{}'\n",
                r.records_spooled, r.records_spooled == 1 ? "" : "s", r.batches_spooled,
                r.batches_spooled == 1 ? "" : "es", o.spool_dir,
                o.spool_dir == default_spool_dir() ? "" : " --spool " + o.spool_dir);
        for (const auto& e : r.errors)
            if (e.find(" lost: ") != std::string::npos || e.find("(left as it is)") != std::string::npos)
                fmt::print(stderr, "masq: send: error: {}\n", e);
    }
    if (r.records_failed) return exit_error;
    return r.complete() ? exit_ok : exit_undelivered;
}

} // namespace

void add_sentinel_options(CLI::App& cmd, sentinel_cli& o) {
    // Every option added here goes into its own section of --help; the defaults are restored after.
    cmd.option_defaults()->group("Microsoft Sentinel");
    cmd.add_option("--sink", o.sink,
                   "logs-ingestion (default) or data-collector (the retired HTTP Data Collector API)")
        ->check(CLI::IsMember({"logs-ingestion", "data-collector"}));
    cmd.add_option("--cloud", o.cloud,
                   "public (default), usgov or china: sets the authority host and audience")
        ->check(CLI::IsMember({"public", "usgov", "china"}));
    cmd.add_option("--endpoint", o.endpoint,
                   "logs-ingestion endpoint of the DCE or DCR (env MASQ_DCE_ENDPOINT)");
    cmd.add_option("--dcr", o.dcr,
                   "immutable id of the data collection rule, dcr-... (env MASQ_DCR_IMMUTABLE_ID)");
    cmd.add_option("--stream", o.stream,
                   "stream declared in the DCR (env MASQ_DCR_STREAM; default Custom-MasqFindings_CL)");
    cmd.add_option("--tenant", o.tenant, "Entra ID tenant (env AZURE_TENANT_ID)");
    cmd.add_option("--client-id", o.client_id, "application (client) id (env AZURE_CLIENT_ID)");
    cmd.add_option("--client-secret-file", o.client_secret_file,
                   "file holding the client secret (default: env AZURE_CLIENT_SECRET)");
    cmd.add_option("--authority-host", o.authority_host,
                   "Entra ID authority (env AZURE_AUTHORITY_HOST; default from --cloud)");
    cmd.add_option("--scope", o.scope,
                   "token scope (default from --cloud: https://monitor.azure.com/.default)");
    cmd.add_option("--workspace-id", o.workspace_id,
                   "data-collector: workspace id (env LOG_ANALYTICS_WORKSPACE_ID)");
    cmd.add_option("--shared-key-file", o.shared_key_file,
                   "data-collector: file holding the workspace key (default: env LOG_ANALYTICS_SHARED_KEY)");
    cmd.add_option("--log-type", o.log_type, "data-collector: Log-Type, the table is LOGTYPE_CL")
        ->capture_default_str();
    cmd.add_option("--data-collector-endpoint", o.collector_endpoint,
                   "data-collector: base URL (env MASQ_DATA_COLLECTOR_ENDPOINT; default "
                   "https://WORKSPACE.ods.opinsights.azure.com)");
    cmd.add_option("--payload", o.payload,
                   "findings (one record per finding with context) or seed (the notebook's four columns)")
        ->check(CLI::IsMember({"findings", "seed"}))
        ->capture_default_str();
    cmd.add_option("--spool", o.spool,
                   "directory for batches that cannot be delivered (env MASQ_SPOOL_DIR; default "
                   "~/.local/state/masq/spool)");
    cmd.add_option("--max-batch-bytes", o.max_batch_bytes,
                   "largest request body (default: the API's limit, 1 MB)");
    cmd.add_option("--attempts", o.attempts, "tries per batch before it is spooled")
        ->capture_default_str()
        ->check(CLI::Range(1u, 100u));
    cmd.add_option("--timeout", o.timeout_s, "seconds per request")->capture_default_str();
    cmd.add_option("--backoff-ms", o.backoff_ms, "first retry delay; doubles per retry, with jitter")
        ->capture_default_str();
    cmd.add_flag("--no-gzip", o.no_gzip, "send uncompressed bodies");
    cmd.option_defaults()->group("Options");
}

bool check_sentinel_options(const sentinel_cli& o) {
    try {
        destination_of(o);
        return true;
    } catch (const sentinel_config_error& e) {
        fmt::print(stderr, "masq: send: {}\n", e.what());
        return false;
    }
}

int send_findings(const std::vector<finding>& findings, const std::string& mode, const sentinel_cli& o,
                  bool quiet) {
    sentinel_destination d;
    try {
        d = destination_of(o);
    } catch (const sentinel_config_error& e) {
        fmt::print(stderr, "masq: send: {}\n", e.what());
        return exit_error;
    }
    const auto payload = o.payload == "seed" ? sentinel_payload::seed : sentinel_payload::findings;
    const delivery_options options = delivery_of(o, quiet);
    return report_delivery(deliver_findings(findings, d, payload, mode, options), d, options, quiet, false);
}

CLI::App* add_send_command(CLI::App& app, send_cli& s) {
    auto* send = app.add_subcommand("send", "Send findings saved as JSON lines to Microsoft Sentinel");
    send->add_option("inputs", s.inputs,
                     "findings files from 'masq detect -f jsonl', plain, .gz or .zst (- for standard input)");
    send->add_flag("--resume", s.resume, "deliver the batches left in the spool by earlier sends");
    send->add_option("--mode", s.mode, "label for the Mode column (seed or full) when sending a file");
    send->add_flag("--strict", s.strict, "stop with exit status 2 at the first malformed line");
    send->add_flag("-q,--quiet", s.quiet, "print nothing on standard error");
    add_sentinel_options(*send, s.sentinel);
    send->footer(R"(Credentials come from the environment (or files), never from arguments:
  Logs Ingestion API:  AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET (or --client-secret-file),
                       MASQ_DCE_ENDPOINT, MASQ_DCR_IMMUTABLE_ID, MASQ_DCR_STREAM
  Data Collector API:  LOG_ANALYTICS_WORKSPACE_ID, LOG_ANALYTICS_SHARED_KEY (or --shared-key-file)

Examples:
  masq detect export/ -f jsonl -o findings.jsonl && masq send findings.jsonl
  masq detect export/ --send sentinel                 # detect and send in one run
  masq send --resume                                   # deliver what a failed send spooled
  masq send --sink data-collector --payload seed findings.jsonl

Exit status: 0 all delivered, 2 usage or configuration error (or findings lost), 3 some findings
were spooled instead of delivered (run 'masq send --resume' later).
See docs/sentinel.md for the table, DCE, DCR and role assignment.)");
    return send;
}

int run_send(const send_cli& s) {
    if (s.resume) {
        if (!s.inputs.empty()) {
            fmt::print(stderr, "masq: send: --resume takes no files (it reads the spool)\n");
            return exit_error;
        }
        sentinel_destination d;
        try {
            d = destination_of(s.sentinel);
        } catch (const sentinel_config_error& e) {
            fmt::print(stderr, "masq: send: {}\n", e.what());
            return exit_error;
        }
        const delivery_options options = delivery_of(s.sentinel, s.quiet);
        const auto report = resume_spool(d, options);
        if (!s.quiet && report.batches_resumed == 0)
            fmt::print(stderr, "masq: send: the spool {} is empty\n", options.spool_dir);
        return report_delivery(report, d, options, s.quiet, true);
    }
    std::vector<std::string> inputs = s.inputs;
    if (inputs.empty()) {
        if (isatty(STDIN_FILENO)) {
            fmt::print(
                stderr,
                "masq: send: no findings file given (or - for standard input); see masq send --help\n");
            return exit_error;
        }
        inputs.push_back("-");
    }
    // The destination first: a wrong DCR id or endpoint is said before a large file is read.
    if (!check_sentinel_options(s.sentinel)) return exit_error;
    diagnostics diag(s.strict);
    std::vector<finding> findings;
    findings_read_stats read;
    try {
        for (const auto& path : inputs) {
            auto more = read_findings_file(path, diag, read);
            std::move(more.begin(), more.end(), std::back_inserter(findings));
        }
    } catch (const input_error& e) {
        fmt::print(stderr, "masq: send: error: {}\n", display_safe(e.what()));
        return exit_error;
    }
    if (diag.count(problem_kind::unreadable_file) > 0) {
        for (const auto& d : diag.kept())
            if (d.kind == problem_kind::unreadable_file)
                fmt::print(stderr, "masq: send: cannot read {}\n", display_safe(d.to_string()));
        return exit_error;
    }
    if (!s.quiet)
        for (const auto& d : diag.kept())
            fmt::print(stderr, "masq: send: warning: {}\n", display_safe(d.to_string()));
    const std::string named = inputs.size() == 1 ? (inputs[0] == "-" ? "standard input" : inputs[0])
                                                 : fmt::format("the {} inputs", inputs.size());
    if (findings.empty() && read.records > 0) {
        // Raw events or another tool's lines: sending nothing with exit 0 would hide the mistake.
        fmt::print(stderr,
                   "masq: send: error: {} holds no findings: none of its {} records is a masq finding "
                   "(a line with \"type\":\"finding\", as 'masq detect -f jsonl' writes); nothing was sent\n",
                   display_safe(named), read.records);
        return exit_error;
    }
    if (findings.empty()) {
        // An empty findings file is what a clean day's 'masq detect -f jsonl' writes.
        if (!s.quiet)
            fmt::print(stderr, "masq: send: nothing to send: {} has no findings\n", display_safe(named));
        return exit_ok;
    }
    if (!s.quiet && read.records > read.findings)
        fmt::print(stderr,
                   "masq: send: warning: {} of {} records in {} are not findings and were passed over\n",
                   read.records - read.findings, read.records, display_safe(named));
    return send_findings(findings, s.mode, s.sentinel, s.quiet);
}

} // namespace masq::cli
