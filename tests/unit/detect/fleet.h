// SPDX-License-Identifier: MIT
#pragma once
// A small synthetic fleet for the detector tests: common Windows and application names from
// their real folders, and helpers to add suspects and run full mode.

#include "masq/allow_list.h"
#include "masq/detect.h"
#include "masq/profile.h"

#include <string>
#include <vector>

namespace masq::test {

inline void add(masq::process_profile& profile, const std::string& name, int times, const std::string& path = "",
         const std::string& host = "H1") {
    masq::process_event e;
    e.process = name;
    if (!path.empty()) e.path = path;
    e.host = host;
    for (int i = 0; i < times; ++i)
        profile.add(e);
}

/// A small fleet: common Windows and application names from their real folders.
inline masq::process_profile fleet() {
    masq::process_profile p;
    add(p, "svchost.exe", 500, "C:\\Windows\\System32\\svchost.exe");
    add(p, "cmd.exe", 300, "C:\\Windows\\System32\\cmd.exe");
    add(p, "conhost.exe", 300, "C:\\Windows\\System32\\conhost.exe");
    add(p, "explorer.exe", 100, "C:\\Windows\\explorer.exe");
    add(p, "chrome.exe", 250, "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe");
    add(p, "taskhostw.exe", 90, "C:\\Windows\\System32\\taskhostw.exe");
    add(p, "cscript.exe", 80, "C:\\Windows\\System32\\cscript.exe");
    add(p, "netstat.exe", 20, "C:\\Windows\\System32\\NETSTAT.EXE");
    add(p, "lsass.exe", 2, "C:\\Windows\\System32\\lsass.exe");
    for (int i = 0; i < 12; ++i)
        add(p, "tool" + std::to_string(i) + "vendor.exe", 5 + i, "C:\\Program Files\\Vendor\\tool.exe");
    return p;
}

inline std::vector<masq::finding> full(const masq::process_profile& p, const masq::allow_list* allow = nullptr) {
    masq::detect_options o;
    o.mode = masq::detect_mode::full;
    o.allow = allow;
    return masq::detect(p, o).findings;
}

inline const masq::finding* find(const std::vector<masq::finding>& fs, const std::string& name) {
    for (const auto& f : fs)
        if (f.suspicious_process == name) return &f;
    return nullptr;
}

} // namespace masq::test
