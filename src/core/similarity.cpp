// SPDX-License-Identifier: MIT
#include "masq/similarity.h"

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
    std::size_t get(char32_t c) const noexcept {
        if (c < 128) return ascii_[c];
        for (const auto& [ch, row] : other_)
            if (ch == c) return row;
        return 0;
    }
    void set(char32_t c, std::size_t row) {
        if (c < 128) {
            ascii_[c] = row;
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
    std::array<std::size_t, 128> ascii_{};
    std::vector<std::pair<char32_t, std::size_t>> other_;
};

/**
 * Lowrance-Wagner true Damerau-Levenshtein with unit costs, following the presentation of
 * Wikipedia "Damerau-Levenshtein distance" (distance with adjacent transpositions): a
 * (n+2)×(m+2) table whose row and column -1 hold the sentinel n+m.
 *
 * With `bound` set, every cell outside the diagonal band |i-j| <= bound is clamped to bound+1:
 * such cells are >= |i-j| > bound anyway (each edit changes the length by at most one), and a
 * path through a clamped cell costs >= bound+1, so the result is exact up to `bound` and > bound
 * otherwise (by induction min(C, bound+1) == min(T, bound+1) for every computed cell C and true
 * cell T). Rows stop early once every cell of a row i exceeds the bound: ordinary edges move one
 * row at a time, and a transposition jumping from row k-1 < i to a row past i costs at least
 * T[k-1][l-1] + (i-k+1) >= T[i][l-1] (delete a[k..i]), so no later cell can come back under it.
 */
std::size_t lowrance_wagner(std::u32string_view a, std::u32string_view b, std::size_t bound) {
    const std::size_t n = a.size(), m = b.size();
    const std::size_t inf = n + m + 1;
    const std::size_t width = m + 2;
    thread_local std::vector<std::size_t> table;
    thread_local last_row_table da;
    table.assign((n + 2) * width, inf);
    da.reset();
    auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return table[i * width + j]; };
    // Row/column 0 of `table` are the sentinels (index -1 in the paper); row/column 1 the empty prefixes.
    for (std::size_t i = 0; i <= n; ++i)
        at(i + 1, 1) = i;
    for (std::size_t j = 0; j <= m; ++j)
        at(1, j + 1) = j;
    const std::size_t cap = bound + 1;
    for (std::size_t i = 1; i <= n; ++i) {
        std::size_t db = 0;
        std::size_t row_min = i; // column "empty prefix of b": i deletions
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t k = da.get(b[j - 1]);
            const std::size_t l = db;
            std::size_t cost = 1;
            if (a[i - 1] == b[j - 1]) {
                cost = 0;
                db = j;
            }
            std::size_t v = std::min({at(i, j) + cost, at(i + 1, j) + 1, at(i, j + 1) + 1});
            if (k > 0 && l > 0) v = std::min(v, at(k, l) + (i - k - 1) + 1 + (j - l - 1));
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
    result.similarity =
        static_cast<double>(result.max_length - result.distance) / static_cast<double>(result.max_length);
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
