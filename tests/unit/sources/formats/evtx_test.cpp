// SPDX-License-Identifier: MIT
// Records recovered from an event log's free space become events only when they validate
// (issue 15: misaligned data decoded as a version-string image or a GUID-shaped time).
#include "sources/formats/evtx.h"

#include <gtest/gtest.h>

namespace {

using masq::detail::plausible_recovered;

const masq::timestamp latest = *masq::parse_iso8601("2026-12-05T00:00:00Z");
const auto good_time = masq::parse_iso8601("2021-03-04T05:06:07Z");

TEST(evtx_recovered, a_record_with_a_path_a_host_and_a_time_is_kept) {
    EXPECT_TRUE(plausible_recovered("WS1", "C:\\Windows\\System32\\svchost.exe", good_time, latest));
    EXPECT_TRUE(plausible_recovered("WS1", "\\\\server\\share\\tool.exe", good_time, latest));
    EXPECT_TRUE(plausible_recovered("WS1", "\\Device\\HarddiskVolume2\\Windows\\x.exe", good_time, latest));
}

TEST(evtx_recovered, garbage_is_dropped) {
    EXPECT_FALSE(plausible_recovered("WS1", "10.0.19041.1", good_time, latest)); // a version string
    EXPECT_FALSE(plausible_recovered("WS1", "svchost.exe", good_time, latest));  // no folder
    EXPECT_FALSE(plausible_recovered("WS1", "C:\\Windows\\System32\\", good_time, latest)); // no file
    EXPECT_FALSE(plausible_recovered("WS1", "C:\\Win\x01dows\\a.exe", good_time, latest));  // control byte
    EXPECT_FALSE(plausible_recovered("", "C:\\Windows\\a.exe", good_time, latest));         // no host
    EXPECT_FALSE(plausible_recovered("WS1", "C:\\Windows\\a.exe", std::nullopt, latest));   // no time
    EXPECT_FALSE(plausible_recovered("WS1", "C:\\Windows\\a.exe", masq::parse_iso8601("1601-01-01T00:00:00Z"),
                                     latest)); // a zero FILETIME
    EXPECT_FALSE(plausible_recovered("WS1", "C:\\Windows\\a.exe", masq::parse_iso8601("2950-01-01T00:00:00Z"),
                                     latest)); // the future
}

} // namespace
