// SPDX-License-Identifier: MIT
#pragma once

// The command-line side of sending findings to Microsoft Sentinel: options shared by
// `masq detect --send sentinel` and `masq send`, credentials from the environment or files,
// and the delivery summary on standard error.

#include "masq/finding.h"

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace masq::cli {

constexpr int exit_undelivered = 3; // findings were spooled (or lost) instead of delivered

struct sentinel_cli {
    std::string sink = "logs-ingestion";
    std::string cloud = "public";
    std::string endpoint, dcr, stream, tenant, client_id, client_secret_file, authority_host, scope;
    std::string workspace_id, shared_key_file, log_type = "MasqueradingProcessNameResult", collector_endpoint;
    std::string payload = "findings";
    std::string spool;
    std::size_t max_batch_bytes = 0;
    unsigned attempts = 6;
    double timeout_s = 30;
    unsigned backoff_ms = 500;
    bool no_gzip = false;
};

/// Adds the Sentinel options to `command` (detect or send), in their own group.
void add_sentinel_options(CLI::App& command, sentinel_cli& options);

/// Whether the options make a destination that can work; prints why not.
bool check_sentinel_options(const sentinel_cli& options);

/**
 * Sends `findings` as configured and prints what happened on stderr (unless `quiet`).
 * Returns 0 when all were delivered, `exit_undelivered` when some were spooled or lost, 2 for
 * a configuration that cannot work.
 */
int send_findings(const std::vector<finding>& findings, const std::string& mode, const sentinel_cli& options,
                  bool quiet);

struct send_cli {
    std::vector<std::string> inputs;
    bool resume = false;
    bool strict = false;
    bool quiet = false;
    std::string mode;
    sentinel_cli sentinel;
};

/// `masq send FINDINGS.jsonl` and `masq send --resume`.
int run_send(const send_cli& options);

/// Adds the `send` subcommand.
CLI::App* add_send_command(CLI::App& app, send_cli& options);

} // namespace masq::cli
