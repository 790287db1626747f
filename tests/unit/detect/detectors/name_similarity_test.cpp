// SPDX-License-Identifier: MIT
// The name-similarity and confusable detectors on a small fleet.
#include "detect/fleet.h"

#include <fstream>
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

namespace {

TEST(full_mode, a_known_file_in_its_own_folder_is_no_lookalike_and_elsewhere_only_those_events_are) {
    const std::string path = ::testing::TempDir() + "known-files.tsv";
    std::ofstream(path, std::ios::binary) << "name\tfolder\tkind\tsource\n"
                                             "scvhost.exe\t?:\\program files\\scv\\\tapplication\ttest\n";
    const std::vector<std::string> files{path};
    const masq::binary_catalog catalog = masq::binary_catalog::with_files(files);
    masq::detect_options o;
    o.mode = masq::detect_mode::full;
    o.catalog = &catalog;

    auto p = fleet();
    add(p, "scvhost.exe", 3, "C:\\Program Files\\SCV\\scvhost.exe", "H1");
    EXPECT_EQ(find(masq::detect(p, o).findings, "scvhost.exe"), nullptr) << "a genuine scvhost.exe";
    EXPECT_NE(find(full(p), "scvhost.exe"), nullptr) << "unknown without the catalog file";

    // The same name from a temp folder on another host: an alert about that copy only.
    add(p, "scvhost.exe", 1, "C:\\Windows\\Temp\\scvhost.exe", "H9");
    const auto fs = masq::detect(p, o).findings;
    const auto* f = find(fs, "scvhost.exe");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->normal_process, "svchost.exe");
    EXPECT_EQ(f->suspicious_count, 1u);
    ASSERT_EQ(f->hosts.size(), 1u);
    EXPECT_EQ(f->hosts[0].value, "H9");
}

} // namespace

namespace {

TEST(full_mode, short_core_names_match_at_two_edits_only_from_writable_folders) {
    auto p = fleet();
    add(p, "lsasss1.exe", 1, "C:\\Users\\Public\\lsasss1.exe");     // two insertions, writable
    add(p, "csrrs1.exe", 1, "C:\\Windows\\Temp\\csrrs1.exe");       // two edits, writable
    add(p, "lsaxx.exe", 1, "C:\\Program Files\\Vendor\\lsaxx.exe"); // two edits, installed
    add(p, "pinxx.exe", 1, "C:\\Users\\Public\\pinxx.exe");         // ping is no short core target
    const auto fs = full(p);
    ASSERT_NE(find(fs, "lsasss1.exe"), nullptr);
    EXPECT_EQ(find(fs, "lsasss1.exe")->normal_process, "lsass.exe");
    ASSERT_NE(find(fs, "csrrs1.exe"), nullptr);
    EXPECT_EQ(find(fs, "csrrs1.exe")->normal_process, "csrss.exe");
    EXPECT_EQ(find(fs, "lsaxx.exe"), nullptr);
    EXPECT_EQ(find(fs, "pinxx.exe"), nullptr);
}

TEST(full_mode, visual_lookalikes_with_an_edit_are_found_and_two_plain_edits_are_not) {
    auto p = fleet();
    add(p, "svch0stt.exe", 1, "C:\\Users\\Public\\svch0stt.exe");    // a swap and an insertion
    add(p, "crncl.exe", 1, "C:\\Users\\Public\\crncl.exe");          // rn for m, cl for d
    add(p, "explorxx.exe", 1, "C:\\Program Files\\X\\explorxx.exe"); // two plain edits, installed
    const auto fs = full(p);
    ASSERT_NE(find(fs, "svch0stt.exe"), nullptr);
    ASSERT_NE(find(fs, "crncl.exe"), nullptr);
    EXPECT_EQ(find(fs, "crncl.exe")->detector, "visual");
    EXPECT_EQ(find(fs, "crncl.exe")->normal_process, "cmd.exe");
    EXPECT_EQ(find(fs, "explorxx.exe"), nullptr);
}

} // namespace
