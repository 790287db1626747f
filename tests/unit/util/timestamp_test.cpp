// SPDX-License-Identifier: MIT
#include "masq/util/timestamp.h"

#include <gtest/gtest.h>

namespace {

using masq::parse_iso8601;
using masq::ticks_per_second;

TEST(parse_iso8601, fraction_digits_zero_to_seven) {
    const masq::timestamp base = 1451957521LL * ticks_per_second; // 2016-01-05T01:32:01Z
    EXPECT_EQ(parse_iso8601("2016-01-05T01:32:01Z"), base);
    EXPECT_EQ(parse_iso8601("2016-01-05T01:32:01.2Z"), base + 2'000'000);
    EXPECT_EQ(parse_iso8601("2016-01-05T01:32:01.269Z"), base + 2'690'000);
    EXPECT_EQ(parse_iso8601("2016-01-05T01:32:01.2691226Z"), base + 2'691'226);
    EXPECT_EQ(parse_iso8601("2016-01-05T01:32:01.269122699Z"), base + 2'691'226); // truncated past 7
    EXPECT_EQ(parse_iso8601("2016-01-05T01:32:01"), base);                        // no zone = UTC
    EXPECT_EQ(parse_iso8601("2016-01-05T03:32:01+02:00"), base);
    EXPECT_EQ(parse_iso8601("2016-01-04T20:32:01-0500"), base);
}

TEST(parse_iso8601, rejects_garbage) {
    for (const char* bad :
         {"", "yesterday", "2016-13-05T01:32:01Z", "2016-02-30T00:00:00Z", "2016-01-05T01:32:01.Z",
          "2016-01-05T25:00:00Z", "2016-01-05T01:32:01Zjunk", "01/05/2016, 01:32:01 AM"})
        EXPECT_FALSE(parse_iso8601(bad).has_value()) << bad;
    EXPECT_TRUE(parse_iso8601("2016-02-29T00:00:00Z").has_value());
}

TEST(format_iso8601, round_trips) {
    for (const char* text :
         {"2019-01-15T05:15:11.260Z", "1969-12-31T23:59:59.000Z", "2016-01-05T01:32:01.2691226Z"})
        EXPECT_EQ(masq::format_iso8601(*parse_iso8601(text)), text);
}

TEST(parse_duration, units) {
    EXPECT_EQ(masq::parse_duration("24h"), 24 * 3600 * ticks_per_second);
    EXPECT_EQ(masq::parse_duration("7d"), 7 * 86400 * ticks_per_second);
    EXPECT_FALSE(masq::parse_duration("h").has_value());
    EXPECT_FALSE(masq::parse_duration("5y").has_value());
}

// F9 in tests/data/fuzz-regressions/README.md: value * unit * ticks overflowed.
TEST(parse_duration, too_long_for_a_timestamp_is_refused) {
    EXPECT_FALSE(masq::parse_duration("10675200d").has_value());
    EXPECT_FALSE(masq::parse_duration("999999999d").has_value());
    EXPECT_FALSE(masq::parse_duration("320242620h").has_value());
    EXPECT_FALSE(masq::parse_duration("1000000000w").has_value());
    EXPECT_EQ(masq::parse_duration("10675199d"),
              10675199LL * 86400 * ticks_per_second); // the longest in days
}

} // namespace
