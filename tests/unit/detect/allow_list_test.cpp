// SPDX-License-Identifier: MIT
// The allow-list.
#include "masq/allow_list.h"
#include "masq/diagnostics.h"
#include "detect/fleet.h"

#include <gtest/gtest.h>

namespace {

using namespace masq::test;

TEST(allow_list, suppresses_by_name_path_and_host_and_rejects_bad_rules) {
    auto p = fleet();
    add(p, "scvhost.exe", 1, "C:\\Tools\\Lab\\scvhost.exe", "LAB-1");
    add(p, "svchozt.exe", 1, "C:\\Users\\Public\\svchozt.exe", "PC-7");
    const auto allow = masq::allow_list::parse(
        "# accepted\n{\"name\": \"scvhost.exe\", \"path\": \"c:\\\\tools\\\\lab\\\\*\", \"host\": \"lab-*\", "
        "\"reason\": \"test build\"}\n\n",
        "allow.jsonl");
    ASSERT_EQ(allow.size(), 1u);
    masq::detect_options o;
    o.mode = masq::detect_mode::full;
    o.allow = &allow;
    const auto r = masq::detect(p, o);
    EXPECT_EQ(find(r.findings, "scvhost.exe"), nullptr);
    EXPECT_NE(find(r.findings, "svchozt.exe"), nullptr);
    EXPECT_EQ(r.summary.suppressed, 1u);
    try {
        (void)masq::allow_list::parse("{\"name\": \"x.exe\"}\n{\"name\": \"y.exe\", \"reason\": 3}\n",
                                      "a.jsonl");
        FAIL() << "a rule without a reason must be rejected";
    } catch (const masq::input_error& e) {
        EXPECT_EQ(e.where().file, "a.jsonl");
        EXPECT_EQ(e.where().line, 1u);
        EXPECT_EQ(e.where().field, "reason");
    }
    EXPECT_THROW((void)masq::allow_list::parse("not json\n", "b.jsonl"), masq::input_error);
}

} // namespace

namespace {

using namespace masq::test;

// O3: a suppressed finding's lower-scored duplicate (same name, category, imitated name) is a
// duplicate, not a second suppression: "N suppressed" counts what the user would have seen.
TEST(allow_list, a_suppressed_finding_is_counted_once) {
    auto p = fleet();
    // svch0st.exe is both a confusable (0.93) and a one-edit look-alike (lower) of svchost.exe.
    add(p, "svch0st.exe", 1, "C:\\Users\\a\\AppData\\Local\\Temp\\svch0st.exe");
    const auto allow = masq::allow_list::parse(R"({"name":"svch0st.exe","reason":"lab"})" "\n", "a.jsonl");
    masq::detect_options o;
    o.mode = masq::detect_mode::full;
    o.allow = &allow;
    const auto r = masq::detect(p, o);
    EXPECT_EQ(find(r.findings, "svch0st.exe"), nullptr);
    EXPECT_EQ(r.summary.suppressed, 1u);
}

} // namespace
