// SPDX-License-Identifier: MIT
// --from, --to and --since as the library reads them, for every front end.
#include "masq/read.h"

#include <gtest/gtest.h>
#include <stdexcept>

namespace {

TEST(make_time_window, parses_and_refuses_an_empty_window) {
    const auto w = masq::make_time_window("2019-01-15T00:00:00Z", "2019-01-16T00:00:00Z", "", 0);
    EXPECT_TRUE(w.from && w.to);
    EXPECT_THROW((void)masq::make_time_window("2020-01-01T00:00:00Z", "2019-01-01T00:00:00Z", "", 0),
                 std::invalid_argument);
    EXPECT_THROW((void)masq::make_time_window("yesterday", "", "", 0), std::invalid_argument);
    const auto dates = masq::make_time_window("2019-01-15", "2019-01-16", "", 0);
    EXPECT_EQ(*dates.from, *masq::parse_iso8601("2019-01-15T00:00:00Z"));
    EXPECT_EQ(*dates.to - *dates.from, 86400 * masq::ticks_per_second);
    EXPECT_THROW((void)masq::make_time_window("", "", "24x", masq::now()), std::invalid_argument);
    const auto since = masq::make_time_window("", "", "24h", masq::now());
    ASSERT_TRUE(since.from);
    EXPECT_FALSE(since.to);
}

} // namespace
