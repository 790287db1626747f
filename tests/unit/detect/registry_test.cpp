// SPDX-License-Identifier: MIT
// The detector tables: documented, selectable, and the one place detect() and explain() use.
#include "detect/fleet.h"
#include "masq/detect/detectors.h"
#include "masq/explain.h"

#include <fstream>
#include <gtest/gtest.h>
#include <set>
#include <sstream>
#include <stdexcept>

namespace {

using namespace masq::test;

TEST(detector_table, every_full_mode_id_is_documented_in_docs_full_mode_md) {
    std::ifstream in(std::string(MASQ_SOURCE_DIR) + "/docs/full-mode.md");
    ASSERT_TRUE(in) << "docs/full-mode.md not found";
    std::stringstream text;
    text << in.rdbuf();
    for (const masq::detector_info& d : masq::detectors_of(masq::detect_mode::full)) {
        EXPECT_NE(text.str().find("`" + std::string(d.id) + "`"), std::string::npos)
            << "docs/full-mode.md does not document detector " << d.id;
        EXPECT_EQ(d.technique.substr(0, 5), "T1036") << d.id;
        EXPECT_FALSE(d.summary.empty()) << d.id;
    }
}

TEST(detector_table, ids_are_unique_and_seed_mode_is_one_detector) {
    std::set<std::string_view> ids;
    for (const masq::detector_info& d : masq::detectors_of(masq::detect_mode::full))
        EXPECT_TRUE(ids.insert(d.id).second) << d.id;
    EXPECT_EQ(ids.size(), 13u);
    ASSERT_EQ(masq::detectors_of(masq::detect_mode::seed).size(), 1u);
    EXPECT_EQ(masq::detectors_of(masq::detect_mode::seed)[0].id, "name-similarity");
    EXPECT_EQ(masq::find_detector(masq::detect_mode::full, "path")->category, masq::detector_category::path);
    EXPECT_EQ(masq::find_detector(masq::detect_mode::full, "parent")->category,
              masq::detector_category::parent);
    EXPECT_EQ(masq::find_detector(masq::detect_mode::seed, "path"), nullptr);
}

TEST(detector_table, parse_detector_list_includes_excludes_and_names_unknown_ids) {
    using masq::detect_mode;
    EXPECT_EQ(masq::parse_detector_list(detect_mode::full, "path,name-similarity"),
              (std::vector<std::string>{"name-similarity", "path"})); // table order
    const auto without = masq::parse_detector_list(detect_mode::full, "-parent, -renamed");
    EXPECT_EQ(without.size(), 11u);
    EXPECT_EQ(std::count(without.begin(), without.end(), "parent"), 0);
    EXPECT_EQ(masq::parse_detector_list(detect_mode::full, "all").size(), 13u);
    try {
        (void)masq::parse_detector_list(detect_mode::full, "path,lookalike");
        FAIL() << "an unknown id must be refused";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("'lookalike'"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("name-similarity"), std::string::npos); // lists the known ones
    }
    EXPECT_THROW((void)masq::parse_detector_list(detect_mode::full, "-all"), std::invalid_argument);
    EXPECT_THROW((void)masq::parse_detector_list(detect_mode::seed, "-name-similarity"),
                 std::invalid_argument);
}

TEST(detector_table, detect_runs_only_the_enabled_detectors) {
    auto p = fleet();
    add(p, "svch0st.exe", 1, "C:\\Users\\a\\AppData\\Local\\Temp\\svch0st.exe");
    add(p, "cmd.exe", 1, "C:\\Users\\a\\Downloads\\cmd.exe");
    masq::detect_options o;
    o.mode = masq::detect_mode::full;
    const auto all = masq::detect(p, o).findings;
    ASSERT_NE(find(all, "svch0st.exe"), nullptr);
    ASSERT_NE(find(all, "cmd.exe"), nullptr);
    o.detectors = {"path"};
    const auto only_path = masq::detect(p, o).findings;
    EXPECT_EQ(find(only_path, "svch0st.exe"), nullptr);
    ASSERT_NE(find(only_path, "cmd.exe"), nullptr);
    EXPECT_EQ(find(only_path, "cmd.exe")->detector, "path");
    o.detectors = {"no-such-detector"};
    EXPECT_THROW((void)masq::detect(p, o), std::invalid_argument);
}

TEST(detector_table, explain_lines_come_from_the_detectors_themselves) {
    auto p = fleet();
    add(p, "svch0st.exe", 1, "C:\\Users\\a\\AppData\\Local\\Temp\\svch0st.exe");
    masq::detect_options o;
    const auto ex = masq::explain_name(p, "svch0st.exe", "", o);
    std::set<std::string> prefixes;
    for (const std::string& line : ex.lines)
        if (const auto colon = line.find(':'); colon != std::string::npos)
            prefixes.insert(line.substr(0, colon));
    EXPECT_TRUE(prefixes.count("name-similarity"));
    EXPECT_TRUE(prefixes.count("confusable"));
    // name-similarity states the budget its own rule applies: 2 edits towards a Windows binary
    // from a user-writable folder at 7 letters.
    bool budget = false;
    for (const std::string& line : ex.lines)
        budget =
            budget || line.find("stem 1 edit from svchost.exe (full mode accepts 2") != std::string::npos;
    EXPECT_TRUE(budget);
}

TEST(validate, thresholds_window_and_allow_list_rules_are_the_librarys) {
    masq::detect_options o;
    EXPECT_NO_THROW(masq::validate(o));
    o.thresholds.frequent = 7;
    EXPECT_THROW(masq::validate(o), std::invalid_argument);
    o.thresholds.frequent = 0.1;
    o.thresholds.infrequent = 0.5; // a name would be both
    EXPECT_THROW(masq::validate(o), std::invalid_argument);
    o = {};
    o.similarity_threshold = std::numeric_limits<double>::quiet_NaN();
    EXPECT_THROW(masq::validate(o), std::invalid_argument);
    o = {};
    const masq::allow_list allow;
    o.allow = &allow; // seed mode has no allow-list
    EXPECT_THROW(masq::validate(o), std::invalid_argument);
    o.mode = masq::detect_mode::full;
    EXPECT_NO_THROW(masq::validate(o));
}

} // namespace
