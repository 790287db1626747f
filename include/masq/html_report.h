// SPDX-License-Identifier: MIT
#pragma once

/// @file html_report.h
/// The HTML report: one self-contained page (no network, no external file) with the run's
/// summary, the notebook's view of per-name counts against percent_rank, a table of every alert
/// that sorts and filters in the browser, and one card per alert (docs/report.md).

#include "masq/finding.h"
#include "masq/profile.h"
#include "masq/rank.h"
#include "masq/util/timestamp.h"

#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace masq {

/// What the report says about the run beside its alerts.
struct report_run {
    std::string mode;      ///< "seed" or "full"
    std::string generated; ///< when the report was written, ISO 8601
    std::uint64_t files = 0, records = 0, events = 0;
    std::size_t suppressed = 0, below_level = 0; ///< from detect_summary
    rank_thresholds thresholds{};
    // From the profile (describe_profile):
    std::size_t distinct_names = 0;
    std::uint64_t hosts = 0;
    std::optional<timestamp> first_seen, last_seen;
    /// The names' event counts against their percent_rank, in rank order, thinned to at most
    /// `curve_points` points (the first and last kept): the curve of the notebook's ranking.
    std::vector<std::pair<double, std::uint64_t>> curve;
};

/// Fills `run`'s profile fields: distinct names, hosts, the time span and the rank curve.
void describe_profile(const process_profile& profile, report_run& run, std::size_t curve_points = 400);

/// Writes the report page. Every string of `findings` goes into the page as JSON data the page's
/// script shows as text, never as HTML.
void write_html_report(std::ostream& out, std::span<const finding> findings, const report_run& run);

} // namespace masq
