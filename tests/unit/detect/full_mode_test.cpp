// SPDX-License-Identifier: MIT
// Full mode's building blocks and detectors, one behaviour per test.
#include "masq/allow_list.h"
#include "masq/detect/catalog.h"
#include "masq/match/confusable.h"
#include "masq/detect.h"
#include "masq/diagnostics.h"
#include "masq/explain.h"
#include "masq/util/windows_path.h"

#include <gtest/gtest.h>

namespace {

void add(masq::process_profile& profile, const std::string& name, int times, const std::string& path = "",
         const std::string& host = "H1") {
    masq::process_event e;
    e.process = name;
    if (!path.empty()) e.path = path;
    e.host = host;
    for (int i = 0; i < times; ++i)
        profile.add(e);
}

/// A small fleet: common Windows and application names from their real folders.
masq::process_profile fleet() {
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

std::vector<masq::finding> full(const masq::process_profile& p, const masq::allow_list* allow = nullptr) {
    masq::detect_options o;
    o.mode = masq::detect_mode::full;
    o.allow = allow;
    return masq::detect(p, o).findings;
}

const masq::finding* find(const std::vector<masq::finding>& fs, const std::string& name) {
    for (const auto& f : fs)
        if (f.suspicious_process == name) return &f;
    return nullptr;
}

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

TEST(catalog, exact_folders_and_servicing_roots) {
    const auto* svchost = masq::find_known_binary("svchost.exe");
    ASSERT_NE(svchost, nullptr);
    EXPECT_EQ(svchost->role, masq::binary_role::core);
    EXPECT_TRUE(masq::folder_expected(*svchost, "?:\\windows\\system32\\"));
    EXPECT_TRUE(masq::folder_expected(*svchost, "?:\\windows\\winsxs\\amd64_x\\"));
    EXPECT_FALSE(masq::folder_expected(*svchost, "?:\\windows\\system32\\srv\\")); // MITRE CAR: not a prefix
    EXPECT_FALSE(masq::folder_expected(*svchost, "?:\\windows\\softwaredistribution\\"));
    EXPECT_FALSE(masq::folder_expected(*svchost, "?:\\users\\public\\"));
    EXPECT_EQ(masq::find_known_binary("not-a-windows-binary.exe"), nullptr);
    EXPECT_TRUE(masq::is_benign_lookalike("taskhostw.exe", "taskhost.exe"));
    // Sorted, no duplicates: lookups rely on it.
    const auto all = masq::known_binaries();
    for (std::size_t i = 1; i < all.size(); ++i)
        EXPECT_LT(all[i - 1].name, all[i].name);
}

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

TEST(full_mode, right_to_left_override_and_double_extensions) {
    auto p = fleet();
    add(p, "ann\xE2\x80\xAEgepj.exe", 1, "C:\\Users\\a\\Ann\xE2\x80\xAEgepj.exe");
    add(p, "invoice.pdf.exe", 1, "C:\\Users\\a\\Downloads\\invoice.pdf.exe");
    add(p, "report.docx      .scr", 1, "C:\\Users\\a\\report.docx      .scr");
    add(p, "microsoft.workflow.compiler.exe", 1, "C:\\Windows\\Microsoft.NET\\x.exe"); // dots, not a decoy
    const auto fs = full(p);
    ASSERT_NE(find(fs, "ann\xE2\x80\xAEgepj.exe"), nullptr);
    EXPECT_EQ(find(fs, "ann\xE2\x80\xAEgepj.exe")->detector, "rlo");
    EXPECT_NE(find(fs, "ann\xE2\x80\xAEgepj.exe")->reason.find("annexe.jpeg"), std::string::npos);
    EXPECT_EQ(find(fs, "invoice.pdf.exe")->detector, "double-extension");
    EXPECT_NE(find(fs, "report.docx      .scr")->reason.find("padded"), std::string::npos);
    EXPECT_EQ(find(fs, "microsoft.workflow.compiler.exe"), nullptr);
}

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
    EXPECT_EQ(jabber->normal_process, "regsvr32.exe");
    EXPECT_EQ(find(fs, "powershell.exe"), nullptr);
    EXPECT_EQ(find(fs, "psexec64.exe"), nullptr);
}

TEST(catalog, expected_parents) {
    const auto lsass = masq::expected_parents("lsass.exe");
    ASSERT_EQ(lsass.size(), 1u);
    EXPECT_EQ(lsass[0], "wininit.exe");
    EXPECT_FALSE(masq::expected_parents("svchost.exe").empty());
    EXPECT_TRUE(masq::expected_parents("conhost.exe").empty()); // parents vary: no rule
    EXPECT_TRUE(masq::expected_parents("notepad.exe").empty());
}

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
    EXPECT_NE(lsass->reason.find("started by C:\\Windows\\System32\\cmd.exe (1): 1 of 4 events"),
              std::string::npos)
        << lsass->reason;
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

TEST(allow_list, suppresses_by_name_path_and_host_and_rejects_bad_rules) {
    auto p = fleet();
    add(p, "scvhost.exe", 1, "C:\\Tools\\Lab\\scvhost.exe", "LAB-1");
    add(p, "svchozt.exe", 1, "C:\\Users\\Public\\svchozt.exe", "PC-7");
    const auto allow = masq::allow_list::parse(
        "# accepted\n{\"name\": \"scvhost.exe\", \"path\": \"c:\\\\tools\\\\lab\\\\*\", \"host\": \"lab-*\", "
        "\"reason\": \"test build\"}\n\n",
        "allow.jsonl");
    ASSERT_EQ(allow.size(), 1u);
    masq::detect_options o;
    o.mode = masq::detect_mode::full;
    o.allow = &allow;
    const auto r = masq::detect(p, o);
    EXPECT_EQ(find(r.findings, "scvhost.exe"), nullptr);
    EXPECT_NE(find(r.findings, "svchozt.exe"), nullptr);
    EXPECT_EQ(r.summary.suppressed, 1u);
    try {
        (void)masq::allow_list::parse("{\"name\": \"x.exe\"}\n{\"name\": \"y.exe\", \"reason\": 3}\n",
                                      "a.jsonl");
        FAIL() << "a rule without a reason must be rejected";
    } catch (const masq::input_error& e) {
        EXPECT_EQ(e.where().file, "a.jsonl");
        EXPECT_EQ(e.where().line, 1u);
        EXPECT_EQ(e.where().field, "reason");
    }
    EXPECT_THROW((void)masq::allow_list::parse("not json\n", "b.jsonl"), masq::input_error);
}

TEST(explain, says_why_and_why_not) {
    const auto p = fleet();
    masq::detect_options o;
    const auto flagged = masq::explain_name(p, "SVCH0ST.EXE", "", o);
    EXPECT_FALSE(flagged.findings.empty());
    EXPECT_EQ(flagged.lines.back(), "verdict: flagged by 1 detector");
    const auto benign = masq::explain_name(p, "taskhost.exe", "C:\\Windows\\System32\\taskhost.exe", o);
    EXPECT_TRUE(benign.findings.empty());
    bool mentions_pair = false;
    for (const auto& l : benign.lines)
        mentions_pair = mentions_pair || l.find("benign look-alike of taskhostw.exe") != std::string::npos;
    EXPECT_TRUE(mentions_pair);
}

} // namespace
