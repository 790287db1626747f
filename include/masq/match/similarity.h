// SPDX-License-Identifier: MIT
#pragma once

/// @file similarity.h
/// Name similarity exactly as the notebook computes it: the `fastDamerauLevenshtein` package
/// (true, unrestricted Damerau-Levenshtein on code points) behind the notebook's `calcDist`
/// extension rule, cast to a Spark `FloatType` and compared with a double threshold.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace masq {

/**
 * True (unrestricted) Damerau-Levenshtein distance between two code-point strings: the least
 * number of insertions, deletions, substitutions and transpositions of adjacent characters,
 * where a transposed pair may later be edited (so `ca` -> `abc` costs 2, where the restricted
 * "optimal string alignment" distance gives 3).
 *
 * Lowrance and Wagner, "An Extension of the String-to-String Correction Problem", JACM 22(2),
 * 1975, doi:10.1145/321879.321880. O(|a|·|b|) time, O(|a|·|b|) memory (names are short).
 *
 *     damerau_levenshtein(U"ca", U"abc") == 2
 */
std::size_t damerau_levenshtein(std::u32string_view a, std::u32string_view b);

/// As above, but stops as soon as the distance is known to exceed `max_distance` and then returns
/// `max_distance + 1`. Exact whenever the true distance is at most `max_distance`.
std::size_t damerau_levenshtein(std::u32string_view a, std::u32string_view b, std::size_t max_distance);

/**
 * The restricted Damerau-Levenshtein ("optimal string alignment") distance from one pattern of at
 * most 64 code points to many texts, bit-parallel: Hyyrö, "A Bit-Vector Algorithm for Computing
 * Levenshtein and Damerau Edit Distances", Nordic Journal of Computing 10(1), 2003. O(|text|) word
 * operations per text. It is only a filter for true Damerau-Levenshtein, DL <= OSA <= Levenshtein
 * <= 2·DL, so OSA > 2k proves DL > k.
 */
class osa_pattern {
  public:
    static constexpr std::size_t max_length = 64;
    /// `pattern.size()` must be at most `max_length`.
    explicit osa_pattern(std::u32string_view pattern);
    std::size_t size() const noexcept { return length_; }
    std::size_t distance(std::u32string_view text) const noexcept;

  private:
    std::uint64_t mask_of(char32_t c) const noexcept;
    std::uint64_t ascii_[128] = {};
    std::uint32_t other_count_ = 0;
    char32_t other_chars_[max_length] = {};
    std::uint64_t other_masks_[max_length] = {};
    std::size_t length_ = 0;
};

/// `fastDamerauLevenshtein.damerauLevenshtein(a, b)` with default arguments: 1.0 when equal
/// (both empty included), 0.0 when exactly one is empty, else `(double)(max - d) / max` where
/// `max = max(|a|, |b|)` in code points.
double dl_similarity(std::u32string_view a, std::u32string_view b);

/// The outcome of the notebook's `calcDist(frequent, infrequent)` for one pair.
struct seed_comparison {
    double similarity = 0.0;         ///< calcDist's double, before Spark's FloatType cast
    std::size_t distance = 0;        ///< edit distance between the compared strings (0 when not compared)
    std::size_t max_length = 0;      ///< code points of the longer compared string
    bool compared = false;           ///< false when a name has no '.', so calcDist returns 0.0
    bool extension_stripped = false; ///< true when both names shared the text after their last '.'
};

/**
 * The notebook's `calcDist`: when both names contain a '.', and the text after the last '.' is
 * the same, that extension is removed from both; when the extensions differ the full names are
 * compared; when either name has no '.', the result is 0.0 without any comparison.
 */
seed_comparison seed_compare(std::u32string_view frequent, std::u32string_view infrequent);

/// calcDist's value for compared strings whose longer one has `max_length` code points and
/// which are `distance` edits apart: `(max - d) / max` in double, 1.0 when equal (both empty too).
constexpr double seed_similarity(std::size_t max_length, std::size_t distance) noexcept {
    if (distance == 0) return 1.0;
    return static_cast<double>(max_length - distance) / static_cast<double>(max_length);
}

/// Spark's `FloatType` result of a Python UDF returning a double: round to nearest float32.
constexpr float to_spark_float(double similarity) noexcept {
    return static_cast<float>(similarity);
}

/// `F.col("Dist") > threshold`: the float32 column is widened to double and compared with the
/// double literal, so with 0.85 a similarity of exactly 0.85 (float32 0.85000002) is flagged.
constexpr bool seed_flagged(float score, double threshold) noexcept {
    return static_cast<double>(score) > threshold;
}

/**
 * The largest edit distance that can still be flagged for compared strings whose longer one has
 * `max_length` code points, under `threshold`; -1 when even identical strings would not be.
 * Computed with the same float arithmetic as `seed_flagged`, so it is exact for any threshold.
 * With 0.85 this is the integer rule `20·(max−d) ≥ 17·max`.
 */
std::ptrdiff_t seed_max_distance(std::size_t max_length, double threshold) noexcept;

} // namespace masq
