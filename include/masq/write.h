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

/// One JSON object per finding (`"type":"finding"`), fields as in ARCHITECTURE.md. The score is
/// the shortest decimal that reads back as the same float32 (so `0.85714287`, not `0.857142865657`).
void write_findings_jsonl(std::ostream& out, std::span<const finding> findings);

/**
 * Reads findings back from what `write_findings_jsonl` wrote (for `masq send`, which sends
 * findings saved by an earlier `masq detect -f jsonl`). Lines whose `type` is not "finding" are
 * passed over; malformed lines are reported to `diag` as `file:line` and skipped.
 */
std::vector<finding> read_findings_jsonl(std::string_view data, std::string_view name, diagnostics& diag);

/// RFC 4180 CSV with a header row; lists (paths, hosts) are joined with " | " as `value (count)`.
void write_findings_csv(std::ostream& out, std::span<const finding> findings);

struct table_options {
    std::size_t width = 120;   ///< terminal width to fit
    bool color = false;        ///< ANSI emphasis for the suspicious name
    std::size_t max_paths = 3; ///< paths shown per name
    bool show_reasons = false; ///< a second line per finding: detector and reason (full mode)
};

/// An aligned, human table, most suspicious first. Invisible and bidirectional-control characters
/// are shown as `<U+202E>` so that a name cannot disguise itself in the terminal.
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
