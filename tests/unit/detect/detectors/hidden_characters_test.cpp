// SPDX-License-Identifier: MIT
// The rlo, invisible and double-extension detectors.
#include "detect/fleet.h"

#include <gtest/gtest.h>

namespace {

using namespace masq::test;

TEST(full_mode, right_to_left_override_and_double_extensions) {
    auto p = fleet();
    add(p, "ann\xE2\x80\xAEgepj.exe", 1, "C:\\Users\\a\\Ann\xE2\x80\xAEgepj.exe");
    add(p, "invoice.pdf.exe", 1, "C:\\Users\\a\\Downloads\\invoice.pdf.exe");
    add(p, "report.docx      .scr", 1, "C:\\Users\\a\\report.docx      .scr");
    add(p, "microsoft.workflow.compiler.exe", 1, "C:\\Windows\\Microsoft.NET\\x.exe"); // dots, not a decoy
    const auto fs = full(p);
    ASSERT_NE(find(fs, "ann\xE2\x80\xAEgepj.exe"), nullptr);
    EXPECT_EQ(find(fs, "ann\xE2\x80\xAEgepj.exe")->detector, "rlo");
    EXPECT_NE(find(fs, "ann\xE2\x80\xAEgepj.exe")->reason.find("annexe.jpeg"), std::string::npos);
    EXPECT_EQ(find(fs, "invoice.pdf.exe")->detector, "double-extension");
    EXPECT_NE(find(fs, "report.docx      .scr")->reason.find("padded"), std::string::npos);
    EXPECT_EQ(find(fs, "microsoft.workflow.compiler.exe"), nullptr);
}

} // namespace
