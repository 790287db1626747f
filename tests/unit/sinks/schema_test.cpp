// SPDX-License-Identifier: MIT
// The finding schema (data/schema/finding.tsv) decides every output: each field is bound to a
// member, the JSON lines carry exactly its fields in its order, the Sentinel record its columns,
// and what is written reads back the same.
#include "masq/schema.h"
#include "masq/sentinel.h"
#include "masq/write.h"
#include "sinks/finding_fields.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <sstream>

namespace {

masq::finding full_alert() {
    masq::finding f;
    f.level = masq::alert_level::critical;
    f.detector = "path";
    f.technique = "T1036.005";
    f.suspicious_process = "svchost.exe";
    f.expected = "?:\\windows\\system32\\";
    f.score = 0.95f;
    f.detections = {{"path", "T1036.005", 0.95f, "runs from C:\\Users\\x\\Downloads\\svchost.exe"},
                    {"renamed", "T1036.003", 0.9f, "really calc.exe (OriginalFileName CALC.EXE)"}};
    f.suspicious_count = 1;
    f.normal_count = 4;
    f.suspicious_paths = {{"C:\\Users\\x\\Downloads\\svchost.exe", 1}};
    f.suspicious_distinct_paths = 1;
    f.normal_paths = {{"C:\\Windows\\System32\\svchost.exe", 4}};
    f.normal_distinct_paths = 1;
    f.hosts = {{"srv-01", 1}};
    f.distinct_hosts = 1;
    f.normal_distinct_hosts = 2;
    f.first_seen = 638000;
    f.last_seen = 638000;
    f.parents = {{"C:\\Windows\\System32\\cmd.exe", 1}};
    masq::event_sample s;
    s.time = 638000;
    s.host = "srv-01";
    s.user = "bob";
    s.path = "C:\\Users\\x\\Downloads\\svchost.exe";
    s.parent = "C:\\Windows\\System32\\cmd.exe";
    s.command_line = "svchost.exe -k \"quoted\"";
    s.original_file_name = "CALC.EXE";
    s.hashes = "SHA256=AB";
    s.process_id = 0x1a2b;
    s.parent_process_id = 4;
    s.source = "logs/sysmon.evtx";
    s.record_id = 77;
    f.samples = {s};
    f.reason = "runs from … + really calc.exe";
    return f;
}

TEST(finding_schema, every_field_is_bound_to_a_member) {
    masq::finding f;
    for (const masq::schema_field& field : masq::finding_schema())
        EXPECT_TRUE(masq::detail::finding_member_of(f, field.name).has_value()) << field.name;
    masq::event_sample s;
    for (const masq::sample_field& field : masq::sample_schema())
        EXPECT_TRUE(masq::detail::sample_member_of(s, field.name).has_value()) << field.name;
    EXPECT_FALSE(masq::detail::finding_member_of(f, "no_such_field").has_value());
    EXPECT_NE(masq::find_schema_field("level"), nullptr);
    EXPECT_GE(masq::finding_schema().size(), 25u);
}

std::vector<std::string> keys_of(std::string_view json) {
    simdjson::ondemand::parser parser;
    simdjson::padded_string padded(json);
    auto doc = parser.iterate(padded);
    std::vector<std::string> keys;
    for (auto field : doc.get_object()) {
        std::string_view key = field.unescaped_key();
        keys.emplace_back(key);
    }
    return keys;
}

TEST(finding_schema, jsonl_has_its_fields_in_its_order) {
    std::string line;
    masq::write_finding_json(line, full_alert());
    std::vector<std::string> expected{"type"};
    for (const auto& field : masq::finding_schema())
        expected.emplace_back(field.name);
    EXPECT_EQ(keys_of(line), expected);
}

TEST(finding_schema, sentinel_record_has_its_columns) {
    const masq::finding f = full_alert();
    const auto records = masq::sentinel_records(std::span(&f, 1), {0, "run", "full"});
    ASSERT_EQ(records.size(), 1u);
    std::vector<std::string> expected{"TimeGenerated", "FindingId", "RunId", "Mode"};
    for (const auto& field : masq::finding_schema())
        expected.emplace_back(field.sentinel_column);
    expected.emplace_back("MasqVersion");
    EXPECT_EQ(keys_of(records[0]), expected);
    EXPECT_NE(records[0].find("\"Level\":\"critical\""), std::string::npos);
    EXPECT_NE(records[0].find("\"Hosts\":[{\"value\":\"srv-01\",\"count\":1}]"), std::string::npos);
    EXPECT_NE(records[0].find("\"technique\":\"T1036.003\""), std::string::npos);
}

TEST(finding_schema, an_alert_reads_back_as_written) {
    const std::vector<masq::finding> findings{full_alert()};
    std::ostringstream first;
    masq::write_findings_jsonl(first, findings);
    masq::diagnostics diag;
    const auto back = masq::read_findings_jsonl(first.str(), "a.jsonl", diag);
    EXPECT_EQ(diag.total(), 0u);
    ASSERT_EQ(back.size(), 1u);
    EXPECT_EQ(back[0].level, masq::alert_level::critical);
    EXPECT_EQ(back[0].detections, findings[0].detections);
    EXPECT_EQ(back[0].samples, findings[0].samples);
    EXPECT_EQ(back[0].parents.size(), 1u);
    std::ostringstream second;
    masq::write_findings_jsonl(second, back);
    EXPECT_EQ(first.str(), second.str());
}

TEST(finding_schema, a_file_of_an_earlier_version_still_reads) {
    // Before levels and detections: the alert is its one detector's.
    masq::diagnostics diag;
    const auto back = masq::read_findings_jsonl(
        "{\"type\":\"finding\",\"detector\":\"path\",\"suspicious_process\":\"a.exe\",\"score\":0.9,"
        "\"reason\":\"runs from x\",\"a_later_field\":[1,2]}\n",
        "old.jsonl", diag);
    EXPECT_EQ(diag.total(), 0u);
    ASSERT_EQ(back.size(), 1u);
    ASSERT_EQ(back[0].detections.size(), 1u);
    EXPECT_EQ(back[0].detections[0].detector, "path");
    EXPECT_EQ(back[0].detections[0].reason, "runs from x");
}

TEST(finding_schema, a_bad_level_or_sample_is_named) {
    masq::diagnostics diag;
    const auto back = masq::read_findings_jsonl(
        "{\"type\":\"finding\",\"suspicious_process\":\"a.exe\",\"level\":\"severe\"}\n"
        "{\"type\":\"finding\",\"suspicious_process\":\"a.exe\",\"samples\":[{\"process_id\":\"x\"}]}\n",
        "bad.jsonl", diag);
    EXPECT_TRUE(back.empty());
    ASSERT_EQ(diag.kept().size(), 2u);
    EXPECT_EQ(diag.kept()[0].field, "level");
    EXPECT_EQ(diag.kept()[1].field, "samples");
}

} // namespace
