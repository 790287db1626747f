// SPDX-License-Identifier: MIT
// Confusable skeletons (UTS #39 plus attacker swaps).
#include "detect/fleet.h"
#include "masq/match/confusable.h"

#include <gtest/gtest.h>
#include <random>
#include <string>

namespace {

using namespace masq::test;

TEST(confusable, skeletons_see_through_lookalike_characters) {
    const std::string target = masq::confusable_skeleton("svchost.exe");
    EXPECT_EQ(masq::confusable_skeleton("svch\xD0\xBEst.exe"), target); // Cyrillic о
    EXPECT_EQ(masq::confusable_skeleton("svch\xCE\xBFst.exe"), target); // Greek ο
    EXPECT_EQ(masq::confusable_skeleton("svch0st.exe"), target);
    EXPECT_EQ(masq::confusable_skeleton("1sass.exe"), masq::confusable_skeleton("lsass.exe"));
    EXPECT_EQ(masq::confusable_skeleton("isass.exe"), masq::confusable_skeleton("lsass.exe"));
    EXPECT_EQ(masq::confusable_skeleton("rnmc.exe"), masq::confusable_skeleton("mmc.exe"));
    EXPECT_EQ(masq::confusable_skeleton("expIorer.exe"), masq::confusable_skeleton("explorer.exe"));
    EXPECT_NE(masq::confusable_skeleton("svchost.exe"), masq::confusable_skeleton("schost.exe"));
    EXPECT_TRUE(masq::is_mixed_script("svch\xD0\xBEst.exe"));
    EXPECT_FALSE(masq::is_mixed_script("svchost.exe"));
    EXPECT_FALSE(masq::is_mixed_script(
        "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xBC\xD0\xB5\xD1\x80.exe")); // all-Cyrillic "пример"
    EXPECT_NE(masq::describe_lookalikes("svch\xD0\xBEst.exe", "svchost.exe").find("CYRILLIC SMALL LETTER O"),
              std::string::npos);
}

// The ASCII path builds the skeleton from ICU's answer for each character; ICU's own path is the
// reference: every string of one and two ASCII characters, then random names.
TEST(confusable, the_ascii_path_equals_icu) {
    std::size_t compared = 0;
    for (int a = 0; a < 128; ++a)
        for (int b = -1; b < 128; ++b) {
            std::string s(1, static_cast<char>(a));
            if (b >= 0) s += static_cast<char>(b);
            ASSERT_EQ(masq::confusable_skeleton(s), masq::confusable_skeleton_reference(s)) << a << " " << b;
            ++compared;
        }
    std::mt19937 rng(5);
    const std::string alphabet = "abcdefghijklmnopqrstuvwxyzIlO0123456789.-_ ()[]{}~$'`|\"!#%&+,;=@^";
    for (int round = 0; round < 20000; ++round) {
        std::string s;
        for (std::size_t n = std::uniform_int_distribution<std::size_t>(1, 24)(rng); n > 0; --n)
            s += alphabet[std::uniform_int_distribution<std::size_t>(0, alphabet.size() - 1)(rng)];
        ASSERT_EQ(masq::confusable_skeleton(s), masq::confusable_skeleton_reference(s)) << s;
        ++compared;
    }
    // Text outside ASCII takes ICU's path: the same answer by construction, checked all the same.
    for (const char* s : {"svch\xD0\xBEst.exe", "caf\xC3\xA9.exe", "e\xCC\x81.exe", "\xEF\xAC\x81le.exe"})
        EXPECT_EQ(masq::confusable_skeleton(s), masq::confusable_skeleton_reference(s)) << s;
    EXPECT_GT(compared, 16000u);
}

} // namespace
