// SPDX-License-Identifier: MIT
#pragma once

/// @file rank.h
/// Spark's `percent_rank()` over the per-name counts and the notebook's frequent / infrequent
/// split.

#include "masq/profile.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace masq {

/**
 * Spark's `percent_rank` ordered by count (apache/spark `windowExpressions.scala`, `PercentRank`):
 * `(rank - 1) / (n - 1)` in double, where `rank` is 1 + the number of strictly smaller counts
 * (ties share the minimum rank), and 0.0 when `n == 1`. Returns one value per input, in input order.
 */
std::vector<double> spark_percent_rank(std::span<const std::uint64_t> counts);

struct rank_thresholds {
    double frequent = 0.8;   ///< `percent_rank >= frequent` is a frequent ("normal") name
    double infrequent = 0.2; ///< `percent_rank < infrequent` is an infrequent ("potentially malicious") name
};

/// One distinct name with its count and rank; the name and stats are the profile's, which must
/// outlive the split (a million names' copies cost a million allocations and lookups back).
struct ranked_name {
    std::optional<std::string_view> name; ///< lower-cased; empty optional for the null-name group
    const name_stats* stats = nullptr;
    std::uint64_t count = 0;
    double percent_rank = 0.0;
};

/// The ranked names and which of them are frequent and infrequent (indices into `names`).
struct frequency_split {
    std::vector<ranked_name> names;
    std::vector<std::size_t> frequent;
    std::vector<std::size_t> infrequent;
};

/// Ranks every name of `profile` (null group included, as Spark's `groupBy` keeps null keys) and
/// splits them with the same double comparisons as the notebook's `where` clauses.
frequency_split split_by_frequency(const process_profile& profile, const rank_thresholds& thresholds);

} // namespace masq
