// SPDX-License-Identifier: MIT
// masq explain.
#include "masq/explain.h"
#include "detect/fleet.h"

#include <gtest/gtest.h>

namespace {

using namespace masq::test;

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
