// SPDX-License-Identifier: MIT
// The catalog: folders, servicing roots, expected parents.
#include "masq/detect/catalog.h"
#include "detect/fleet.h"

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
