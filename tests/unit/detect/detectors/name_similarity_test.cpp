// SPDX-License-Identifier: MIT
// The name-similarity and confusable detectors on a small fleet.
#include "detect/fleet.h"

#include <gtest/gtest.h>

namespace {

using namespace masq::test;

TEST(full_mode, short_names_confusables_and_extension_swaps) {
    auto p = fleet();
    add(p, "1sass.exe", 1, "C:\\Users\\Public\\1sass.exe");      // one edit in 5 letters; lsass is rare
    add(p, "cnd.exe", 1, "C:\\ProgramData\\cnd.exe");            // one edit in 3 letters
    add(p, "svchost.com", 1, "C:\\Windows\\Temp\\svchost.com");  // extension swap
    add(p, "svch\xD0\xBEst.exe", 1, "C:\\Windows\\Temp\\x.exe"); // Cyrillic о
    add(p, "scvhost.exe", 1, "C:\\Windows\\Temp\\scvhost.exe");
    const auto fs = full(p);
    for (const char* name : {"1sass.exe", "cnd.exe", "svchost.com", "svch\xD0\xBEst.exe", "scvhost.exe"})
        EXPECT_NE(find(fs, name), nullptr) << name;
    EXPECT_EQ(find(fs, "1sass.exe")->normal_process, "lsass.exe");
    EXPECT_EQ(find(fs, "svch\xD0\xBEst.exe")->detector, "confusable");
    EXPECT_NE(find(fs, "svchost.com")->reason.find("extension .com"), std::string::npos);
    // Most suspicious first.
    for (std::size_t i = 1; i < fs.size(); ++i)
        EXPECT_GE(fs[i - 1].score, fs[i].score);
}

TEST(full_mode, benign_lookalikes_and_frequent_tools_are_not_reported) {
    auto p = fleet();
    add(p, "taskhost.exe", 3, "C:\\Windows\\System32\\taskhost.exe");
    add(p, "wscript.exe", 2, "C:\\Windows\\System32\\wscript.exe");
    add(p, "nbtstat.exe", 2, "C:\\Windows\\System32\\nbtstat.exe");
    add(p, "notepad++.exe", 1, "C:\\Program Files\\Notepad++\\notepad++.exe");
    add(p, "msconfig.exe", 1, "C:\\Windows\\System32\\msconfig.exe"); // 2 edits from ipconfig, from System32
    add(p, "ipconfig.exe", 9, "C:\\Windows\\System32\\ipconfig.exe");
    EXPECT_TRUE(full(p).empty());
}

} // namespace
