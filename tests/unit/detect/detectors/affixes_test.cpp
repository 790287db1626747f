// SPDX-License-Identifier: MIT
// The affix detector: a Windows binary's stem with a short prefix or suffix.
#include "detect/fleet.h"

#include <gtest/gtest.h>

namespace {

using namespace masq::test;

void run_once(masq::process_profile& p, const char* name, const char* folder) {
    masq::process_event e;
    e.process = name;
    const std::string path = std::string(folder) + name;
    e.path = path;
    e.host = "ws-7";
    p.add(e);
}

TEST(full_mode, affixed_system_binaries_are_found) {
    auto p = fleet();
    for (const char* name : {"svchost32.exe", "lsass_x.exe", "svchost-update.exe", "1lsass.exe",
                             "explorer64.exe", "winlogon_copy.exe", "x64-services.exe"})
        run_once(p, name, "C:\\Users\\Public\\");
    const auto fs = full(p);
    // Every one is an alert; where the affix is one or two edits, name-similarity's detection is
    // the one kept for the name (one per name and category), and the affix one otherwise.
    for (const char* name : {"svchost32.exe", "lsass_x.exe", "svchost-update.exe", "1lsass.exe",
                             "explorer64.exe", "winlogon_copy.exe", "x64-services.exe"})
        EXPECT_NE(find(fs, name), nullptr) << name;
    for (const char* name : {"svchost-update.exe", "winlogon_copy.exe", "x64-services.exe"}) {
        const auto* f = find(fs, name);
        ASSERT_NE(f, nullptr) << name;
        EXPECT_EQ(f->detector, "affix") << name << ": " << f->reason;
    }
    const auto* f = find(fs, "winlogon_copy.exe");
    EXPECT_EQ(f->normal_process, std::optional<std::string>("winlogon.exe"));
    EXPECT_NE(f->reason.find("the suffix '_copy', a core Windows process"), std::string::npos) << f->reason;
    EXPECT_EQ(find(fs, "lsass_x.exe")->normal_process, std::optional<std::string>("lsass.exe"));
}

TEST(full_mode, legitimate_affixed_names_stay_quiet) {
    auto p = fleet();
    // Catalog binaries themselves, a glued word that is another name, a third-party editor
    // installed under Program Files, short stems, and another extension.
    run_once(p, "taskhostw.exe", "C:\\Windows\\System32\\");
    run_once(p, "powershell_ise.exe", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\");
    run_once(p, "smartscreensettings.exe", "C:\\Users\\Public\\");
    run_once(p, "calculator.exe", "C:\\Users\\Public\\");
    run_once(p, "notepad2.exe", "C:\\Program Files\\Notepad2\\");
    run_once(p, "cmdkey64.exe", "C:\\Users\\Public\\");
    run_once(p, "svchost32.dll", "C:\\Users\\Public\\");
    const auto fs = full(p);
    for (const auto& f : fs)
        for (const auto& d : f.detections)
            EXPECT_NE(d.detector, "affix") << f.suspicious_process << ": " << d.reason;
}

} // namespace
