// SPDX-License-Identifier: MIT
#pragma once

#include "masq/match/visual_distance.h"

#include <algorithm>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace masq::reference {

/// The multi-glyph rows of data/catalog/visual_swaps.tsv, each way round (the tests check that
/// `masq::visual_distance` treats each as one swap, so the two agree on the table).
inline const std::vector<std::pair<std::u32string, std::u32string>>& multi_glyph_rows() {
    static const std::vector<std::pair<std::u32string, std::u32string>> rows = {
        {U"rn", U"m"}, {U"m", U"rn"}, {U"vv", U"w"}, {U"w", U"vv"}, {U"cl", U"d"}, {U"d", U"cl"}};
    return rows;
}

/// visual_distance straight from its definition: the cheapest alignment by (cost, ordinary edits)
/// over matches, look-alike swaps (`glyphs_alike`, and `multi`: pairs of glyph strings that render
/// alike, each given in both directions), ordinary edits and adjacent transpositions (each
/// look-alike inside one a swap more). Every step costs `visual_edit_cost` or `visual_swap_cost`,
/// so the swaps are cost - edits · visual_edit_cost. A table recomputed cell by cell, no
/// precomputed masks.
inline visual_alignment visual_distance(std::u32string_view a, std::u32string_view b,
                                        const std::vector<std::pair<std::u32string, std::u32string>>& multi) {
    using cell = std::pair<std::size_t, std::size_t>; // (cost, edits), compared in that order
    constexpr std::size_t inf = std::numeric_limits<std::size_t>::max() / 4;
    const std::size_t n = a.size(), m = b.size();
    std::vector<std::vector<cell>> d(n + 1, std::vector<cell>(m + 1, cell{inf, 0}));
    const auto edit = [](cell c) { return cell{c.first + visual_edit_cost, c.second + 1}; };
    const auto swap = [](cell c) { return cell{c.first + visual_swap_cost, c.second}; };
    d[0][0] = {0, 0};
    for (std::size_t i = 0; i <= n; ++i)
        for (std::size_t j = 0; j <= m; ++j) {
            cell best = d[i][j];
            if (i > 0) best = std::min(best, edit(d[i - 1][j]));
            if (j > 0) best = std::min(best, edit(d[i][j - 1]));
            if (i > 0 && j > 0) {
                const cell diag = d[i - 1][j - 1];
                best = std::min(best, a[i - 1] == b[j - 1]               ? diag
                                      : glyphs_alike(a[i - 1], b[j - 1]) ? swap(diag)
                                                                         : edit(diag));
            }
            if (i > 1 && j > 1 && !(a[i - 1] == b[j - 1] && a[i - 2] == b[j - 2]) &&
                glyphs_alike(a[i - 1], b[j - 2]) && glyphs_alike(a[i - 2], b[j - 1])) {
                cell c = edit(d[i - 2][j - 2]);
                if (a[i - 1] != b[j - 2]) c = swap(c);
                if (a[i - 2] != b[j - 1]) c = swap(c);
                best = std::min(best, c);
            }
            for (const auto& [x, y] : multi)
                if (i >= x.size() && j >= y.size() && a.substr(i - x.size(), x.size()) == x &&
                    b.substr(j - y.size(), y.size()) == y)
                    best = std::min(best, swap(d[i - x.size()][j - y.size()]));
            d[i][j] = best;
        }
    const auto [cost, edits] = d[n][m];
    return {cost, edits, (cost - edits * visual_edit_cost) / visual_swap_cost};
}

} // namespace masq::reference
