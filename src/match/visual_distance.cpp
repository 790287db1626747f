// SPDX-License-Identifier: MIT
#include "masq/match/visual_distance.h"

#include "masq/match/confusable.h"
#include "masq/util/unicode.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <vector>

namespace masq {
namespace {

/// One row of data/catalog/visual_swaps.tsv: `a` and `b` render alike (either way round).
struct swap_row {
    std::string_view a, b;
};

constexpr swap_row swap_rows[] = {
#include "masq_data/catalog/visual_swaps.inc"
};

struct swap_pair {
    std::u32string a, b;
};

/// The table's pairs as code points, each in both directions.
const std::vector<swap_pair>& swaps() {
    static const std::vector<swap_pair> pairs = [] {
        std::vector<swap_pair> v;
        for (const swap_row& r : swap_rows) {
            v.push_back({decode_utf8(r.a), decode_utf8(r.b)});
            v.push_back({decode_utf8(r.b), decode_utf8(r.a)});
        }
        return v;
    }();
    return pairs;
}

/// The table by kind, for the distance's inner loop: single-glyph rows between ASCII characters
/// as a bit matrix, and the multi-glyph rows (`rn` for `m`) apart.
struct swap_index {
    std::array<std::array<bool, 128>, 128> ascii{};
    std::vector<swap_pair> multi;
};

const swap_index& indexed_swaps() {
    static const swap_index index = [] {
        swap_index x;
        for (const swap_pair& p : swaps()) {
            if (p.a.size() == 1 && p.b.size() == 1) {
                if (p.a[0] < 128 && p.b[0] < 128) x.ascii[p.a[0]][p.b[0]] = true;
            } else {
                x.multi.push_back(p);
            }
        }
        return x;
    }();
    return index;
}

bool ends_with(std::u32string_view s, std::size_t end, std::u32string_view tail) {
    return end >= tail.size() && s.substr(end - tail.size(), tail.size()) == tail;
}

} // namespace

std::u32string visual_key(std::string_view lowered) {
    return visual_key_of_skeleton(confusable_skeleton(lowered));
}

std::u32string visual_key_of_skeleton(std::string_view skeleton) {
    const std::u32string key = decode_utf8(skeleton);
    std::u32string out;
    out.reserve(key.size());
    for (std::size_t i = 0; i < key.size();) {
        bool collapsed = false;
        for (const swap_pair& p : swaps()) {
            if (p.a.size() < 2 || p.b.size() != 1) continue;
            if (std::u32string_view(key).substr(i, p.a.size()) == p.a) {
                out += p.b;
                i += p.a.size();
                collapsed = true;
                break;
            }
        }
        if (!collapsed) out += key[i++];
    }
    return out;
}

bool letterwise_visual_key(std::string_view lowered, std::u32string_view key) {
    // Each ASCII letter's own key when it is one letter, else 0 (no letter maps to NUL).
    static const std::array<char32_t, 128> single = [] {
        std::array<char32_t, 128> table{};
        for (char c = 1; c > 0 && c < 127; ++c) {
            const std::u32string k = visual_key(std::string(1, c));
            table[static_cast<unsigned char>(c)] = k.size() == 1 ? k[0] : U'\0';
        }
        return table;
    }();
    if (lowered.size() != key.size()) return false;
    for (std::size_t i = 0; i < lowered.size(); ++i) {
        const auto c = static_cast<unsigned char>(lowered[i]);
        if (c >= 128 || single[c] == U'\0' || single[c] != key[i]) return false;
    }
    return true;
}

bool glyphs_alike(char32_t a, char32_t b) {
    if (a == b) return true;
    // ASCII pairs are alike by the table only, whatever their skeletons.
    if (a < 0x80 && b < 0x80) return indexed_swaps().ascii[a][b];
    for (const swap_pair& p : swaps())
        if (p.a.size() == 1 && p.b.size() == 1 && p.a[0] == a && p.b[0] == b) return true;
    // Other scripts' look-alikes (Cyrillic о, Greek ο): one UTS #39 skeleton.
    const std::u32string sa(1, a), sb(1, b);
    return confusable_skeleton(encode_utf8(sa)) == confusable_skeleton(encode_utf8(sb));
}

visual_alignment visual_distance(std::u32string_view a, std::u32string_view b) {
    const std::size_t n = a.size(), m = b.size();
    // A cell is (cost, ordinary edits) packed in one integer, cost in the high half: least cost,
    // then fewest edits, is one integer comparison. Every step costs `visual_edit_cost` (an edit)
    // or `visual_swap_cost` (a swap), so the swaps are the cost less the edits' share and need no
    // field of their own (tests/reference/visual_distance.h computes them apart and agrees).
    using cell = std::uint64_t;
    constexpr cell inf = cell{1} << 62;
    constexpr cell one_edit = (cell{visual_edit_cost} << 32) + 1;
    constexpr cell one_swap = cell{visual_swap_cost} << 32;
    const swap_index& table = indexed_swaps();
    // Every cell is written before it is read (row by row, each from cells above and left).
    thread_local std::vector<cell> d;
    d.assign((n + 1) * (m + 1), inf);
    const auto at = [&](std::size_t i, std::size_t j) -> cell& { return d[i * (m + 1) + j]; };
    // Which multi-glyph rows end at each position of either name, as bits: the cell then looks
    // only at the rows that end on both sides (most cells: none) instead of comparing each row's
    // text at every cell.
    static_assert(std::size(swap_rows) * 2 <= 64, "a row each way round must fit a 64-bit mask");
    thread_local std::vector<std::uint64_t> a_ends, b_ends;
    const auto ends_at = [&](std::u32string_view s, std::vector<std::uint64_t>& ends, bool first_side) {
        ends.assign(s.size() + 1, 0);
        for (std::size_t r = 0; r < table.multi.size(); ++r) {
            const std::u32string& glyphs = first_side ? table.multi[r].a : table.multi[r].b;
            for (std::size_t end = glyphs.size(); end <= s.size(); ++end)
                if (ends_with(s, end, glyphs)) ends[end] |= std::uint64_t{1} << r;
        }
    };
    ends_at(a, a_ends, true);
    ends_at(b, b_ends, false);
    at(0, 0) = 0;
    for (std::size_t i = 0; i <= n; ++i)
        for (std::size_t j = 0; j <= m; ++j) {
            if (i == 0 && j == 0) continue;
            cell best = inf;
            if (i > 0) best = std::min(best, at(i - 1, j) + one_edit);
            if (j > 0) best = std::min(best, at(i, j - 1) + one_edit);
            if (i > 0 && j > 0) {
                const cell diag = at(i - 1, j - 1);
                if (a[i - 1] == b[j - 1])
                    best = std::min(best, diag);
                else if (glyphs_alike(a[i - 1], b[j - 1]))
                    best = std::min(best, diag + one_swap);
                else
                    best = std::min(best, diag + one_edit);
            }
            // An adjacent transposition, whose two glyphs may also be look-alikes (`50` for `os`:
            // the attacker swapped and disguised them); each look-alike in it is a swap more.
            if (i > 1 && j > 1 && !(a[i - 1] == b[j - 1] && a[i - 2] == b[j - 2]) &&
                glyphs_alike(a[i - 1], b[j - 2]) && glyphs_alike(a[i - 2], b[j - 1])) {
                cell c = at(i - 2, j - 2) + one_edit;
                if (a[i - 1] != b[j - 2]) c += one_swap;
                if (a[i - 2] != b[j - 1]) c += one_swap;
                best = std::min(best, c);
            }
            // Multi-glyph swaps (rn for m, vv for w, cl for d).
            for (std::uint64_t rows = a_ends[i] & b_ends[j]; rows != 0; rows &= rows - 1) {
                const swap_pair& p = table.multi[static_cast<std::size_t>(std::countr_zero(rows))];
                best = std::min(best, at(i - p.a.size(), j - p.b.size()) + one_swap);
            }
            at(i, j) = best;
        }
    const cell r = at(n, m);
    const std::size_t cost = static_cast<std::size_t>(r >> 32),
                      edits = static_cast<std::size_t>(r & 0xFFFFFFFFu);
    return {cost, edits, (cost - edits * visual_edit_cost) / visual_swap_cost};
}

} // namespace masq
