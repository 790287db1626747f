// SPDX-License-Identifier: MIT
#include "masq/util/unicode.h"

#include <gtest/gtest.h>

namespace {

TEST(to_lower_full, ascii_fast_path) {
    EXPECT_EQ(masq::to_lower_full("SvcHost.EXE"), "svchost.exe");
}

TEST(to_lower_full, full_case_mapping_like_java) {
    // U+0130 LATIN CAPITAL LETTER I WITH DOT ABOVE -> "i" + U+0307 (two code points), as Java's
    // String.toLowerCase() in a non-Turkic locale.
    EXPECT_EQ(masq::to_lower_full("\xC4\xB0NIT.EXE"), "i\xCC\x87nit.exe");
    // Final sigma: capital sigma at the end of a word lowers to U+03C2, elsewhere to U+03C3.
    EXPECT_EQ(masq::to_lower_full("\xCE\xA3\xCE\x91\xCE\xA3"), "\xCF\x83\xCE\xB1\xCF\x82");
    // Cyrillic capital O (U+041E) lowers to Cyrillic o (U+043E), not to Latin o.
    EXPECT_EQ(masq::to_lower_full("SVCH\xD0\x9EST.EXE"), "svch\xD0\xBEst.exe");
}

TEST(decode_utf8, code_points_like_python_str) {
    EXPECT_EQ(masq::decode_utf8("a\xF0\x9F\x98\x80z"), std::u32string(U"a\U0001F600z"));
    EXPECT_EQ(masq::code_point_count("a\xF0\x9F\x98\x80z"), 3u);
    EXPECT_TRUE(masq::is_valid_utf8("h\xC3\xA9llo"));
    EXPECT_FALSE(masq::is_valid_utf8("h\xC3llo"));
}

} // namespace
