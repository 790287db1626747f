// SPDX-License-Identifier: MIT
#pragma once

// What every reader harness does with what it parsed: build the profile as the reader driver
// does (profile_builder, then flush), run both modes' detector tables over it and render the
// findings in every output format, so a hostile input is followed all the way to the report.

#include "masq/detect.h"
#include "masq/read.h"
#include "masq/sentinel.h"
#include "masq/write.h"
#include "profile/profile_builder.h"

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string_view>
#include <vector>

namespace masq_fuzz {

/// Writes findings in every output format: JSON lines, CSV, the table (fitted, with reasons and
/// samples) and both kinds of Sentinel records.
inline void render(const std::vector<masq::finding>& findings) {
    std::ostringstream out;
    masq::write_findings_jsonl(out, findings);
    masq::write_findings_csv(out, findings);
    masq::table_options table;
    table.fit = true;
    table.show_reasons = true;
    table.max_samples = 3;
    masq::write_findings_table(out, findings, table);
    for (const auto payload : {masq::sentinel_payload::findings, masq::sentinel_payload::seed})
        (void)masq::sentinel_records(findings, {0, "run", "full"}, payload);
}

/// Detects in both modes and renders the findings.
inline void detect_and_render(const masq::process_profile& profile, const masq::allow_list* allow = nullptr) {
    for (const auto mode : {masq::detect_mode::seed, masq::detect_mode::full}) {
        masq::detect_options options;
        options.mode = mode;
        options.threads = 1;
        if (mode == masq::detect_mode::full) options.allow = allow;
        render(masq::detect(profile, options).findings);
    }
}

/// Reads `data` as one file would be read (through the reader's own profile builder), then
/// detects and renders.
inline void read_and_detect(std::string_view data, const masq::read_options& options, bool name_from_path) {
    masq::detail::profile_builder builder(options.samples);
    builder.set_name_from_path(name_from_path);
    masq::diagnostics diag;
    masq::read_stats stats;
    masq::read_buffer(data, "fuzz-input", builder, diag, stats, options);
    masq::process_profile profile;
    builder.flush_into(profile);
    (void)masq::unusable_input(stats, profile, options.window.set());
    detect_and_render(profile);
}

/// Takes the first byte of the input (0 when there is none) and shortens the input by it.
inline std::uint8_t take_byte(const std::uint8_t*& data, std::size_t& size) {
    if (size == 0) return 0;
    --size;
    return *data++;
}

} // namespace masq_fuzz
