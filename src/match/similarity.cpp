// SPDX-License-Identifier: MIT
#include "masq/match/similarity.h"

#include <algorithm>
#include <array>
#include <vector>

namespace masq {
namespace {

/// Row of the last occurrence of each character of `a` seen so far (the DA array of
/// Lowrance-Wagner), dense for ASCII and a short linear list for the rest: process names are short
/// and mostly ASCII, so this beats a hash map.
class last_row_table {
  public:
    void reset() {
        ascii_.fill(0);
        other_.clear();
    }
    // 32-bit rows keep the table in a few cache lines.
    std::size_t get(char32_t c) const noexcept {
        if (c < 128) return ascii_[c];
        for (const auto& [ch, row] : other_)
            if (ch == c) return row;
        return 0;
    }
    void set(char32_t c, std::size_t row) {
        if (c < 128) {
            ascii_[c] = static_cast<std::uint32_t>(row);
            return;
        }
        for (auto& [ch, r] : other_)
            if (ch == c) {
                r = row;
                return;
            }
        other_.emplace_back(c, row);
    }

  private:
    std::array<std::uint32_t, 128> ascii_{};
    std::vector<std::pair<char32_t, std::size_t>> other_;
};

/**
 * Lowrance-Wagner true Damerau-Levenshtein with unit costs, following the presentation of
 * Wikipedia "Damerau-Levenshtein distance" (distance with adjacent transpositions): a
 * (n+2)×(m+2) table whose row and column -1 hold the sentinel n+m.
 *
 * With `bound` set, only the diagonal band |i-j| <= bound is computed, and every cell outside it
 * counts as bound+1: such cells are >= |i-j| > bound anyway (each edit changes the length by at
 * most one), and a path through one costs >= bound+1, so the result is exact up to `bound` and
 * > bound otherwise (by induction min(C, bound+1) == min(T, bound+1) for every computed cell C and
 * true cell T). A transposition whose earlier match lies left of the band costs at least
 * |k-l| + (i-k) + (j-l-1) >= i-l > bound, so the row's last match is tracked inside the band only.
 * Rows stop early once every cell of a row i exceeds the bound: ordinary edges move one row at a
 * time, and a transposition jumping from row k-1 < i to a row past i costs at least
 * T[k-1][l-1] + (i-k+1) >= T[i][l-1] (delete a[k..i]), so no later cell can come back under it.
 * Banding makes a bounded call O(n·bound) instead of O(n·m): the similarity joins verify tens of
 * millions of 20-30 letter candidates with bounds of two or three.
 */
std::size_t lowrance_wagner(std::u32string_view a, std::u32string_view b, std::size_t bound) {
    const std::size_t n = a.size(), m = b.size();
    const std::size_t inf = n + m + 1;
    const std::size_t width = m + 2;
    const std::size_t cap = bound + 1;
    if ((n > m ? n - m : m - n) > bound) return cap;
    thread_local std::vector<std::size_t> table;
    thread_local last_row_table da;
    // Every cell of rows 2.. that is read is written first (in the band) or set to `cap` (the one
    // cell on each side of it); only the sentinel row and column and the empty-prefix row and
    // column need values.
    if (table.size() < (n + 2) * width) table.resize((n + 2) * width);
    std::fill_n(table.begin(), width, inf);
    for (std::size_t i = 1; i < n + 2; ++i)
        table[i * width] = inf;
    da.reset();
    auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return table[i * width + j]; };
    // Row/column 0 of `table` are the sentinels (index -1 in the paper); row/column 1 the empty prefixes.
    for (std::size_t i = 0; i <= n; ++i)
        at(i + 1, 1) = i;
    for (std::size_t j = 0; j <= m; ++j)
        at(1, j + 1) = j;
    for (std::size_t i = 1; i <= n; ++i) {
        const std::size_t lo = i > bound ? i - bound : 1;
        const std::size_t hi = std::min(m, i + bound);
        if (lo > 1) at(i + 1, lo) = cap; // left of the band: read as this row's first left neighbour
        if (hi + 2 <= m + 1) at(i + 1, hi + 2) = cap; // right of it: read by the next row from above
        std::size_t db = 0;
        std::size_t row_min = lo == 1 ? i : cap; // column "empty prefix of b": i deletions
        for (std::size_t j = lo; j <= hi; ++j) {
            const std::size_t k = da.get(b[j - 1]);
            const std::size_t l = db;
            std::size_t cost = 1;
            if (a[i - 1] == b[j - 1]) {
                cost = 0;
                db = j;
            }
            std::size_t v = std::min({at(i, j) + cost, at(i + 1, j) + 1, at(i, j + 1) + 1});
            // Cell (k, l) is in the band, on the boundary, or worth `cap` at least.
            if (k > 0 && l > 0 && (k > l ? k - l : l - k) <= bound)
                v = std::min(v, at(k, l) + (i - k - 1) + 1 + (j - l - 1));
            const std::size_t diagonal_gap = i > j ? i - j : j - i;
            if (diagonal_gap > bound) v = std::max(v, cap);
            at(i + 1, j + 1) = v;
            row_min = std::min(row_min, v);
        }
        da.set(a[i - 1], i);
        if (row_min > bound && m > 0) return cap;
    }
    return at(n + 1, m + 1);
}

} // namespace

std::size_t damerau_levenshtein(std::u32string_view a, std::u32string_view b) {
    return lowrance_wagner(a, b, a.size() + b.size());
}

std::size_t damerau_levenshtein(std::u32string_view a, std::u32string_view b, std::size_t max_distance) {
    const std::size_t length_gap = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
    if (length_gap > max_distance) return max_distance + 1;
    const std::size_t d = lowrance_wagner(a, b, max_distance);
    return std::min(d, max_distance + 1);
}

osa_pattern::osa_pattern(std::u32string_view pattern) : length_(std::min(pattern.size(), max_length)) {
    for (std::size_t i = 0; i < length_; ++i) {
        const char32_t c = pattern[i];
        const std::uint64_t bit = std::uint64_t{1} << i;
        if (c < 128) {
            ascii_[c] |= bit;
            continue;
        }
        std::uint32_t k = 0;
        while (k < other_count_ && other_chars_[k] != c)
            ++k;
        if (k == other_count_) other_chars_[other_count_++] = c;
        other_masks_[k] |= bit;
    }
}

std::uint64_t osa_pattern::mask_of(char32_t c) const noexcept {
    if (c < 128) return ascii_[c];
    for (std::uint32_t k = 0; k < other_count_; ++k)
        if (other_chars_[k] == c) return other_masks_[k];
    return 0;
}

std::size_t osa_pattern::distance(std::u32string_view text) const noexcept {
    if (length_ == 0) return text.size();
    // Hyyrö 2003, Fig. 3 (the Damerau variant of Myers' algorithm): D0 gains the transposition
    // term TR, built from the previous column's match vector.
    std::uint64_t vp = ~std::uint64_t{0}, vn = 0, d0 = 0, previous_match = 0;
    std::size_t distance = length_;
    const std::uint64_t last = std::uint64_t{1} << (length_ - 1);
    for (char32_t c : text) {
        const std::uint64_t match = mask_of(c);
        const std::uint64_t transposition = (((~d0) & match) << 1) & previous_match;
        d0 = (((match & vp) + vp) ^ vp) | match | vn | transposition;
        std::uint64_t hp = vn | ~(d0 | vp);
        std::uint64_t hn = d0 & vp;
        distance += (hp & last) != 0;
        distance -= (hn & last) != 0;
        hp = (hp << 1) | 1;
        hn <<= 1;
        vp = hn | ~(d0 | hp);
        vn = hp & d0;
        previous_match = match;
    }
    return distance;
}

double dl_similarity(std::u32string_view a, std::u32string_view b) {
    if (a == b) return 1.0;
    if (a.empty() || b.empty()) return 0.0;
    const std::size_t longest = std::max(a.size(), b.size());
    const std::size_t d = damerau_levenshtein(a, b);
    return static_cast<double>(longest - d) / static_cast<double>(longest);
}

seed_comparison seed_compare(std::u32string_view frequent, std::u32string_view infrequent) {
    seed_comparison result;
    const auto one_dot = frequent.rfind(U'.');
    const auto two_dot = infrequent.rfind(U'.');
    if (one_dot == std::u32string_view::npos || two_dot == std::u32string_view::npos) return result;
    std::u32string_view one = frequent, two = infrequent;
    if (frequent.substr(one_dot + 1) == infrequent.substr(two_dot + 1)) {
        one = frequent.substr(0, one_dot);
        two = infrequent.substr(0, two_dot);
        result.extension_stripped = true;
    }
    result.compared = true;
    result.max_length = std::max(one.size(), two.size());
    if (one == two) {
        result.similarity = 1.0;
        return result;
    }
    if (one.empty() || two.empty()) {
        result.distance = result.max_length;
        return result;
    }
    result.distance = damerau_levenshtein(one, two);
    result.similarity = seed_similarity(result.max_length, result.distance);
    return result;
}

std::ptrdiff_t seed_max_distance(std::size_t max_length, double threshold) noexcept {
    if (max_length == 0) return seed_flagged(to_spark_float(1.0), threshold) ? 0 : -1;
    // The similarity falls as d grows, so scan down from the most permissive distance. Names are
    // short, and callers cache this per length.
    for (std::size_t d = max_length + 1; d-- > 0;) {
        const double sim =
            d == max_length ? 0.0 : static_cast<double>(max_length - d) / static_cast<double>(max_length);
        if (seed_flagged(to_spark_float(sim), threshold)) return static_cast<std::ptrdiff_t>(d);
    }
    return -1;
}

} // namespace masq
