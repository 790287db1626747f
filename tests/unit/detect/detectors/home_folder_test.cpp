// SPDX-License-Identifier: MIT
// The home-folder detector: a folder learned from the fleet, and the few hosts that differ.
#include "detect/fleet.h"

#include <gtest/gtest.h>

namespace {

using namespace masq::test;

void run_on(masq::process_profile& p, const std::string& name, const std::string& folder,
            const std::string& host) {
    masq::process_event e;
    e.process = name;
    const std::string path = folder + name;
    e.path = path;
    e.host = host;
    p.add(e);
}

const masq::finding* home_folder_finding(const std::vector<masq::finding>& fs, const std::string& name) {
    for (const auto& f : fs)
        if (f.suspicious_process == name)
            for (const auto& d : f.detections)
                if (d.detector == "home-folder") return &f;
    return nullptr;
}

TEST(full_mode, a_copy_outside_the_fleets_home_folder_is_found) {
    auto p = fleet();
    for (int i = 0; i < 12; ++i)
        run_on(p, "acmeupdater.exe", "C:\\Program Files\\Acme\\", "ws-" + std::to_string(i));
    run_on(p, "acmeupdater.exe", "C:\\Users\\bob\\AppData\\Local\\Temp\\", "ws-99");
    const auto fs = full(p);
    const auto* f = home_folder_finding(fs, "acmeupdater.exe");
    ASSERT_NE(f, nullptr);
    // The alert is about the odd copy only: its path and host, not the fleet's.
    ASSERT_EQ(f->suspicious_paths.size(), 1u);
    EXPECT_EQ(f->suspicious_paths[0].value, "C:\\Users\\bob\\AppData\\Local\\Temp\\acmeupdater.exe");
    ASSERT_EQ(f->hosts.size(), 1u);
    EXPECT_EQ(f->hosts[0].value, "ws-99");
    EXPECT_NE(f->reason.find("its home is ?:\\program files\\acme\\ (12 of 13 events)"), std::string::npos)
        << f->reason;
}

TEST(full_mode, per_user_installs_and_common_second_folders_stay_quiet) {
    auto p = fleet();
    // A per-user install: the same folder under each profile, and one user's other folder.
    for (int i = 0; i < 10; ++i)
        run_on(p, "chatclient.exe", "C:\\Users\\user" + std::to_string(i) + "\\AppData\\Local\\Chat\\",
               "ws-" + std::to_string(i));
    run_on(p, "chatclient.exe", "C:\\Users\\zed\\Downloads\\", "ws-50");
    // Two protected folders (an x86 and an x64 install).
    for (int i = 0; i < 10; ++i)
        run_on(p, "vendoragent.exe",
               i < 6 ? "C:\\Program Files\\Vendor\\" : "C:\\Program Files (x86)\\Vendor\\",
               "ws-" + std::to_string(i));
    // A second, writable folder for many events: not a few odd ones.
    for (int i = 0; i < 10; ++i)
        run_on(p, "sharedtool.exe", "C:\\Program Files\\Shared\\", "ws-" + std::to_string(i));
    for (int i = 0; i < 4; ++i)
        run_on(p, "sharedtool.exe", "C:\\ProgramData\\Shared\\", "ws-" + std::to_string(i + 20));
    // Too few events to have learned a home.
    for (int i = 0; i < 3; ++i)
        run_on(p, "rare.exe", "C:\\Program Files\\Rare\\", "ws-" + std::to_string(i));
    run_on(p, "rare.exe", "C:\\Users\\Public\\", "ws-60");
    const auto fs = full(p);
    for (const char* name : {"chatclient.exe", "vendoragent.exe", "sharedtool.exe", "rare.exe"})
        EXPECT_EQ(home_folder_finding(fs, name), nullptr) << name;
}

} // namespace
