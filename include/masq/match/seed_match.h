// SPDX-License-Identifier: MIT
#pragma once

/// @file seed_match.h
/// Finding the (frequent, infrequent) name pairs that pass the seed similarity rule.

#include "masq/match/similarity_join.h"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace masq {

/// A pair of names that passed the rule, by index into the frequent and infrequent lists.
struct name_match {
    std::size_t frequent_index = 0;
    std::size_t infrequent_index = 0;
    float score = 0.0f;       ///< the notebook's `Dist` (Spark FloatType)
    double similarity = 0.0;  ///< calcDist's double before the cast
    std::size_t distance = 0; ///< edits between the compared strings
    bool extension_stripped = false;
    friend bool operator==(const name_match&, const name_match&) = default;
};

/**
 * The notebook's cross join: every frequent name against every infrequent one with `calcDist`,
 * keeping pairs whose float32 score is `> threshold`. A null name (the null-name group) never
 * matches, as `calcDist(None, x)` is 0.0. O(F·I) comparisons; this is the reference every faster
 * matcher is tested against. Results are ordered by (frequent_index, infrequent_index).
 */
std::vector<name_match> seed_match_brute_force(std::span<const std::optional<std::string>> frequent,
                                               std::span<const std::optional<std::string>> infrequent,
                                               double similarity_threshold);

/**
 * The same pairs as `seed_match_brute_force`, in the same order, without the cross join. The
 * notebook's rule is split in two similarity joins (see similarity_join.h): names sharing an
 * extension are joined on their stems within that extension, names with different extensions
 * on their full names, each with the exact per-length edit budget of the threshold
 * (`seed_max_distance`). The joins return exact distances, scored with `seed_similarity`, the
 * formula `seed_compare` uses, so scores are bit-identical to the reference.
 */
std::vector<name_match> seed_match_indexed(std::span<const std::optional<std::string>> frequent,
                                           std::span<const std::optional<std::string>> infrequent,
                                           double similarity_threshold, const join_options& options = {},
                                           join_stats* stats = nullptr);

} // namespace masq
