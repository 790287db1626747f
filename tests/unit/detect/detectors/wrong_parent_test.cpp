// SPDX-License-Identifier: MIT
// The parent detector.
#include "detect/fleet.h"

#include <gtest/gtest.h>

namespace {

using namespace masq::test;

TEST(full_mode, processes_started_by_the_wrong_parent) {
    auto p = fleet();
    const auto started_by = [&](const std::string& name, const std::string& path, const std::string& parent,
                                int times) {
        masq::process_event e;
        e.process = name;
        e.path = path;
        e.host = "H1";
        if (!parent.empty()) e.parent_path = parent;
        for (int i = 0; i < times; ++i)
            p.add(e);
    };
    // Right folder, wrong parent: only the parent gives these away.
    started_by("lsass.exe", "C:\\Windows\\System32\\lsass.exe", "C:\\Windows\\System32\\wininit.exe", 3);
    started_by("lsass.exe", "C:\\Windows\\System32\\lsass.exe", "C:\\Windows\\System32\\cmd.exe", 1);
    started_by("services.exe", "C:\\Windows\\System32\\services.exe", "C:\\Users\\bob\\Desktop\\PPLdump.exe",
               1);
    // Expected parents, in every spelling, and unknown parents are not findings.
    started_by("svchost.exe", "C:\\Windows\\System32\\svchost.exe",
               "\\Device\\HarddiskVolume2\\Windows\\System32\\SERVICES.EXE", 40);
    started_by("svchost.exe", "C:\\Windows\\System32\\svchost.exe", "-", 4);
    started_by("wininit.exe", "C:\\Windows\\System32\\wininit.exe", "C:\\Windows\\System32\\smss.exe", 1);
    started_by("conhost.exe", "C:\\Windows\\System32\\conhost.exe", "C:\\Tools\\anything.exe", 5);
    const auto fs = full(p);
    const auto parent_finding = [&](const std::string& name) -> const masq::finding* {
        for (const auto& f : fs)
            if (f.suspicious_process == name && f.detector == "parent") return &f;
        return nullptr;
    };
    const auto* lsass = parent_finding("lsass.exe");
    ASSERT_NE(lsass, nullptr);
    EXPECT_NE(lsass->reason.find("started by C:\\Windows\\System32\\cmd.exe;"), std::string::npos)
        << lsass->reason;
    EXPECT_NE(lsass->reason.find("(1 of 4 events with a known parent)"), std::string::npos) << lsass->reason;
    EXPECT_EQ(lsass->suspicious_count, 1u); // the evidence: the one event cmd.exe started
    EXPECT_EQ(lsass->expected, "wininit.exe");
    EXPECT_NE(lsass->reason.find("expected wininit.exe"), std::string::npos) << lsass->reason;
    const auto* services = parent_finding("services.exe");
    ASSERT_NE(services, nullptr);
    EXPECT_GT(services->score, lsass->score); // the parent runs from a user-writable folder
    EXPECT_EQ(parent_finding("svchost.exe"), nullptr);
    EXPECT_EQ(parent_finding("wininit.exe"), nullptr);
    EXPECT_EQ(parent_finding("conhost.exe"), nullptr);
    // A path finding and a parent finding about the same name are both kept.
    started_by("lsass.exe", "C:\\Windows\\Temp\\lsass.exe", "C:\\Windows\\System32\\wininit.exe", 1);
    const auto again = full(p);
    int kinds = 0;
    for (const auto& f : again)
        kinds += f.suspicious_process == "lsass.exe" && (f.detector == "parent" || f.detector == "path");
    EXPECT_EQ(kinds, 2);
}

} // namespace
