// SPDX-License-Identifier: MIT
#include "masq/util/text.h"
#include "masq/write.h"

#include <gtest/gtest.h>
#include <sstream>

namespace {

TEST(format_score, java_float_to_string_digits) {
    EXPECT_EQ(masq::format_score(static_cast<float>(6.0 / 7.0)), "0.85714287");
    EXPECT_EQ(masq::format_score(static_cast<float>(10.0 / 11.0)), "0.90909094");
    EXPECT_EQ(masq::format_score(0.9f), "0.9");
    EXPECT_EQ(masq::format_score(1.0f), "1.0");
    EXPECT_EQ(masq::format_score(0.85f), "0.85");
}

TEST(json_quote, escapes_and_invisible_characters) {
    EXPECT_EQ(masq::json_quote("C:\\Windows\\\"x\""), "\"C:\\\\Windows\\\\\\\"x\\\"\"");
    EXPECT_EQ(masq::json_quote("a\tb\x01"), "\"a\\tb\\u0001\"");
    EXPECT_EQ(masq::json_quote("Ann\xE2\x80\xAEgepj.exe"),
              "\"Ann\\u202egepj.exe\"");                                         // right-to-left override
    EXPECT_EQ(masq::json_quote("svch\xD0\xBEst.exe"), "\"svch\xD0\xBEst.exe\""); // visible letters stay
}

TEST(display_safe, shows_bidi_controls) {
    EXPECT_EQ(masq::display_safe("Ann\xE2\x80\xAEgepj.exe"), "Ann<U+202E>gepj.exe");
    EXPECT_EQ(masq::display_safe("a\xE2\x80\x8B"
                                 "b"),
              "a<U+200B>b");
}

masq::finding sample() {
    masq::finding f;
    f.detector = "name-similarity";
    f.suspicious_process = "suchost.exe";
    f.normal_process = "svchost.exe";
    f.score = static_cast<float>(6.0 / 7.0);
    f.similarity = 6.0 / 7.0;
    f.distance = 1;
    f.suspicious_paths = {{"C:\\Diagnostics\\UserTmp\\suchost.exe", 1}};
    f.suspicious_distinct_paths = 1;
    f.hosts = {{"MSTICAlertsWin1", 1}};
    f.distinct_hosts = 1;
    f.reason = "1 edit, \"quoted\", with a comma";
    return f;
}

TEST(write_findings_jsonl, one_object_per_line_with_contract_fields) {
    std::ostringstream out;
    const std::vector<masq::finding> findings{sample(), sample()};
    masq::write_findings_jsonl(out, findings);
    const std::string text = out.str();
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
    for (const char* field :
         {"\"type\":\"finding\"", "\"detector\":\"name-similarity\"",
          "\"suspicious_process\":\"suchost.exe\"", "\"normal_process\":\"svchost.exe\"",
          "\"score\":0.85714287", "\"suspicious_paths\":[{\"path\":\"C:\\\\Diagnostics",
          "\"normal_paths\":[]", "\"suspicious_count\":0", "\"hosts\":[{\"host\":\"MSTICAlertsWin1\"",
          "\"first_seen\":null", "\"last_seen\":null", "\"reason\":"})
        EXPECT_NE(text.find(field), std::string::npos) << field;
}

TEST(write_findings_csv, quotes_fields_with_commas_and_quotes) {
    std::ostringstream out;
    const std::vector<masq::finding> findings{sample()};
    masq::write_findings_csv(out, findings);
    const std::string text = out.str();
    EXPECT_EQ(text.rfind("detector,suspicious_process,normal_process,score", 0), 0u);
    EXPECT_NE(text.find("\"1 edit, \"\"quoted\"\", with a comma\""), std::string::npos);
}

TEST(write_findings_table, aligned_and_safe) {
    std::ostringstream out;
    auto f = sample();
    f.suspicious_process = "ann\xE2\x80\xAEgepj.exe";
    const std::vector<masq::finding> findings{f};
    masq::write_findings_table(out, findings, {});
    const std::string text = out.str();
    EXPECT_NE(text.find("ann<U+202E>gepj.exe"), std::string::npos);
    EXPECT_EQ(text.find("\xE2\x80\xAE"), std::string::npos);
    EXPECT_NE(text.find("SCORE"), std::string::npos);
}

} // namespace
