// SPDX-License-Identifier: MIT
// The renamed detector.
#include "detect/fleet.h"

#include <gtest/gtest.h>

namespace {

using namespace masq::test;

TEST(full_mode, renamed_binaries_from_the_original_file_name) {
    auto p = fleet();
    masq::process_event e;
    e.process = "jabber.exe";
    e.path = "C:\\ProgramData\\jabber.exe";
    e.original_file_name = "REGSVR32.EXE";
    p.add(e);
    e.process = "powershell.exe"; // PowerShell's own OriginalFileName is "PowerShell.EXE.MUI"
    e.path = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";
    e.original_file_name = "PowerShell.EXE.MUI";
    p.add(e);
    e.process = "PsExec64.exe"; // a tool under its own name
    e.path = "C:\\Tools\\PsExec64.exe";
    e.original_file_name = "psexec.c";
    p.add(e);
    const auto fs = full(p);
    const auto* jabber = find(fs, "jabber.exe");
    ASSERT_NE(jabber, nullptr);
    EXPECT_EQ(jabber->detector, "renamed");
    // What it really is goes in the reason; it imitates no other name (it runs under its own).
    EXPECT_EQ(jabber->normal_process, std::nullopt);
    EXPECT_NE(jabber->reason.find("really regsvr32.exe"), std::string::npos) << jabber->reason;
    EXPECT_EQ(jabber->technique, "T1036.003");
    EXPECT_EQ(find(fs, "powershell.exe"), nullptr);
    EXPECT_EQ(find(fs, "psexec64.exe"), nullptr);
}

} // namespace
