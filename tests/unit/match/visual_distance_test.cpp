// SPDX-License-Identifier: MIT
// Visual distance: look-alike glyph swaps cost a quarter edit, everything else a whole one.
#include "masq/match/similarity.h"
#include "masq/match/visual_distance.h"
#include "reference/visual_distance.h"

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

TEST(visual_distance, letterwise_keys_are_recognised) {
    const auto letterwise = [](std::string_view name) {
        return masq::letterwise_visual_key(name, masq::visual_key(name));
    };
    EXPECT_TRUE(letterwise("svchost"));
    EXPECT_TRUE(letterwise("5vch0st"));
    EXPECT_TRUE(letterwise("cmd"));      // m folds to rn and back: one letter
    EXPECT_TRUE(letterwise("winlogon")); // so does w
    EXPECT_FALSE(letterwise("5crn263")); // rn folds to m where no m was
    EXPECT_FALSE(letterwise("crncl"));
    EXPECT_FALSE(letterwise("vvinlogon"));
    EXPECT_FALSE(letterwise("svch\xd0\xbest")); // other scripts
    EXPECT_FALSE(masq::letterwise_visual_key("svchost", U"svchos"));
}

// The property the visual detector's join relies on: between letterwise names, keys are at most
// as many edits apart as the visual alignment has ordinary edits (its swaps cost no key edit).
TEST(visual_distance, letterwise_keys_are_no_more_edits_apart_than_the_alignment) {
    std::mt19937 rng(11);
    const std::string alphabet = "abcdeilmnorstuvw01358";
    const auto pick = [&](std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
    };
    std::size_t compared = 0, with_swaps = 0;
    for (int round = 0; round < 40000; ++round) {
        std::string a;
        for (std::size_t n = 3 + pick(8); n > 0; --n)
            a += alphabet[pick(alphabet.size())];
        std::string b = a;
        for (std::size_t e = pick(4); e > 0; --e) {
            const std::size_t at = pick(b.size());
            switch (pick(4)) {
            case 0:
                b[at] = alphabet[pick(alphabet.size())];
                break;
            case 1:
                b.erase(at, 1);
                break;
            case 2:
                b.insert(at, 1, alphabet[pick(alphabet.size())]);
                break;
            default: { // a look-alike swap, or two letters for one (`rn` for `m`)
                static const std::pair<char, std::string_view> alike[] = {
                    {'o', "0"}, {'0', "o"}, {'s', "5"},  {'e', "3"},  {'l', "1"},
                    {'i', "l"}, {'1', "i"}, {'m', "rn"}, {'w', "vv"}, {'d', "cl"}};
                for (const auto& [from, to] : alike)
                    if (b[at] == from) {
                        b.replace(at, 1, to);
                        break;
                    }
            }
            }
            if (b.empty()) b = "x";
        }
        const std::u32string ka = masq::visual_key(a), kb = masq::visual_key(b);
        if (!masq::letterwise_visual_key(a, ka) || !masq::letterwise_visual_key(b, kb)) continue;
        const std::u32string ua(a.begin(), a.end()), ub(b.begin(), b.end());
        const masq::visual_alignment v = visual_distance(ua, ub);
        EXPECT_LE(masq::damerau_levenshtein(ka, kb), v.edits) << a << " / " << b;
        ++compared;
        with_swaps += v.swaps > 0;
    }
    EXPECT_GT(compared, 10000u);
    EXPECT_GT(with_swaps, 1000u);
}

TEST(visual_distance, equals_the_reference_on_random_look_alike_text) {
    // The table's multi-glyph rows, checked here so that the reference gets the same ones.
    const auto& multi = masq::reference::multi_glyph_rows();
    for (const auto& [x, y] : multi) {
        const auto v = visual_distance(x, y);
        ASSERT_EQ(v.cost, masq::visual_swap_cost);
        ASSERT_EQ(v.swaps, 1u);
    }
    // Letters rich in look-alikes (and a Cyrillic о), names and their relatives a few edits away.
    const std::u32string letters = U"lio01s5e3mrnwvcdxa\u043e";
    std::mt19937_64 rng(2028);
    const auto random_text = [&](std::size_t length) {
        std::u32string s;
        for (std::size_t i = 0; i < length; ++i)
            s.push_back(letters[rng() % letters.size()]);
        return s;
    };
    std::size_t with_swaps = 0;
    for (int round = 0; round < 4000; ++round) {
        const std::u32string a = random_text(rng() % 11);
        std::u32string b = round % 2 == 0 ? random_text(rng() % 11) : a;
        if (round % 2 == 1)
            for (std::size_t edits = 1 + rng() % 3; edits-- > 0 && !b.empty();)
                b[rng() % b.size()] = letters[rng() % letters.size()];
        const auto fast = visual_distance(a, b);
        const auto slow = masq::reference::visual_distance(a, b, multi);
        ASSERT_EQ(fast.cost, slow.cost) << round;
        ASSERT_EQ(fast.edits, slow.edits) << round;
        ASSERT_EQ(fast.swaps, slow.swaps) << round;
        with_swaps += fast.swaps > 0;
    }
    EXPECT_GT(with_swaps, 500u); // the text does exercise the swaps
}

} // namespace
