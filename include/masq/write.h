// SPDX-License-Identifier: MIT
#pragma once

/// @file write.h
/// Writing findings: JSON lines and CSV for machines, an aligned table for people.

#include "masq/diagnostics.h"
#include "masq/event.h"
#include "masq/finding.h"

#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace masq {

/// One JSON object per finding: `"type":"finding"`, then the fields of data/schema/finding.tsv in
/// its order (finding_schema()). Scores are the shortest decimal that reads back as the same
/// float32 (so `0.85714287`, not `0.857142865657`). `threads` format lines in parallel (0: all
/// cores); the bytes written never depend on it.
void write_findings_jsonl(std::ostream& out, std::span<const finding> findings, unsigned threads = 1);

/// Appends one finding's JSON object (as one line of write_findings_jsonl, without the newline).
void write_finding_json(std::string& out, const finding& f);

/**
 * Reads findings back from what `write_findings_jsonl` wrote (for `masq send`, which sends
 * findings saved by an earlier `masq detect -f jsonl`). Lines whose `type` is not "finding" are
 * passed over; malformed lines are reported to `diag` as `file:line` and skipped.
 */
std::vector<finding> read_findings_jsonl(std::string_view data, std::string_view name, diagnostics& diag);

/// What the findings readers saw: the records (non-blank lines that are JSON objects), and of
/// those the findings. Records that are not findings (raw events, another tool's lines) are passed
/// over; a file of records none of which is a finding is not masq's output (`masq send` says so).
struct findings_read_stats {
    std::uint64_t records = 0;
    std::uint64_t findings = 0;
};

/// read_findings_jsonl over `stats` too.
std::vector<finding> read_findings_jsonl(std::string_view data, std::string_view name, diagnostics& diag,
                                         findings_read_stats& stats);

/**
 * The findings of one file (or "-" for standard input), gzip or zstd or plain, told by its
 * content as the event readers do. A file that cannot be opened is an `unreadable-file` problem,
 * a truncated or corrupt one `truncated-file` (the findings before are kept), one that inflates
 * past `max_expansion` times its size `oversized-file` (read.h, `read_options::max_expansion`).
 */
std::vector<finding> read_findings_file(const std::string& path, diagnostics& diag,
                                        findings_read_stats& stats, std::uint64_t max_expansion = 200);

/// RFC 4180 CSV with a header row: the schema's fields marked `csv`, in its order. Lists (paths,
/// hosts) are joined with " | " as `value (count)`, detections as `detector technique score`.
/// Safe to open in a spreadsheet: bidi and invisible characters are escaped as in the table, and
/// a cell that would begin a formula (`=`, `+`, `-`, `@`, tab, CR) begins with `'` (docs/alerts.md).
void write_findings_csv(std::ostream& out, std::span<const finding> findings);

struct table_options {
    std::size_t width = 80;      ///< terminal width to fit (with `fit`)
    bool fit = false;            ///< fit rows to `width` and wrap the lines below them (a terminal)
    bool color = false;          ///< ANSI colour of each alert's level
    std::size_t max_paths = 3;   ///< paths shown per alert
    bool show_reasons = false;   ///< a line per detection: detector, ATT&CK id and reason (full mode)
    std::size_t max_samples = 1; ///< with show_reasons: sample events shown per alert
    bool score_column =
        false; ///< the first column is the score, not the level (seed mode: the notebook's Dist)
};

/// An aligned, human table in the order given (most severe first): a row per alert — level, name
/// with its evidence events, what it imitates or what was expected, hosts, first and last day —
/// and below it the paths as logged and each detection. Nothing is cut unless `fit` (on a
/// terminal the row's cells give way; the lines below are wrapped, never cut). Invisible and
/// bidirectional-control characters are shown as `<U+202E>` so that a name cannot disguise itself.
void write_findings_table(std::ostream& out, std::span<const finding> findings, const table_options& options);

/// Writes `event` as one SecurityEvent export line (what `masq convert` prints and every reader
/// reads back): TimeGenerated, EventID 4688, Computer (left out when `with_host` is false),
/// NewProcessName, Process, then the context the event has — ParentProcessName, OriginalFileName,
/// SubjectUserName, CommandLine, Hashes, NewProcessId and ProcessId (hex, as 4688 writes them),
/// EventRecordId — and Type.
void write_security_event_line(std::ostream& out, const process_event& event, bool with_host = true);

/// The float32 as the shortest decimal that round-trips (Java's `Float.toString` digits).
std::string format_score(float score);

} // namespace masq
