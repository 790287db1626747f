// SPDX-License-Identifier: MIT
// The catalog: folders, servicing roots, expected parents.
#include "detect/fleet.h"
#include "masq/detect/catalog.h"

#include <fstream>
#include <gtest/gtest.h>

namespace {

using namespace masq::test;

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

TEST(catalog, expected_parents) {
    const auto lsass = masq::expected_parents("lsass.exe");
    ASSERT_EQ(lsass.size(), 1u);
    EXPECT_EQ(lsass[0], "wininit.exe");
    EXPECT_FALSE(masq::expected_parents("svchost.exe").empty());
    EXPECT_TRUE(masq::expected_parents("conhost.exe").empty()); // parents vary: no rule
    EXPECT_TRUE(masq::expected_parents("notepad.exe").empty());
}

} // namespace

namespace {

std::string write_catalog(const std::string& name, const std::string& text) {
    const std::string path = ::testing::TempDir() + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

std::string catalog_error_of(const std::string& text) {
    const std::vector<std::string> files{write_catalog("bad-catalog.tsv", text)};
    try {
        (void)masq::binary_catalog::with_files(files);
    } catch (const masq::catalog_error& e) {
        return e.what();
    }
    return {};
}

TEST(catalog, files_add_known_files_and_imitated_binaries) {
    const std::vector<std::string> files{
        write_catalog("org-known.tsv", "name\tfolder\tkind\tsource\n"
                                       "# our agents\n"
                                       "contosoagent.exe\tC:\\Program Files\\Contoso\\\tapplication\tIT\r\n"
                                       "svchost.exe\t?:\\windows\\contoso\\\twindows\tIT\n"),
        write_catalog("org-imitated.tsv", "name\trole\tfolder\tsource\n"
                                          "payroll.exe\tapplication\tD:/Apps/Payroll\tfinance\n")};
    const masq::binary_catalog c = masq::binary_catalog::with_files(files);
    EXPECT_EQ(c.added_rows(), 3u);
    const auto* agent = c.find("contosoagent.exe");
    ASSERT_NE(agent, nullptr);
    EXPECT_FALSE(agent->imitated);
    EXPECT_EQ(agent->folders, std::vector<std::string_view>{"?:\\program files\\contoso\\"});
    // A known-file row adds a folder to an imitated binary without changing its role.
    const auto* svchost = c.find("svchost.exe");
    ASSERT_NE(svchost, nullptr);
    EXPECT_TRUE(svchost->imitated);
    EXPECT_EQ(svchost->role, masq::binary_role::core);
    EXPECT_TRUE(masq::folder_expected(*svchost, "?:\\windows\\contoso\\"));
    EXPECT_TRUE(masq::folder_expected(*svchost, "?:\\windows\\system32\\"));
    const auto* payroll = c.find("payroll.exe");
    ASSERT_NE(payroll, nullptr);
    EXPECT_TRUE(payroll->imitated);
    EXPECT_TRUE(masq::folder_expected(*payroll, "?:\\apps\\payroll\\"));
    // The built-in catalog is untouched.
    EXPECT_EQ(masq::find_known_binary("contosoagent.exe"), nullptr);
    EXPECT_FALSE(masq::folder_expected(*masq::find_known_binary("svchost.exe"), "?:\\windows\\contoso\\"));
}

TEST(catalog, file_problems_name_the_file_line_and_field) {
    EXPECT_NE(catalog_error_of("name\tfolder\n").find(":1: the header must name"), std::string::npos);
    EXPECT_NE(
        catalog_error_of("name\tfolder\tkind\tsource\nA.exe\tC:\\x\\\twindows\ts\n").find(":2: field 'name'"),
        std::string::npos);
    EXPECT_NE(
        catalog_error_of("name\tfolder\tkind\tsource\na.exe\tC:\\x\\\tdriver\ts\n").find(":2: field 'kind'"),
        std::string::npos);
    EXPECT_NE(
        catalog_error_of("name\trole\tfolder\tsource\n\na.exe\tboss\tC:\\x\\\ts\n").find(":3: field 'role'"),
        std::string::npos);
    EXPECT_NE(catalog_error_of("name\tfolder\tkind\tsource\na.exe\twindows\n")
                  .find(":2: 2 fields where the header has 4"),
              std::string::npos);
    EXPECT_NE(catalog_error_of("name\tfolder\tkind\tsource\na.exe\t?:\\Program Files\\*\\\twindows\ts\n")
                  .find(":2: field 'folder'"),
              std::string::npos);
    EXPECT_NE(catalog_error_of("").find("empty catalog file"), std::string::npos);
    const std::vector<std::string> missing{"/nonexistent/catalog.tsv"};
    EXPECT_THROW((void)masq::binary_catalog::with_files(missing), masq::catalog_error);
}

} // namespace
