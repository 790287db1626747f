// SPDX-License-Identifier: MIT
// The path detector.
#include "detect/fleet.h"

#include <gtest/gtest.h>

namespace {

using namespace masq::test;

TEST(full_mode, wrong_folders_with_normalisation) {
    auto p = fleet();
    add(p, "svchost.exe", 1, "C:\\Users\\bob\\Downloads\\svchost.exe");
    add(p, "cmd.exe", 3, "\\Device\\HarddiskVolume2\\Windows\\System32\\cmd.exe");               // fine
    add(p, "cmd.exe", 2, "C:\\Windows\\WinSxS\\amd64_microsoft-windows-commandprompt\\cmd.exe"); // servicing
    add(p, "[1]consent.exe", 1, "C:\\Users\\den\\AppData\\Local\\Temp\\[1]consent.exe");
    const auto fs = full(p);
    const auto* svchost = find(fs, "svchost.exe");
    ASSERT_NE(svchost, nullptr);
    EXPECT_EQ(svchost->detector, "path");
    ASSERT_EQ(svchost->suspicious_paths.size(), 1u); // only the wrong folder, not System32
    EXPECT_EQ(svchost->suspicious_paths[0].value, "C:\\Users\\bob\\Downloads\\svchost.exe");
    EXPECT_EQ(find(fs, "cmd.exe"), nullptr);
    ASSERT_NE(find(fs, "[1]consent.exe"), nullptr);
    EXPECT_EQ(find(fs, "[1]consent.exe")->normal_process, "consent.exe");
}

} // namespace
