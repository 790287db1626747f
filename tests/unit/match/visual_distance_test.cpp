// SPDX-License-Identifier: MIT
// Visual distance: look-alike glyph swaps cost a quarter edit, everything else a whole one.
#include "masq/match/similarity.h"
#include "masq/match/visual_distance.h"

#include <gtest/gtest.h>
#include <random>

namespace {

using masq::visual_distance;

TEST(visual_distance, swaps_are_cheap_and_edits_are_not) {
    auto v = visual_distance(U"expi0rer", U"explorer"); // I (lower-cased i) for l, 0 for o
    EXPECT_EQ(v.cost, 2u);
    EXPECT_EQ(v.swaps, 2u);
    EXPECT_EQ(v.edits, 0u);
    v = visual_distance(U"5vch0st", U"svchost");
    EXPECT_EQ(v.cost, 2u);
    v = visual_distance(U"rnsedge", U"msedge"); // rn for m is one swap
    EXPECT_EQ(v.cost, 1u);
    EXPECT_EQ(v.swaps, 1u);
    v = visual_distance(U"vvinlogon", U"winlogon");
    EXPECT_EQ(v.cost, 1u);
    v = visual_distance(U"crncl", U"cmd"); // two multi-glyph swaps
    EXPECT_EQ(v.cost, 2u);
    v = visual_distance(U"svch0stt", U"svchost"); // a swap and an insertion
    EXPECT_EQ(v.cost, 5u);
    EXPECT_EQ(v.edits, 1u);
    EXPECT_EQ(v.swaps, 1u);
    // Two arbitrary edits cost two edits: no cheaper than plain edit distance.
    v = visual_distance(U"svxhozt", U"svchost");
    EXPECT_EQ(v.cost, 2 * masq::visual_edit_cost);
    EXPECT_EQ(v.swaps, 0u);
    // Cyrillic о (U+043E) for o: one UTS #39 skeleton.
    v = visual_distance(U"svch\u043Est", U"svchost");
    EXPECT_EQ(v.cost, masq::visual_swap_cost);
    EXPECT_EQ(visual_distance(U"svchost", U"svchost").cost, 0u);
    EXPECT_EQ(visual_distance(U"", U"abc").cost, 3 * masq::visual_edit_cost);
}

TEST(visual_distance, is_symmetric_and_never_above_four_times_edit_distance) {
    // Against the plain restricted distance (Hyyro's bit-parallel OSA): every plain alignment is
    // a visual one too, so visual <= 4 * OSA; only equal strings cost nothing.
    std::mt19937 rng(7);
    const std::u32string alphabet = U"lio01s5e3mrnwvdc";
    for (int round = 0; round < 2000; ++round) {
        std::u32string a, b;
        for (int i = std::uniform_int_distribution<int>(0, 7)(rng); i > 0; --i)
            a += alphabet[std::uniform_int_distribution<std::size_t>(0, alphabet.size() - 1)(rng)];
        for (int i = std::uniform_int_distribution<int>(0, 7)(rng); i > 0; --i)
            b += alphabet[std::uniform_int_distribution<std::size_t>(0, alphabet.size() - 1)(rng)];
        const auto ab = visual_distance(a, b), ba = visual_distance(b, a);
        EXPECT_EQ(ab.cost, ba.cost);
        EXPECT_EQ(ab.cost, ab.edits * masq::visual_edit_cost + ab.swaps * masq::visual_swap_cost);
        const std::size_t osa = a.empty() ? b.size() : masq::osa_pattern(a).distance(b);
        EXPECT_LE(ab.cost, masq::visual_edit_cost * osa) << "a plain alignment is a visual one too";
        EXPECT_GE(ab.cost, osa == 0 ? 0u : masq::visual_swap_cost) << "only equal strings cost nothing";
        EXPECT_LE(ab.edits, std::max(a.size(), b.size()));
    }
}

TEST(visual_distance, keys_of_swapped_names_are_close) {
    EXPECT_EQ(masq::visual_key("crncl"), masq::visual_key("cmd"));
    EXPECT_EQ(masq::visual_key("5vch0st"), masq::visual_key("svchost"));
    EXPECT_EQ(masq::visual_key("vvinlogon"), masq::visual_key("winlogon"));
    EXPECT_NE(masq::visual_key("svchost"), masq::visual_key("svchots"));
}

} // namespace
