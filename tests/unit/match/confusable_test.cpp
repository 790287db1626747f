// SPDX-License-Identifier: MIT
// Confusable skeletons (UTS #39 plus attacker swaps).
#include "masq/match/confusable.h"
#include "detect/fleet.h"

#include <gtest/gtest.h>

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

} // namespace
