// SPDX-License-Identifier: MIT
#pragma once

// Deliberately slow, obviously-correct references for the distances, used by differential tests.

#include <algorithm>
#include <map>
#include <string_view>
#include <vector>

namespace masq::reference {

/// Textbook unrestricted Damerau-Levenshtein (Lowrance & Wagner 1975), with the alphabet map as a
/// std::map and the full (n+2)x(m+2) matrix, as printed in Wikipedia "Damerau-Levenshtein distance".
inline std::size_t damerau_levenshtein(std::u32string_view a, std::u32string_view b) {
    const std::size_t n = a.size(), m = b.size(), maxdist = n + m;
    std::vector<std::vector<std::size_t>> d(n + 2, std::vector<std::size_t>(m + 2, 0));
    std::map<char32_t, std::size_t> da;
    d[0][0] = maxdist;
    for (std::size_t i = 0; i <= n; ++i) {
        d[i + 1][0] = maxdist;
        d[i + 1][1] = i;
    }
    for (std::size_t j = 0; j <= m; ++j) {
        d[0][j + 1] = maxdist;
        d[1][j + 1] = j;
    }
    for (std::size_t i = 1; i <= n; ++i) {
        std::size_t db = 0;
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t k = da.count(b[j - 1]) ? da[b[j - 1]] : 0;
            const std::size_t l = db;
            std::size_t cost = 1;
            if (a[i - 1] == b[j - 1]) {
                cost = 0;
                db = j;
            }
            d[i + 1][j + 1] = std::min(
                {d[i][j] + cost, d[i + 1][j] + 1, d[i][j + 1] + 1, d[k][l] + (i - k - 1) + 1 + (j - l - 1)});
        }
        da[a[i - 1]] = i;
    }
    return d[n + 1][m + 1];
}

/// The algorithm of fastDamerauLevenshtein 1.0.7 (`fastDamerauLevenshtein.pyx`), transcribed from
/// its description in shared/reference/seed-semantics.md: a 0-indexed table with no empty-prefix
/// row or column, unit weights. The notebook runs this code, so it is the ground truth of seed mode.
inline std::size_t fast_damerau_levenshtein_pyx(std::u32string_view a, std::u32string_view b) {
    if (a == b) return 0;
    const std::size_t n = a.size(), m = b.size();
    if (n == 0) return m;
    if (m == 0) return n;
    const long del = 1, ins = 1, rep = 1, swp = 1;
    std::vector<std::vector<long>> t(n, std::vector<long>(m, 0));
    std::map<char32_t, long> last;
    t[0][0] = a[0] != b[0] ? swp : 0;
    last[a[0]] = 0;
    for (std::size_t i = 1; i < n; ++i)
        t[i][0] = std::min({t[i - 1][0] + del, static_cast<long>(i + 1) * del + ins,
                            static_cast<long>(i) * del + (a[i] == b[0] ? 0 : rep)});
    for (std::size_t j = 1; j < m; ++j)
        t[0][j] = std::min({static_cast<long>(j + 1) * ins + del, t[0][j - 1] + ins,
                            static_cast<long>(j) * ins + (a[0] == b[j] ? 0 : rep)});
    for (std::size_t i = 1; i < n; ++i) {
        long db = a[i] == b[0] ? 0 : -1;
        for (std::size_t j = 1; j < m; ++j) {
            const auto it = last.find(b[j]);
            const long k = it == last.end() ? -1 : it->second;
            const long l = db;
            const long d = t[i - 1][j] + del, s = t[i][j - 1] + ins;
            long sub = t[i - 1][j - 1];
            if (a[i] != b[j])
                sub += rep;
            else
                db = static_cast<long>(j);
            long cand = std::min({d, s, sub});
            if (k != -1 && l != -1) {
                const long pre = (k == 0 && l == 0) ? 0 : t[std::max(0L, k - 1)][std::max(0L, l - 1)];
                cand = std::min(cand, pre + (static_cast<long>(i) - k - 1) * del +
                                          (static_cast<long>(j) - l - 1) * ins + swp);
            }
            t[i][j] = cand;
        }
        last[a[i]] = static_cast<long>(i);
    }
    return static_cast<std::size_t>(t[n - 1][m - 1]);
}

/// Optimal string alignment (restricted Damerau-Levenshtein): no edits inside a transposed pair.
inline std::size_t optimal_string_alignment(std::u32string_view a, std::u32string_view b) {
    const std::size_t n = a.size(), m = b.size();
    std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1, 0));
    for (std::size_t i = 0; i <= n; ++i)
        d[i][0] = i;
    for (std::size_t j = 0; j <= m; ++j)
        d[0][j] = j;
    for (std::size_t i = 1; i <= n; ++i)
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[n][m];
}

} // namespace masq::reference
