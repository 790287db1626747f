// SPDX-License-Identifier: MIT
// The rules every format shares (record.h): "-" and empty context fields are none.
#include "sources/record.h"

#include <gtest/gtest.h>

namespace {

TEST(normalise_context, dash_and_empty_are_none_for_every_format) {
    masq::process_event e;
    e.process = "-"; // names are kept as recorded (seed mode counts them as the notebook does)
    e.parent_path = "";
    e.original_file_name = "-";
    e.user = "-";
    e.command_line = "";
    masq::detail::normalise_context(e);
    EXPECT_EQ(e.process, "-");
    EXPECT_FALSE(e.parent_path);
    EXPECT_FALSE(e.original_file_name);
    EXPECT_FALSE(e.user);
    EXPECT_FALSE(e.command_line);
    e.parent_path = "-"; // an unknown parent stays visible to the parent detector
    e.user = "SYSTEM";
    masq::detail::normalise_context(e);
    EXPECT_EQ(e.parent_path, "-");
    EXPECT_EQ(e.user, "SYSTEM");
}

} // namespace
