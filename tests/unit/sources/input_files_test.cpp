// SPDX-License-Identifier: MIT
// Export folders pruned by --from/--to: a folder is left out only when its y=/m=/d=/h=/m= components
// are a real time outside the window; components that overflow or are out of range make it "not a
// time folder" (F7, F8 in tests/data/fuzz-regressions/README.md).
#include "masq/read.h"

#include <gtest/gtest.h>

namespace {

masq::time_window window(const char* from, const char* to) {
    masq::time_window w;
    w.from = masq::parse_iso8601(from);
    w.to = masq::parse_iso8601(to);
    return w;
}

TEST(export_folder_outside, real_time_folders_are_still_pruned) {
    const auto w = window("2024-05-01T00:00:00Z", "2024-05-02T00:00:00Z");
    EXPECT_TRUE(masq::export_folder_outside("x/y=2020/m=01/d=01/h=00/m=00/PT05M.json", w));
    EXPECT_TRUE(masq::export_folder_outside("x/y=2030/m=01/PT05M.json", w));
    EXPECT_FALSE(masq::export_folder_outside("x/y=2024/m=05/d=01/h=10/m=05/PT05M.json", w));
    EXPECT_FALSE(masq::export_folder_outside("x/y=2024/m=05/PT05M.json", w));
}

TEST(export_folder_outside, overflowing_components_are_not_a_time_folder) {
    const auto w = window("2024-05-01T00:00:00Z", "2024-05-02T00:00:00Z");
    for (const char* path : {
             "y=99999999999/PT05M.json",              // int overflow (F7)
             "0=4000000000/y=99999999999/PT05M.json", // F7, minimised
             "y=2024/m=4294967297/PT05M.json",        // month wraps to 1 in 32 bits
             "y=2024/m=05/d=01/h=4294967306/PT05M.json",
             "y=120245/PT05M.json", // days overflow (F8)
             "y=40245/PT05M.json",  // F8, minimised
             "y=2000000000/m=01/PT05M.json",
             "y=2024/m=13/PT05M.json", // out of range without overflowing
             "y=2024/m=05/d=01/h=24/PT05M.json",
         }) {
        EXPECT_FALSE(masq::export_folder_outside(path, w)) << path;
        EXPECT_FALSE(
            masq::export_folder_outside(path, window("1970-01-01T00:00:00Z", "1971-01-01T00:00:00Z")))
            << path;
    }
}

} // namespace
