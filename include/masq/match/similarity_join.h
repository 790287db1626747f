// SPDX-License-Identifier: MIT
#pragma once

/// @file similarity_join.h
/// Every pair of names within an edit budget, without comparing every pair: a symmetric-deletion
/// index (SymSpell's idea, exact for true Damerau-Levenshtein) over name prefixes and suffixes,
/// candidates filtered by length, then verified with a bounded true Damerau-Levenshtein.
///
/// Why the filter is exact for *true* (unrestricted) Damerau-Levenshtein, DL:
///  - Let g(a, b) = max(|a|, |b|) - LCS(a, b): how many characters each side must drop to reach a
///    common subsequence. Every DL operation (insert, delete, substitute, transpose) changes g by at
///    most one, and g obeys the triangle inequality, so g <= DL.
///  - Take an LCS alignment and the first p characters of each name. Matches that cross the prefix
///    boundary can only go one way (the alignment is monotone), so both prefixes drop the same
///    count of characters, and that count is at most the unmatched characters of one name: <= g.
///    When a name is shorter than p the same counting gives < g for it and <= g for the other.
///  - So if DL(a, b) <= k, some deletion of <= k characters from a's p-prefix equals some deletion
///    of <= k characters from b's p-prefix. The same holds for the p-suffixes (reverse both names).
///    A pair is a candidate only when it meets in *both* the prefix and the suffix index.
/// Then the length filter |a| - |b| <= k, and the exact bounded distance decides.
/// Wolf Garbe, SymSpell (github.com/wolfgarbe/SymSpell); Lowrance & Wagner, JACM 22(2), 1975.

#include "masq/match/similarity.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace masq {

/**
 * How many edits a pair may differ by, as a function of the length (in code points) of the longer
 * name; a negative value means no pair of that length qualifies. The function must not decrease
 * as the length grows (every similarity threshold and every length-aware bound in masq has this
 * shape): the index relies on it to bound the edits any partner of a name can need.
 */
class edit_budget {
  public:
    /// `max_edits(length)` for lengths 0..longest; longer lengths reuse the value at `longest`.
    edit_budget(const std::function<std::ptrdiff_t(std::size_t)>& max_edits, std::size_t longest);

    /// The same `k` at every length.
    static edit_budget constant(std::size_t k, std::size_t longest);
    /// The seed rule: the most edits for which `Dist > threshold` still holds (`seed_max_distance`).
    static edit_budget seed(double threshold, std::size_t longest);

    /// Edits allowed for a pair whose longer name has `max_length` code points (-1: none).
    std::ptrdiff_t at(std::size_t max_length) const noexcept {
        return by_length_[std::min(max_length, by_length_.size() - 1)];
    }
    /// The most edits a name of `length` may be from any partner it can be paired with: the
    /// maximum of `at(L)` over partner lengths `L >= length` with `L - length <= at(L)`.
    std::ptrdiff_t reach(std::size_t length) const noexcept {
        return reach_[std::min(length, reach_.size() - 1)];
    }
    std::size_t longest() const noexcept { return by_length_.size() - 1; }

  private:
    std::vector<std::ptrdiff_t> by_length_;
    std::vector<std::ptrdiff_t> reach_;
};

/// Which pairs of groups may be joined (groups are caller-defined, e.g. the text after the last '.').
enum class group_rule : std::uint8_t {
    any,       ///< ignore groups
    same,      ///< only names of the same group
    different, ///< only names of different groups
};

struct join_options {
    unsigned threads = 0;              ///< 0: all hardware threads; the output never depends on it
    std::size_t prefix_length = 0;     ///< characters indexed at each end; 0 picks a default
    std::size_t brute_force_reach = 6; ///< names whose reach exceeds this are compared directly
};

/// A pair within budget: indices into the two name lists and the exact distance.
struct join_pair {
    std::uint32_t left = 0;
    std::uint32_t right = 0;
    std::uint32_t distance = 0;
    friend bool operator==(const join_pair&, const join_pair&) = default;
};

/// The work a join did, for `--stats` and the benchmarks.
struct join_stats {
    std::uint64_t index_entries = 0; ///< deletion variants stored
    std::uint64_t postings = 0;      ///< index postings visited by the probes
    std::uint64_t candidates = 0;    ///< pairs that passed the prefix, suffix and length filters
    std::uint64_t verified = 0;      ///< pairs whose distance was computed
    std::uint64_t direct = 0;        ///< pairs compared without the index (long names, see brute_force_reach)
    std::uint64_t matches = 0;
};

/**
 * An immutable index over a list of names (code points) that answers "which indexed names are
 * within `budget.at(max length)` edits of this name", exactly, under true Damerau-Levenshtein.
 * Safe to query from many threads at once, each with its own `scratch`.
 */
class name_index {
  public:
    /// Per-thread working memory for queries (reused between queries; contents are internal).
    struct scratch {
        std::vector<std::uint32_t> stamp;
        std::uint32_t epoch = 0;
        std::array<std::vector<std::uint64_t>, 4> variants; ///< one per filter
        std::vector<std::uint32_t> candidates;
        std::u32string reversed;
        osa_pattern query_pattern{std::u32string_view{}};
    };

    /// `groups` (optional, one per name) restrict matches by `rule`; `budget.longest()` must cover
    /// the longest indexed name.
    name_index(std::vector<std::u32string> names, edit_budget budget,
               std::span<const std::uint64_t> groups = {}, group_rule rule = group_rule::any,
               join_options options = {});
    ~name_index();
    name_index(name_index&&) noexcept;
    name_index& operator=(name_index&&) noexcept;

    std::size_t size() const noexcept;
    const std::u32string& name(std::size_t i) const;
    std::uint64_t index_entries() const noexcept;

    std::unique_ptr<scratch> make_scratch() const;

    /// Appends to `out` every indexed name within budget of `query` (in `query_group`), as
    /// (indexed name, query_id, distance) with `left` = the indexed name, in increasing index order.
    void within(std::u32string_view query, std::uint64_t query_group, std::uint32_t query_id, scratch& s,
                std::vector<join_pair>& out, join_stats* stats = nullptr) const;

  private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

/**
 * Every (left, right) pair with true DL <= `budget.at(max length)`, with the exact distance,
 * ordered by (left, right), computed over `options.threads` threads. `left_groups` and
 * `right_groups` (one per name on each side, or none) restrict pairs by `rule`.
 */
std::vector<join_pair> similarity_join(std::span<const std::u32string> left,
                                       std::span<const std::u32string> right, const edit_budget& budget,
                                       std::span<const std::uint64_t> left_groups = {},
                                       std::span<const std::uint64_t> right_groups = {},
                                       group_rule rule = group_rule::any, const join_options& options = {},
                                       join_stats* stats = nullptr);

/// The slow reference: every pair compared with the bounded distance. Same contract and order.
std::vector<join_pair> similarity_join_brute_force(std::span<const std::u32string> left,
                                                   std::span<const std::u32string> right,
                                                   const edit_budget& budget,
                                                   std::span<const std::uint64_t> left_groups = {},
                                                   std::span<const std::uint64_t> right_groups = {},
                                                   group_rule rule = group_rule::any);

} // namespace masq
