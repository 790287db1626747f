// SPDX-License-Identifier: MIT
#pragma once

/// @file detect.h
/// From a profile to findings: rank, match, attach context.

#include "masq/allow_list.h"
#include "masq/detect/catalog.h"
#include "masq/finding.h"
#include "masq/profile.h"
#include "masq/rank.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace masq {

enum class detect_mode : std::uint8_t {
    seed, ///< exactly the notebook's rule
    full, ///< detectors for what the notebook misses, without its benign look-alikes
};

struct detect_options {
    detect_mode mode = detect_mode::seed;
    rank_thresholds thresholds{};
    double similarity_threshold = 0.85; ///< the notebook's `levenDistThreshold`: flagged when `Dist > this`
    std::size_t max_paths = 10;         ///< paths listed per name in a finding (0 = all)
    std::size_t max_hosts = 10;         ///< hosts listed per finding (0 = all)
    unsigned threads = 0; ///< for the similarity join; 0 = all cores (results never depend on it)
    const allow_list* allow = nullptr; ///< full mode: findings it matches are suppressed (and counted)
    /// Full mode: the catalog of binaries (`--catalog FILE` rows added to the built-in tables);
    /// null is the built-in catalog.
    const binary_catalog* catalog = nullptr;
    /// The fleet's distinct hosts (of named events), when the caller counted them elsewhere and the
    /// profile holds hosts only for some names (Spark collects hosts for flagged names only).
    /// Unset: counted from the profile. Hosts are context: they never change which names are flagged.
    std::optional<std::uint64_t> total_hosts;
    /// The detectors to run, by id (detect/detectors.h, `parse_detector_list`); empty runs every
    /// detector of the mode.
    std::vector<std::string> detectors;
    /// Sample events listed per alert (`--samples`); the reader must have kept as many
    /// (`read_options::samples`).
    std::size_t samples = 3;
    /// Alerts below this level are left out (and counted in `detect_summary::below_level`).
    alert_level min_level = alert_level::informational;
};

/// Parses "seed" or "full".
std::optional<detect_mode> parse_detect_mode(std::string_view name) noexcept;

/**
 * Checks what `detect()` cannot honour, for every front end alike (the CLI, Python, Spark):
 * thresholds within [0, 1], the frequent threshold at or above the infrequent one, an allow-list
 * only in full mode, detector ids of the mode. Throws `std::invalid_argument` with a message
 * naming the option both ways (`--frequent-threshold` / `frequent_threshold`).
 */
void validate(const detect_options& options);

/// The funnel of one detection, for the run summary.
/// The wall time of one stage of `detect` (ranking, a detector, building alerts), for `--stats`.
struct stage_time {
    std::string name;
    double seconds = 0;
};

struct detect_summary {
    std::size_t distinct_names = 0;
    std::size_t frequent = 0;
    std::size_t infrequent = 0;
    std::uint64_t pairs_compared = 0; ///< frequent × infrequent, the notebook's cross join
    std::uint64_t candidates = 0;     ///< pairs the similarity index let through to exact verification
    std::size_t findings = 0;
    std::size_t suppressed = 0;     ///< full mode: findings matched by the allow-list
    std::size_t below_level = 0;    ///< alerts left out by `min_level`
    std::vector<stage_time> stages; ///< where the time went, in the order the stages ran
};

struct detect_result {
    std::vector<finding> findings; ///< highest score first, then by names (a stable order)
    detect_summary summary;
};

/**
 * Runs detection over a finished profile: the detector table of the mode (detect/detectors.h).
 * Seed mode is the notebook's rule exactly. Full mode runs every enabled detector, keeps one
 * finding per (suspicious name, category, imitated name) — the highest-scoring — applies the
 * allow-list, and orders findings by score (most suspicious first).
 * Throws `std::invalid_argument` for options it cannot honour.
 */
detect_result detect(const process_profile& profile, const detect_options& options);

} // namespace masq
