// SPDX-License-Identifier: MIT
#include "masq/match/similarity.h"
#include "masq/util/unicode.h"
#include "reference/damerau_levenshtein.h"

#include <gtest/gtest.h>
#include <random>

namespace {

using masq::damerau_levenshtein;

TEST(damerau_levenshtein, known_vectors) {
    // DuckDB's test_damerau_levenshtein.test and the fastDamerauLevenshtein docstring.
    EXPECT_EQ(damerau_levenshtein(U"laos", U"also"), 2u);
    EXPECT_EQ(damerau_levenshtein(U"trips", U"strip"), 2u);
    EXPECT_EQ(damerau_levenshtein(U"abcdefghi", U"bzacdefig"), 4u);
    EXPECT_EQ(damerau_levenshtein(U"ca", U"abc"), 2u); // OSA would say 3
    EXPECT_EQ(masq::reference::optimal_string_alignment(U"ca", U"abc"), 3u);
    EXPECT_EQ(damerau_levenshtein(U"svchost", U"scvhost"), 1u);
    EXPECT_EQ(damerau_levenshtein(U"", U"abc"), 3u);
    EXPECT_EQ(damerau_levenshtein(U"abc", U""), 3u);
    EXPECT_EQ(damerau_levenshtein(U"", U""), 0u);
    EXPECT_EQ(damerau_levenshtein(U"\U0001F600bc", U"abc"), 1u); // one code point, not 4 UTF-8 bytes
}

/// Random strings shaped to exercise transpositions with gaps: a small alphabet mixing ASCII,
/// Cyrillic, Greek and an astral emoji, and pairs derived from each other by a few edits.
class pair_generator {
  public:
    explicit pair_generator(std::uint64_t seed) : rng_(seed) {}
    std::u32string random_string(std::size_t max_len, std::size_t alphabet) {
        static const char32_t letters[] = {U'a', U'b', U'c', U'd', U'\u043E', U'\u03C3', U'\U0001F600', U'e',
                                           U'f', U'g', U'h', U'.', U'x',      U'y',      U'z',          U'0'};
        std::u32string s(rng_() % (max_len + 1), U'a');
        for (auto& c : s)
            c = letters[rng_() % alphabet];
        return s;
    }
    std::u32string mutate(std::u32string s, std::size_t alphabet) {
        const std::size_t edits = rng_() % 4;
        for (std::size_t e = 0; e < edits; ++e) {
            const std::size_t op = rng_() % 4;
            const std::u32string c = random_string(1, alphabet);
            const char32_t ch = c.empty() ? U'q' : c[0];
            if (op == 0 || s.size() < 2) {
                s.insert(s.begin() + static_cast<std::ptrdiff_t>(rng_() % (s.size() + 1)), ch);
            } else if (op == 1) {
                s.erase(s.begin() + static_cast<std::ptrdiff_t>(rng_() % s.size()));
            } else if (op == 2) {
                s[rng_() % s.size()] = ch;
            } else {
                const std::size_t p = rng_() % (s.size() - 1);
                std::swap(s[p], s[p + 1]);
            }
        }
        return s;
    }
    std::uint64_t next() { return rng_(); }

  private:
    std::mt19937_64 rng_;
};

TEST(damerau_levenshtein, matches_textbook_and_notebook_package_on_random_pairs) {
    pair_generator gen(20261122);
    std::size_t pairs = 0, dl_below_osa = 0, non_ascii = 0;
    for (int round = 0; round < 120'000; ++round) {
        const std::size_t alphabet = 2 + gen.next() % 15;
        const std::u32string a = gen.random_string(1 + gen.next() % 14, alphabet);
        const std::u32string b = gen.next() % 2 ? gen.mutate(a, alphabet) : gen.random_string(14, alphabet);
        const std::size_t expected = masq::reference::damerau_levenshtein(a, b);
        ASSERT_EQ(damerau_levenshtein(a, b), expected) << "pair " << round;
        ASSERT_EQ(masq::reference::fast_damerau_levenshtein_pyx(a, b), expected) << "pair " << round;
        ASSERT_EQ(damerau_levenshtein(b, a), expected) << "symmetry, pair " << round;
        const std::size_t bound = gen.next() % 6;
        ASSERT_EQ(damerau_levenshtein(a, b, bound), std::min(expected, bound + 1)) << "bound " << bound;
        const std::size_t osa = masq::reference::optimal_string_alignment(a, b);
        dl_below_osa += expected < osa;
        // The similarity join takes a bit-parallel OSA of at most two as the exact distance.
        if (osa <= 2) ASSERT_EQ(expected, osa) << "OSA <= 2 must equal true DL, pair " << round;
        non_ascii += std::any_of(a.begin(), a.end(), [](char32_t c) { return c > 127; });
        ++pairs;
    }
    EXPECT_GE(pairs, 100'000u);
    // The generator must reach the cases where true DL and OSA differ, and non-ASCII text.
    EXPECT_GT(dl_below_osa, 100u);
    EXPECT_GT(non_ascii, 10'000u);
}

TEST(damerau_levenshtein, exhaustive_small_alphabet) {
    // All strings over {a,b,c} up to length 4 against each other (the check the reference notes ran).
    std::vector<std::u32string> all{U""};
    for (std::size_t len = 1; len <= 4; ++len) {
        const std::size_t before = all.size();
        for (std::size_t i = 0; i < before; ++i)
            if (all[i].size() == len - 1)
                for (char32_t c : {U'a', U'b', U'c'})
                    all.push_back(all[i] + c);
    }
    for (const auto& a : all)
        for (const auto& b : all)
            ASSERT_EQ(damerau_levenshtein(a, b), masq::reference::damerau_levenshtein(a, b));
}

std::u32string u32(const char* s) {
    return masq::decode_utf8(s);
}

TEST(seed_compare, extension_rule) {
    // Same extension: stems compared.
    auto c = masq::seed_compare(u32("svchost.exe"), u32("scvhost.exe"));
    EXPECT_TRUE(c.compared);
    EXPECT_TRUE(c.extension_stripped);
    EXPECT_EQ(c.distance, 1u);
    EXPECT_EQ(c.max_length, 7u);
    EXPECT_DOUBLE_EQ(c.similarity, 6.0 / 7.0);
    // Different extensions: full names compared (svchost.exe / svchost.com: d = 3 of 11).
    c = masq::seed_compare(u32("svchost.exe"), u32("svchost.com"));
    EXPECT_FALSE(c.extension_stripped);
    EXPECT_EQ(c.distance, 3u);
    EXPECT_DOUBLE_EQ(c.similarity, 8.0 / 11.0);
    // A name without a dot scores 0 and is not compared at all.
    c = masq::seed_compare(u32("svchost"), u32("svchost.exe"));
    EXPECT_FALSE(c.compared);
    EXPECT_EQ(c.similarity, 0.0);
    c = masq::seed_compare(u32("svchost.exe"), u32("svchost"));
    EXPECT_FALSE(c.compared);
    // Only the last dot counts.
    c = masq::seed_compare(u32("a.b.exe"), u32("a.c.exe"));
    EXPECT_TRUE(c.extension_stripped);
    EXPECT_EQ(c.distance, 1u);
    // Empty stem against a non-empty one: 0.0, as fastDamerauLevenshtein returns for one empty side.
    c = masq::seed_compare(u32(".exe"), u32("a.exe"));
    EXPECT_EQ(c.similarity, 0.0);
}

TEST(seed_flagged, float32_boundary) {
    // d = 3 at max length 20: similarity exactly 0.85. float32(0.85) = 0.85000002 > 0.85 (double).
    const std::u32string a(20, U'a');
    std::u32string b = a;
    b[0] = b[5] = b[10] = U'b';
    const auto c = masq::seed_compare(a + U".exe", b + U".exe");
    ASSERT_EQ(c.distance, 3u);
    ASSERT_EQ(c.similarity, 0.85);
    EXPECT_TRUE(masq::seed_flagged(masq::to_spark_float(c.similarity), 0.85));
    EXPECT_FALSE(c.similarity > 0.85) << "a pure double comparison would not flag it";
    // d = 6 at 40 is the same fraction; d = 4 at 20 (0.8) is not flagged.
    EXPECT_TRUE(masq::seed_flagged(masq::to_spark_float(34.0 / 40.0), 0.85));
    EXPECT_FALSE(masq::seed_flagged(masq::to_spark_float(16.0 / 20.0), 0.85));
    // 7-letter stems with one edit pass, 5-letter stems with one edit do not.
    EXPECT_TRUE(masq::seed_flagged(masq::to_spark_float(6.0 / 7.0), 0.85));
    EXPECT_FALSE(masq::seed_flagged(masq::to_spark_float(4.0 / 5.0), 0.85));
}

TEST(seed_max_distance, equals_integer_rule_at_default_threshold) {
    for (std::size_t len = 1; len <= 1000; ++len) {
        std::ptrdiff_t expected = -1;
        for (std::size_t d = 0; d <= len; ++d)
            if (20 * (len - d) >= 17 * len) expected = static_cast<std::ptrdiff_t>(d);
        ASSERT_EQ(masq::seed_max_distance(len, 0.85), expected) << "length " << len;
    }
    EXPECT_EQ(masq::seed_max_distance(7, 0.85), 1);
    EXPECT_EQ(masq::seed_max_distance(6, 0.85), 0);
    EXPECT_EQ(masq::seed_max_distance(20, 0.85), 3);
    EXPECT_EQ(masq::seed_max_distance(10, 1.0), -1); // nothing is > 1
    EXPECT_EQ(masq::seed_max_distance(10, 0.0), 9);  // everything but similarity 0
}

TEST(dl_similarity, edge_cases_of_the_package) {
    EXPECT_EQ(masq::dl_similarity(U"", U""), 1.0);
    EXPECT_EQ(masq::dl_similarity(U"a", U""), 0.0);
    EXPECT_EQ(masq::dl_similarity(U"abc", U"abc"), 1.0);
    EXPECT_DOUBLE_EQ(masq::dl_similarity(U"\U0001F600bc", U"abc"), 2.0 / 3.0);
}

} // namespace
