// SPDX-License-Identifier: MIT
#pragma once

/// @file finding.h
/// A finding: one suspicious name with the context an analyst needs to act on it. This is the
/// output contract of `masq detect` (see ARCHITECTURE.md, "Contracts").

#include "masq/profile.h"
#include "masq/util/timestamp.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace masq {

struct finding {
    std::string detector;                      ///< e.g. "name-similarity"
    std::string suspicious_process;            ///< lower-cased name
    std::optional<std::string> normal_process; ///< the name it imitates, if any
    float score = 0.0f;                        ///< seed mode: the notebook's float32 `Dist`
    double similarity = 0.0;                   ///< the exact similarity behind the score
    std::size_t distance = 0;                  ///< edits between the compared names

    std::vector<value_count> suspicious_paths; ///< most frequent first, at most `max_paths`
    std::size_t suspicious_distinct_paths = 0;
    std::vector<value_count> normal_paths;
    std::size_t normal_distinct_paths = 0;
    std::uint64_t suspicious_count = 0;
    std::uint64_t normal_count = 0;
    double suspicious_percent_rank = 0.0;
    double normal_percent_rank = 0.0;
    std::vector<value_count> hosts; ///< hosts that ran the suspicious name
    std::size_t distinct_hosts = 0;
    std::optional<timestamp> first_seen; ///< of the suspicious name
    std::optional<timestamp> last_seen;

    /// Both names have rows from the user's data (the notebook's "Your anomalies" table).
    bool in_user_data = true;
    /// Either name has injected synthetic rows (the notebook's "Hardcoded anomalies examples").
    bool involves_synthetic = false;

    std::string reason; ///< one line a person can act on
};

} // namespace masq
