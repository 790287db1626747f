// SPDX-License-Identifier: MIT
// Reading saved findings back (masq send, library callers): a damaged line is a named problem
// (file:line:field) and the other lines are still read; what is read back can be rendered (F5, F6
// in tests/data/fuzz-regressions/README.md).
#include "masq/write.h"

#include <gtest/gtest.h>
#include <sstream>

namespace {

const std::string good = R"({"type":"finding","suspicious_process":"good.exe","distinct_hosts":0})";

TEST(read_findings_jsonl, bare_word_where_null_is_allowed_is_a_named_problem) {
    for (const std::string bad : {R"({"last_seen":n})", R"({"first_seen":nope})",
                                  R"({"type":"finding","suspicious_process":"a","normal_process":nope})"}) {
        SCOPED_TRACE(bad);
        masq::diagnostics diag;
        std::vector<masq::finding> out;
        ASSERT_NO_THROW(out = masq::read_findings_jsonl(bad + "\n" + good + "\n", "f.jsonl", diag));
        ASSERT_EQ(out.size(), 1u);
        EXPECT_EQ(out[0].suspicious_process, "good.exe");
        ASSERT_EQ(diag.kept().size(), 1u);
        const auto& d = diag.kept().front();
        EXPECT_EQ(d.file, "f.jsonl");
        EXPECT_EQ(d.line, 1u);
        EXPECT_FALSE(d.field.empty());
    }
}

TEST(read_findings_jsonl, null_is_still_allowed) {
    masq::diagnostics diag;
    const auto out = masq::read_findings_jsonl(
        R"({"type":"finding","suspicious_process":"a","normal_process":null,"last_seen":null})", "f.jsonl",
        diag);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_FALSE(out[0].normal_process.has_value());
    EXPECT_FALSE(out[0].last_seen.has_value());
    EXPECT_EQ(diag.total(), 0u);
}

TEST(write_findings_table, one_distinct_host_but_no_host_listed) {
    masq::diagnostics diag;
    const auto out = masq::read_findings_jsonl(
        R"({"type":"finding","suspicious_process":"p","distinct_hosts":1})", "f", diag);
    ASSERT_EQ(out.size(), 1u);
    ASSERT_TRUE(out[0].hosts.empty());
    std::ostringstream table;
    masq::write_findings_table(table, out, {});
    EXPECT_NE(table.str().find("1 host"), std::string::npos) << table.str();
}

} // namespace
