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

namespace {

TEST(full_mode, a_space_after_the_name_or_before_its_extension) {
    auto p = masq::test::fleet();
    masq::test::add(p, "svchost.exe ", 1, "C:\\Windows\\Temp\\svchost.exe ");
    masq::test::add(p, "svchost .exe", 1, "C:\\Users\\eve\\svchost .exe");
    masq::test::add(p, "my tool.exe", 1, "C:\\Tools\\my tool.exe"); // a space inside a name is ordinary
    const auto fs = masq::test::full(p);
    const auto* trailing = masq::test::find(fs, "svchost.exe ");
    ASSERT_NE(trailing, nullptr);
    EXPECT_EQ(trailing->detector, "space-after-name");
    EXPECT_EQ(trailing->technique, "T1036.006");
    EXPECT_EQ(trailing->normal_process, "svchost.exe");
    const auto* before = masq::test::find(fs, "svchost .exe");
    ASSERT_NE(before, nullptr);
    EXPECT_NE(before->reason.find("before the extension"), std::string::npos) << before->reason;
    const auto* ordinary = masq::test::find(fs, "my tool.exe");
    if (ordinary != nullptr) {
        for (const auto& d : ordinary->detections) EXPECT_NE(d.detector, "space-after-name");
    }
}

} // namespace
