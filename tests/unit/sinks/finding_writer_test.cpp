// SPDX-License-Identifier: MIT
#include "masq/util/text.h"
#include "masq/write.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <random>
#include <sstream>

namespace {

TEST(format_score, java_float_to_string_digits) {
    EXPECT_EQ(masq::format_score(static_cast<float>(6.0 / 7.0)), "0.85714287");
    EXPECT_EQ(masq::format_score(static_cast<float>(10.0 / 11.0)), "0.90909094");
    EXPECT_EQ(masq::format_score(0.9f), "0.9");
    EXPECT_EQ(masq::format_score(1.0f), "1.0");
    EXPECT_EQ(masq::format_score(0.85f), "0.85");
}

// The fast path (ASCII runs copied whole) against the code-point-by-code-point reference, on
// random bytes mixing ASCII, escapes, controls, valid and broken UTF-8 and invisible characters.
TEST(json_quote, equals_the_reference_on_random_bytes) {
    std::mt19937 rng(18);
    const std::vector<std::string> pieces = {"a",
                                             "Z",
                                             "\\",
                                             "\"",
                                             "\n",
                                             "\t",
                                             "\x01",
                                             "\x7f",
                                             " ",
                                             "\xc3\xa9",
                                             "\xe2\x80\xae",
                                             "\xe2\x80",
                                             "\xff",
                                             "\x80",
                                             "\xf0\x9f\x98\x80",
                                             "\xf3\xa0\x80\x81",
                                             ".exe",
                                             "C:"};
    for (int round = 0; round < 20000; ++round) {
        std::string text;
        const int n = static_cast<int>(rng() % 12);
        for (int k = 0; k < n; ++k)
            text += pieces[rng() % pieces.size()];
        ASSERT_EQ(masq::json_quote(text), masq::json_quote_reference(text)) << text;
    }
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

TEST(write_findings_jsonl, the_bytes_do_not_depend_on_the_thread_count) {
    // More findings than one round of blocks at three threads, each line distinct.
    std::vector<masq::finding> findings;
    for (int i = 0; i < 15000; ++i) {
        findings.push_back(sample());
        findings.back().suspicious_count = static_cast<std::uint64_t>(i);
    }
    std::ostringstream one, three;
    masq::write_findings_jsonl(one, findings, 1);
    masq::write_findings_jsonl(three, findings, 3);
    const std::string text = three.str();
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 15000);
    EXPECT_EQ(one.str(), text);
    // Line i is finding i.
    const std::size_t last = text.rfind('\n', text.size() - 2);
    EXPECT_NE(text.find("\"suspicious_count\":14999", last), std::string::npos);
}

TEST(write_findings_csv, quotes_fields_with_commas_and_quotes) {
    std::ostringstream out;
    const std::vector<masq::finding> findings{sample()};
    masq::write_findings_csv(out, findings);
    const std::string text = out.str();
    EXPECT_EQ(text.rfind("level,detector,technique,suspicious_process,normal_process,expected,score", 0), 0u);
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
    EXPECT_NE(text.find("LEVEL"), std::string::npos);
}

TEST(write_findings_csv, neutralises_formulas_and_escapes_bidi) {
    // OWASP "CSV Injection": a cell that begins with = + - @ tab or CR is a formula to a spreadsheet.
    for (const std::string evil : {"=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)"}) {
        auto f = sample();
        f.suspicious_process = evil;
        f.hosts = {{evil, 1}};
        std::ostringstream out;
        const std::vector<masq::finding> findings{f};
        masq::write_findings_csv(out, findings);
        const std::string text = out.str();
        const std::string row = text.substr(text.find("\r\n") + 2);
        EXPECT_NE(row.find(",'" + evil.substr(0, 2)), std::string::npos) << evil << "\n" << row;
        EXPECT_EQ(row.find("," + evil), std::string::npos) << evil;
    }
    auto f = sample();
    f.suspicious_process = "ann\xE2\x80\xAEgepj.exe";
    std::ostringstream out;
    const std::vector<masq::finding> findings{f};
    masq::write_findings_csv(out, findings);
    EXPECT_NE(out.str().find("ann<U+202E>gepj.exe"), std::string::npos);
    EXPECT_EQ(out.str().find("\xE2\x80\xAE"), std::string::npos);
}

masq::finding path_alert() {
    masq::finding f;
    f.level = masq::alert_level::critical;
    f.detector = "path";
    f.suspicious_process = "svchost.exe";
    f.expected = "?:\\windows\\system32\\";
    f.suspicious_count = 1;
    f.suspicious_paths = {{"C:\\Users\\SwachchhandaP\\Downloads\\svchost.exe", 1}};
    f.suspicious_distinct_paths = 1;
    f.hosts = {{"srv-01.midgard.net.tech", 1}};
    f.distinct_hosts = 1;
    f.detections = {{"path", "T1036.005", 0.95f,
                     "runs from C:\\Users\\SwachchhandaP\\Downloads\\svchost.exe; expected "
                     "?:\\windows\\system32\\ or ?:\\windows\\syswow64\\"},
                    {"renamed", "T1036.003", 0.9f, "really calc.exe (OriginalFileName CALC.EXE)"}};
    return f;
}

TEST(write_findings_table, fits_80_columns_on_a_terminal_and_wraps_reasons) {
    masq::table_options options;
    options.fit = true;
    options.width = 80;
    options.show_reasons = true;
    std::ostringstream out;
    const std::vector<masq::finding> findings{path_alert()};
    masq::write_findings_table(out, findings, options);
    std::istringstream lines(out.str());
    std::string line, all;
    while (std::getline(lines, line)) {
        const auto columns = std::count_if(line.begin(), line.end(), [](char c) {
            return (static_cast<unsigned char>(c) & 0xC0) != 0x80; // one per code point (all narrow here)
        });
        EXPECT_LE(columns, 80) << line;
        all += line + "\n";
    }
    EXPECT_NE(all.find("critical"), std::string::npos) << all;
    EXPECT_NE(all.find("T1036.003"), std::string::npos) << all;
    // The imitated column says what was expected, never the name again.
    EXPECT_EQ(all.find("svchost.exe (1)  svchost.exe"), std::string::npos) << all;
    EXPECT_NE(all.find("?:\\windows\\system32\\"), std::string::npos) << all;
}

TEST(write_findings_table, never_cut_when_not_a_terminal) {
    masq::table_options options;
    options.width = 80;
    options.show_reasons = true; // fit stays false: a file or a pipe
    auto f = path_alert();
    f.detections[0].reason += std::string(200, 'x');
    std::ostringstream out;
    const std::vector<masq::finding> findings{f};
    masq::write_findings_table(out, findings, options);
    EXPECT_NE(out.str().find(f.detections[0].reason), std::string::npos);
    EXPECT_EQ(out.str().find("…"), std::string::npos);
}

} // namespace
