// SPDX-License-Identifier: MIT
// The look-alike detectors' candidate join against its slow reference: every pair by brute force
// with the full budget, kept when the suspect's folder allows that many edits.
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
    for (int i = 0; i < 600; ++i) {
        // Near a target (a few random edits) or anything.
        std::u32string s = targets[static_cast<std::size_t>(i) % targets.size()];
        for (int e = std::uniform_int_distribution<int>(0, 3)(rng); e > 0; --e)
            s[std::uniform_int_distribution<std::size_t>(0, s.size() - 1)(rng)] =
                alphabet[static_cast<std::size_t>(e)];
        suspects.push_back(i % 5 == 0 ? word(3, 16) : s);
    }
    std::vector<bool> writable(suspects.size());
    for (std::size_t i = 0; i < writable.size(); ++i)
        writable[i] = i % 3 == 0;
    std::size_t longest = 0;
    for (const auto& s : targets)
        longest = std::max(longest, s.size());
    for (const auto& s : suspects)
        longest = std::max(longest, s.size());
    std::vector<join_pair> expected;
    for (const join_pair& p :
         similarity_join_brute_force(targets, suspects, edit_budget(detectors::full_mode_edits, longest))) {
        const std::size_t length = std::max(targets[p.left].size(), suspects[p.right].size());
        const std::ptrdiff_t allowed = writable[p.right] ? detectors::full_mode_edits(length)
                                                         : detectors::protected_folder_edits(length);
        if (static_cast<std::ptrdiff_t>(p.distance) <= allowed) expected.push_back(p);
    }
    EXPECT_FALSE(expected.empty());
    EXPECT_EQ(detectors::lookalike_join(targets, suspects, writable, 2), expected);
    EXPECT_EQ(detectors::lookalike_join(targets, suspects, writable, 1), expected);
}

} // namespace
