// SPDX-License-Identifier: MIT
// The indexed joins must return exactly what comparing every pair returns.
#include "masq/match/seed_match.h"
#include "masq/match/similarity.h"
#include "masq/match/similarity_join.h"
#include "masq/util/unicode.h"
#include "reference/damerau_levenshtein.h"
#include "support/name_sets.h"

#include <gtest/gtest.h>
#include <random>

namespace {

using names_t = std::vector<std::optional<std::string>>;

names_t optional_names(const std::vector<std::string>& v, bool with_null) {
    names_t out(v.begin(), v.end());
    if (with_null) out.insert(out.begin() + static_cast<std::ptrdiff_t>(out.size() / 2), std::nullopt);
    return out;
}

std::vector<std::u32string> code_points(const std::vector<std::string>& v) {
    std::vector<std::u32string> out;
    for (const auto& s : v)
        out.push_back(masq::decode_utf8(s));
    return out;
}

struct shape_case {
    const char* label;
    masq::testing::name_set_shape shape;
    std::size_t frequent, infrequent;
};

const shape_case shapes[] = {
    {"realistic", {}, 400, 500},
    {"near-duplicate clusters", {.mutant_share = 0.4, .cluster_size = 8}, 300, 400},
    {"short names and no dots", {.mutant_share = 0.3, .no_dot_share = 0.2, .short_share = 0.5}, 300, 300},
    {"unicode look-alikes", {.mutant_share = 0.5, .unicode_share = 0.1}, 300, 400},
};

TEST(seed_match_indexed, equals_brute_force_for_every_shape_threshold_and_thread_count) {
    std::uint64_t seed = 11;
    std::size_t total_matches = 0;
    for (const shape_case& sc : shapes) {
        masq::testing::name_set_generator gen(seed++, sc.shape);
        const names_t frequent = optional_names(gen.take(sc.frequent), true);
        const names_t infrequent = optional_names(gen.take(sc.infrequent), true);
        for (double threshold : {0.85, 0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0, -0.5}) {
            const auto expected = masq::seed_match_brute_force(frequent, infrequent, threshold);
            total_matches += expected.size();
            // Low thresholds make every name a partner of every other (the index steps aside):
            // one configuration is enough there.
            const bool wide = threshold < 0.6;
            for (unsigned threads : {1u, 2u, 3u}) {
                for (std::size_t prefix : {0u, 3u, 12u}) {
                    if (wide && (threads != 2 || prefix != 0)) continue;
                    masq::join_options options;
                    options.threads = threads;
                    options.prefix_length = prefix;
                    const auto got = masq::seed_match_indexed(frequent, infrequent, threshold, options);
                    ASSERT_EQ(got, expected) << sc.label << " threshold " << threshold << " threads "
                                             << threads << " prefix " << prefix;
                }
            }
        }
    }
    EXPECT_GT(total_matches, 1000u); // the sets must actually contain look-alikes
}

TEST(seed_match_indexed, finds_the_pairs_optimal_string_alignment_misses) {
    // "ca" -> "abc" is 2 edits in true DL (transpose, then insert between) but 3 in the
    // restricted optimal-string-alignment distance; stems of 18: 20·(18−2) ≥ 17·18.
    EXPECT_EQ(masq::reference::optimal_string_alignment(U"microsoftcaupdater", U"microsoftabcupdater"), 3u);
    const names_t frequent = {"microsoftcaupdater.exe", "svchost.exe"};
    const names_t infrequent = {"microsoftabcupdater.exe", "svhcost.exe"};
    const auto got = masq::seed_match_indexed(frequent, infrequent, 0.85);
    EXPECT_EQ(got, masq::seed_match_brute_force(frequent, infrequent, 0.85));
    ASSERT_EQ(got.size(), 2u); // and svchost/svhcost: stems of 7 allow one edit
    EXPECT_EQ(got[0].frequent_index, 0u);
    EXPECT_EQ(got[0].distance, 2u);
}

TEST(seed_match_indexed, extension_rule) {
    const names_t frequent = {"microsoft.workflow.compiler.exe", "svchost.exe", ".exe", "cmd"};
    const names_t infrequent = {"microsoft.workflow.compiler.ex", "svchost.com", ".exe.exe", "cmd.exe",
                                ".com"};
    const auto got = masq::seed_match_indexed(frequent, infrequent, 0.85);
    ASSERT_EQ(got, masq::seed_match_brute_force(frequent, infrequent, 0.85));
    ASSERT_EQ(got.size(), 1u); // only the long name with a one-letter cut extension
    EXPECT_FALSE(got[0].extension_stripped);
}

/// Every string over `alphabet` up to `longest` letters, the empty one first, shortest first.
std::vector<std::u32string> every_string(std::u32string_view alphabet, std::size_t longest) {
    std::vector<std::u32string> all{U""};
    for (std::size_t begin = 0, length = 1; length <= longest; ++length) {
        const std::size_t end = all.size();
        for (std::size_t i = begin; i < end; ++i)
            for (char32_t c : alphabet)
                all.push_back(all[i] + c);
        begin = end;
    }
    return all;
}

TEST(similarity_join, exhaustive_small_alphabet_for_every_budget_and_prefix) {
    // Every string over {a, b, c} up to length 5: the prefix/suffix filter argument is checked on
    // all alignments, including transpositions across the prefix boundary.
    const std::vector<std::u32string> all = every_string(U"abc", 5);
    for (std::size_t k = 0; k <= 3; ++k) {
        const auto budget = masq::edit_budget::constant(k, 5);
        const auto expected = masq::similarity_join_brute_force(all, all, budget);
        for (std::size_t prefix : {1u, 2u, 3u, 4u}) {
            masq::join_options options;
            options.prefix_length = prefix;
            options.threads = 2;
            EXPECT_EQ(masq::similarity_join(all, all, budget, {}, {}, masq::group_rule::any, options),
                      expected)
                << "k " << k << " prefix " << prefix;
        }
    }
}

TEST(similarity_join, exhaustive_small_alphabet_for_budgets_that_grow_with_length) {
    // A budget that grows with the length makes a name's neighbourhood depend on its partners'
    // lengths (a window shortened by the length difference, name_index::for_each_part): every
    // string over {a, b, c} up to length 6, budgets that step by one and by two, none at the
    // shortest lengths, and windows shorter and longer than the strings.
    const std::vector<std::u32string> all = every_string(U"abc", 6);
    const std::vector<std::pair<const char*, masq::edit_budget>> budgets = {
        {"steps of one",
         masq::edit_budget(
             [](std::size_t n) -> std::ptrdiff_t { return n < 2   ? 0
                                                          : n < 4 ? 1
                                                          : n < 6 ? 2
                                                                  : 3; }, 6)},
        {"a step of two",
         masq::edit_budget([](std::size_t n) -> std::ptrdiff_t { return n < 3   ? -1
                                                                        : n < 5 ? 0
                                                                                : 2; }, 6)},
        {"a step of two from one edit",
         masq::edit_budget([](std::size_t n) -> std::ptrdiff_t { return n < 2   ? 0
                                                                        : n < 4 ? 1
                                                                                : 3; }, 6)},
        {"the seed rule at 0.7", masq::edit_budget::seed(0.7, 6)},
    };
    for (const auto& [label, budget] : budgets) {
        const auto expected = masq::similarity_join_brute_force(all, all, budget);
        ASSERT_FALSE(expected.empty());
        for (std::size_t prefix : {1u, 2u, 3u, 4u, 5u}) {
            masq::join_options options;
            options.prefix_length = prefix;
            options.threads = 2;
            EXPECT_EQ(masq::similarity_join(all, all, budget, {}, {}, masq::group_rule::any, options),
                      expected)
                << label << ", prefix " << prefix;
        }
    }
}

TEST(similarity_join, budgets_that_jump_between_neighbouring_lengths) {
    // Windows longer than the budget, where a part of a neighbourhood starts above zero deletions
    // (for_each_part's `fewest`): a budget of one edit below 8 code points and three from 8, and
    // strings of 5 to 10 letters over {a, b, c}, each with relatives a few random edits away.
    std::mt19937_64 rng(2027);
    std::vector<std::u32string> names;
    while (names.size() < 1200) {
        std::u32string s(5 + rng() % 6, U'a');
        for (auto& c : s)
            c = U'a' + static_cast<char32_t>(rng() % 3);
        names.push_back(s);
        for (int relative = 0; relative < 3; ++relative) {
            std::u32string t = s;
            for (std::size_t edits = 1 + rng() % 3; edits-- > 0;) {
                const std::size_t at = rng() % (t.size() + 1);
                switch (rng() % 3) {
                case 0:
                    t.insert(t.begin() + static_cast<std::ptrdiff_t>(at),
                             U'a' + static_cast<char32_t>(rng() % 3));
                    break;
                case 1:
                    if (at < t.size()) t.erase(t.begin() + static_cast<std::ptrdiff_t>(at));
                    break;
                default:
                    if (at + 1 < t.size()) std::swap(t[at], t[at + 1]);
                }
            }
            if (t.size() <= 12) names.push_back(t);
        }
    }
    const masq::edit_budget jump([](std::size_t n) -> std::ptrdiff_t { return n < 8 ? 1 : 3; }, 12);
    const auto expected = masq::similarity_join_brute_force(names, names, jump);
    ASSERT_GT(expected.size(), names.size()); // more than each name with itself
    for (std::size_t prefix : {4u, 6u, 9u}) {
        masq::join_options options;
        options.prefix_length = prefix;
        options.threads = 2;
        EXPECT_EQ(masq::similarity_join(names, names, jump, {}, {}, masq::group_rule::any, options), expected)
            << "prefix " << prefix;
    }
}

TEST(similarity_join, group_rules_and_length_aware_budgets) {
    masq::testing::name_set_generator gen(99, {.mutant_share = 0.5, .cluster_size = 4});
    const auto left = code_points(gen.take(300)), right = code_points(gen.take(300));
    std::vector<std::uint64_t> left_groups, right_groups;
    for (const auto& s : left)
        left_groups.push_back(s.size() % 3);
    for (const auto& s : right)
        right_groups.push_back(s.size() % 3);
    std::size_t longest = 0;
    for (const auto* side : {&left, &right})
        for (const auto& s : *side)
            longest = std::max(longest, s.size());
    // One edit from 5 letters, two from 9, three from 14: the shape full mode uses.
    const masq::edit_budget stepped(
        [](std::size_t n) -> std::ptrdiff_t { return n < 5    ? 0
                                                     : n < 9  ? 1
                                                     : n < 14 ? 2
                                                              : 3; }, longest);
    for (auto rule : {masq::group_rule::any, masq::group_rule::same, masq::group_rule::different}) {
        const auto expected =
            masq::similarity_join_brute_force(left, right, stepped, left_groups, right_groups, rule);
        EXPECT_FALSE(expected.empty());
        for (std::size_t brute_force_reach : {0u, 1u, 6u}) {
            masq::join_options options;
            options.brute_force_reach = brute_force_reach;
            EXPECT_EQ(masq::similarity_join(left, right, stepped, left_groups, right_groups, rule, options),
                      expected)
                << static_cast<int>(rule) << " " << brute_force_reach;
        }
    }
}

// Found by fuzz_similarity (fuzz/regressions/similarity): an empty side has no groups, so a
// grouped join with no left names must return nothing, not reject the empty group list.
TEST(similarity_join, an_empty_side_has_no_groups) {
    const std::vector<std::u32string> none, some = {U"svchost.exe", U"svch0st.exe"};
    const std::vector<std::uint64_t> no_groups, groups = {1, 2};
    const auto budget = masq::edit_budget::constant(1, 11);
    for (auto rule : {masq::group_rule::same, masq::group_rule::different}) {
        EXPECT_TRUE(masq::similarity_join(none, some, budget, no_groups, groups, rule).empty());
        EXPECT_TRUE(masq::similarity_join(some, none, budget, groups, no_groups, rule).empty());
        EXPECT_TRUE(masq::similarity_join_brute_force(none, some, budget, no_groups, groups, rule).empty());
        // A side with names still needs its groups.
        EXPECT_THROW(masq::similarity_join(some, some, budget, no_groups, groups, rule),
                     std::invalid_argument);
        EXPECT_THROW(masq::similarity_join(some, some, budget, {}, {}, rule), std::invalid_argument);
    }
}

TEST(name_index, answers_within_k_queries) {
    const std::vector<std::u32string> targets = {U"lsass.exe", U"svchost.exe", U"csrss.exe", U"explorer.exe"};
    const masq::name_index index(targets, masq::edit_budget::constant(1, 64));
    auto scratch = index.make_scratch();
    std::vector<masq::join_pair> hits;
    index.within(U"1sass.exe", 0, 7, *scratch, hits);
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0], (masq::join_pair{0, 7, 1}));
    hits.clear();
    index.within(U"cssrs.exe", 0, 8, *scratch, hits); // one transposition from csrss.exe
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0], (masq::join_pair{2, 8, 1}));
    hits.clear();
    index.within(U"scsrs.exe", 0, 9, *scratch, hits); // two edits from csrss.exe
    EXPECT_TRUE(hits.empty());
}

TEST(edit_budget, rejects_a_budget_that_shrinks_and_computes_reach) {
    EXPECT_THROW(masq::edit_budget([](std::size_t n) -> std::ptrdiff_t { return n == 3 ? 0 : 1; }, 5),
                 std::invalid_argument);
    const auto seed = masq::edit_budget::seed(0.85, 40);
    EXPECT_EQ(seed.at(6), 0);
    EXPECT_EQ(seed.at(7), 1);
    EXPECT_EQ(seed.at(14), 2);
    EXPECT_EQ(seed.reach(6), 1);  // a 7-letter partner may be one edit away
    EXPECT_EQ(seed.reach(12), 2); // a 14-letter partner may be two edits away
}

} // namespace
