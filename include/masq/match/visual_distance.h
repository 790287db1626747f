// SPDX-License-Identifier: MIT
#pragma once

/// @file visual_distance.h
/// How far apart two names look, rather than how far apart they are spelt: an edit distance in
/// which replacing a glyph by one that renders alike (`l`/`i`/`1`, `o`/`0`, `s`/`5`, `e`/`3`,
/// `m`/`rn`, `w`/`vv`, `d`/`cl`, and any two characters with one Unicode confusable skeleton, such
/// as Cyrillic `о` for `o`) costs a quarter of an ordinary edit. Two or three such swaps
/// (`expI0rer`, `5vch0st`) are then closer than one real edit, while two arbitrary edits are not.
/// The swaps are data (data/catalog/visual_swaps.tsv); the idea is the weighted edit distance of
/// Wagner and Fischer (JACM 21(1), 1974) with the glyph classes of dnstwist's homoglyph table
/// and UTS #39's confusables.

#include <cstddef>
#include <string>
#include <string_view>

namespace masq {

/// Costs in quarter edits: an ordinary insertion, deletion, substitution or adjacent transposition
/// is `visual_edit_cost`; replacing a glyph by a look-alike is `visual_swap_cost`.
inline constexpr std::size_t visual_edit_cost = 4;
inline constexpr std::size_t visual_swap_cost = 1;

/// The cheapest alignment of two lower-cased code-point strings.
struct visual_alignment {
    std::size_t cost = 0;  ///< in quarter edits
    std::size_t edits = 0; ///< ordinary edits in that alignment
    std::size_t swaps = 0; ///< look-alike glyph swaps in that alignment
};

/**
 * The visual distance between `a` and `b`: the restricted ("optimal string alignment") edit
 * distance where look-alike swaps cost `visual_swap_cost` and everything else
 * `visual_edit_cost`; an adjacent transposition may move look-alikes (`50` for `os` is one
 * transposition and two swaps). Among alignments of the least cost, the one with the fewest ordinary edits
 * is reported. O(|a|·|b|·swaps) time; names are short.
 *
 *     visual_distance(U"expi0rer", U"explorer") == {2, 0, 2}
 *     visual_distance(U"svchots", U"svchost")   == {4, 1, 0}
 */
visual_alignment visual_distance(std::u32string_view a, std::u32string_view b);

/**
 * The key a candidate join compares names by: the confusable skeleton (confusable.h) with every
 * multi-glyph look-alike of the swap table collapsed to its single glyph (`cl` to `d`, `rn` to
 * `m`, `vv` to `w`), so names a few swaps apart have keys at most an edit or two apart.
 */
std::u32string visual_key(std::string_view lowered);

/// `visual_key` of a name whose confusable skeleton is already known.
std::u32string visual_key_of_skeleton(std::string_view skeleton);

/**
 * Whether `key`, the `visual_key` of `lowered`, maps it letter by letter: ASCII, as long, and each
 * letter's key is the `visual_key` of that letter alone. Between two such names every look-alike
 * swap of `visual_distance` is one key letter (its rows are single ASCII glyphs the skeleton
 * folds alike) and every other edit stays one edit, so their keys are at most as many edits apart
 * as the alignment has ordinary edits. False where a fold spans letters (`rn` to `m`, `vw` whose
 * skeleton `vvv` folds to `wv`) or a letter maps to several (other scripts).
 */
bool letterwise_visual_key(std::string_view lowered, std::u32string_view key);

/// Whether two single code points render alike: a row of the swap table, or one UTS #39 skeleton.
bool glyphs_alike(char32_t a, char32_t b);

} // namespace masq
