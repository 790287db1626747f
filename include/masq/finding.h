// SPDX-License-Identifier: MIT
#pragma once

/// @file finding.h
/// A finding — an *alert*: one suspicious name together with the events that make it suspicious,
/// the detections that fired on those events, and the context an analyst needs to act on it.
/// This is the output contract of `masq detect` (ARCHITECTURE.md, "Contracts"); its fields are
/// listed once, in data/schema/finding.tsv, which every writer, the reader, the Sentinel record,
/// Python and Spark follow (docs/alerts.md).
///
/// Evidence and context are kept apart: `hosts`, `first_seen`, `last_seen`, `suspicious_count`
/// and `suspicious_paths` are computed over the evidence events only (for a wrong folder, the
/// events from the unexpected folder); the `normal_*` fields describe what is normal — the name
/// imitated, or the same name's own legitimate events — and are never mixed in.

#include "masq/profile.h"
#include "masq/util/timestamp.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace masq {

/// Triage levels, lowest first (the order `--min-level` compares in). The rule that assigns them
/// is in docs/alerts.md ("Levels").
enum class alert_level : std::uint8_t { informational, low, medium, high, critical };

/// "critical", "high", "medium", "low", "informational".
std::string_view level_name(alert_level level) noexcept;
/// The level named `name` (as above, without regard to ASCII case), or none.
std::optional<alert_level> parse_level(std::string_view name) noexcept;

/// One detector's verdict on an alert's evidence.
struct detection {
    std::string detector;  ///< the detector's id (`masq detectors`)
    std::string technique; ///< MITRE ATT&CK technique id, e.g. "T1036.005"
    float score = 0.0f;
    std::string reason; ///< one line a person can act on
    friend bool operator==(const detection&, const detection&) = default;
};

struct finding {
    alert_level level = alert_level::medium;
    std::string detector;                      ///< the strongest detection's id, e.g. "name-similarity"
    std::string technique;                     ///< the strongest detection's ATT&CK id
    std::string suspicious_process;            ///< lower-cased name
    std::optional<std::string> normal_process; ///< the (other) name it imitates, if any; never itself
    /// What was expected instead, when the alert is about where or how a name ran: the folders it
    /// lives in (`c:\windows\system32\`), the parents that start it (`services.exe`). Empty otherwise.
    std::string expected;
    float score = 0.0f;        ///< the alert's score (docs/alerts.md); seed mode: the notebook's float32 `Dist`
    double similarity = 0.0;   ///< the exact similarity behind a name-similarity score
    std::size_t distance = 0;  ///< edits between the compared names
    std::vector<detection> detections; ///< strongest first

    // Evidence: the events that make the name suspicious.
    std::vector<value_count> suspicious_paths; ///< most frequent first, at most `max_paths`
    std::size_t suspicious_distinct_paths = 0;
    std::uint64_t suspicious_count = 0;
    double suspicious_percent_rank = 0.0;
    std::vector<value_count> hosts; ///< hosts of the evidence events, most events first
    std::size_t distinct_hosts = 0;
    std::optional<timestamp> first_seen;
    std::optional<timestamp> last_seen;
    std::vector<value_count> parents; ///< parent paths of the evidence events, when the source has them
    std::vector<event_sample> samples; ///< up to `samples` evidence events, earliest first

    // Context: what is normal.
    std::vector<value_count> normal_paths;
    std::size_t normal_distinct_paths = 0;
    std::uint64_t normal_count = 0;
    double normal_percent_rank = 0.0;
    std::size_t normal_distinct_hosts = 0;

    /// Both names have rows from the user's data (the notebook's "Your anomalies" table).
    bool in_user_data = true;
    /// Either name has injected synthetic rows (the notebook's "Hardcoded anomalies examples").
    bool involves_synthetic = false;

    std::string reason; ///< the detections' reasons in one line, strongest first
};

} // namespace masq
