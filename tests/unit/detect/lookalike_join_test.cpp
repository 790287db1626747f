// SPDX-License-Identifier: MIT
// The look-alike detectors' candidate join against its slow reference: every pair by brute force
// with the full budget, kept when the roles of its target and suspect allow that many edits.
#include "detect/context.h"

#include <gtest/gtest.h>
#include <random>

namespace {

using namespace masq;

TEST(lookalike_join, equals_the_brute_force_join_filtered_by_folder) {
    std::mt19937 rng(3);
    const std::u32string alphabet = U"abcdeilmnorst";
    const auto word = [&](std::size_t lo, std::size_t hi) {
        std::u32string w;
        for (std::size_t n = std::uniform_int_distribution<std::size_t>(lo, hi)(rng); n > 0; --n)
            w += alphabet[std::uniform_int_distribution<std::size_t>(0, alphabet.size() - 1)(rng)];
        return w;
    };
    std::vector<std::u32string> targets, suspects;
    for (int i = 0; i < 60; ++i)
        targets.push_back(word(3, 12));
    for (int i = 0; i < 1200; ++i) {
        // Near a target (a few random edits) or anything.
        std::u32string s = targets[static_cast<std::size_t>(i) % targets.size()];
        for (int e = std::uniform_int_distribution<int>(0, 3)(rng); e > 0; --e)
            s[std::uniform_int_distribution<std::size_t>(0, s.size() - 1)(rng)] =
                alphabet[static_cast<std::size_t>(e)];
        suspects.push_back(i % 5 == 0 ? word(3, 16) : s);
    }
    // Every combination of roles on both sides: targets with and without the full budget, in the
    // catalog or not; suspects with and without the full budget, from writable folders, installed
    // ones, both, neither.
    detectors::lookalike_roles roles;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        roles.full_budget.push_back(i % 4 == 0 || i % 4 == 3);
        roles.catalogued.push_back(i % 4 <= 1);
    }
    for (std::size_t i = 0; i < suspects.size(); ++i) {
        // Not by i modulo a divisor of 60, which would tie it to the target the suspect is near.
        roles.full_budget_suspects.push_back((i / targets.size()) % 2 == 1);
        roles.writable.push_back(i % 3 == 0);
        roles.installed_only.push_back(i % 7 < 3);
    }
    std::size_t longest = 0;
    for (const auto& s : targets)
        longest = std::max(longest, s.size());
    for (const auto& s : suspects)
        longest = std::max(longest, s.size());
    std::vector<join_pair> expected;
    for (const join_pair& p :
         similarity_join_brute_force(targets, suspects, edit_budget(detectors::full_mode_edits, longest))) {
        const std::size_t length = std::max(targets[p.left].size(), suspects[p.right].size());
        const std::ptrdiff_t allowed = detectors::lookalike_search_edits(
            roles.full_budget_pair(p.left, p.right), roles.catalogued[p.left], roles.writable[p.right],
            roles.installed_only[p.right], length);
        if (static_cast<std::ptrdiff_t>(p.distance) <= allowed) expected.push_back(p);
    }
    EXPECT_FALSE(expected.empty());
    // The rule must bite both ways: some full-budget pairs are out, some two-edit pairs are in.
    std::size_t two_edit_pairs = 0;
    for (const join_pair& p : expected)
        two_edit_pairs += p.distance == 2 && std::max(targets[p.left].size(), suspects[p.right].size()) <= 8;
    EXPECT_GT(two_edit_pairs, 0u);
    // ... also towards targets without the full budget, by the suspect's.
    std::size_t by_suspect = 0;
    for (const join_pair& p : expected)
        by_suspect += p.distance == 2 && !roles.full_budget[p.left] &&
                      std::max(targets[p.left].size(), suspects[p.right].size()) <= 8;
    EXPECT_GT(by_suspect, 0u);
    EXPECT_LT(expected.size(),
              similarity_join_brute_force(targets, suspects, edit_budget(detectors::full_mode_edits, longest))
                  .size());
    EXPECT_EQ(detectors::lookalike_join(targets, suspects, roles, 2), expected);
    EXPECT_EQ(detectors::lookalike_join(targets, suspects, roles, 1), expected);
}

} // namespace
