// SPDX-License-Identifier: MIT
// Windows path normalisation.
#include "masq/util/windows_path.h"
#include "detect/fleet.h"

#include <gtest/gtest.h>

namespace {

using namespace masq::test;

TEST(windows_path, every_spelling_of_a_folder_is_one) {
    for (const char* raw :
         {"C:\\WINDOWS\\system32\\svchost.exe", "\\Device\\HarddiskVolume3\\Windows\\System32\\svchost.exe",
          "\\SystemRoot\\System32\\svchost.exe", "%SystemRoot%\\System32\\svchost.exe",
          "%windir%\\system32\\SVCHOST.EXE", "\\??\\C:\\Windows\\System32\\svchost.exe",
          "D:/Windows/System32/svchost.exe", "\\\\?\\C:\\Windows\\\\System32\\svchost.exe"}) {
        const auto p = masq::normalize_windows_path(raw);
        EXPECT_EQ(p.folder, "?:\\windows\\system32\\") << raw;
        EXPECT_EQ(p.file, "svchost.exe") << raw;
    }
    EXPECT_EQ(masq::normalize_windows_path("svchost.exe").folder, "");
}

TEST(windows_path, glob) {
    EXPECT_TRUE(masq::glob_match("?:\\users\\*\\appdata\\local\\temp\\*",
                                 "?:\\users\\bob\\appdata\\local\\temp\\x\\"));
    EXPECT_TRUE(masq::glob_match("svc*.exe", "svchost.exe"));
    EXPECT_TRUE(masq::glob_match("a?c", "abc"));
    EXPECT_FALSE(masq::glob_match("svc*.exe", "svchost.com"));
    EXPECT_FALSE(masq::glob_match("abc", "abcd"));
}

} // namespace
