// SPDX-License-Identifier: MIT
// The generic JSON reader (ECS, Defender, Sysmon, --map) on lines simdjson rejects part-way:
// one malformed record is skipped with a problem, the reader goes on (F1 in
// tests/data/fuzz-regressions/README.md).
#include "masq/read.h"

#include <gtest/gtest.h>

namespace {

struct recording_sink final : masq::event_sink {
    std::vector<masq::process_event> events;
    void on_event(const masq::process_event& e) override { events.push_back(e); }
};

struct read_result {
    recording_sink sink;
    masq::diagnostics diag;
    masq::read_stats stats;
};

read_result read(std::string_view data, masq::input_format format, const masq::field_map& fields = {}) {
    read_result r;
    masq::read_options options;
    options.format = format;
    options.fields = fields;
    masq::read_buffer(data, "mem.json", r.sink, r.diag, r.stats, options);
    return r;
}

const std::string ecs_line =
    R"({"@timestamp": "2020-06-10T02:51:04.728Z", "event": {"code": "4688"}, "host": {"name": "H1"}, )"
    R"("process": {"name": "sppsvc.exe", "executable": "C:\\Windows\\System32\\sppsvc.exe"}})";

// Grammar errors simdjson finds only while a pointer walks the record.
const char* const bad_lines[] = {R"({D})", R"({"a"})", R"({"a":1 "b":2})", R"({"a":"b""c"})",
                                 R"({"ts": "2025-10-22T20:32:00.468Z", "kind": "start""ActionType"})"};

TEST(json_dialects, abandoned_document_is_one_malformed_record) {
    for (const auto format :
         {masq::input_format::ecs, masq::input_format::defender, masq::input_format::sysmon}) {
        for (const char* bad : bad_lines) {
            SCOPED_TRACE(bad);
            const auto r = read(std::string(bad) + "\n" + ecs_line + "\n", format);
            EXPECT_EQ(r.stats.skipped_lines, 1u);
            EXPECT_EQ(r.stats.lines, 2u);
            EXPECT_EQ(r.diag.count(masq::problem_kind::malformed_record), 1u);
            ASSERT_FALSE(r.diag.kept().empty());
            EXPECT_EQ(r.diag.kept().front().line, 1u);
        }
    }
}

TEST(json_dialects, auto_detected_ecs_then_bad_line) {
    const auto r = read(ecs_line + "\n{D}\n" + ecs_line + "\n", masq::input_format::auto_detect);
    ASSERT_EQ(r.sink.events.size(), 2u);
    EXPECT_EQ(r.sink.events[0].process, "sppsvc.exe");
    EXPECT_EQ(r.stats.skipped_lines, 1u);
    ASSERT_EQ(r.diag.kept().size(), 1u);
    EXPECT_EQ(r.diag.kept().front().line, 2u);
}

TEST(json_dialects, field_map_on_bad_lines) {
    masq::field_map fields;
    ASSERT_TRUE(fields.set("process=proc.image_name"));
    ASSERT_TRUE(fields.set("path=proc.image_path"));
    ASSERT_TRUE(fields.set("host=machine.fqdn"));
    ASSERT_TRUE(fields.set("time=ts"));
    const std::string good =
        R"({"ts": "2020-08-26T05:09:33.501Z", "machine": {"fqdn": "D1"}, "proc": {"image_name": "x.exe", )"
        R"("image_path": "C:\\Temp\\x.exe"}, "kind": "start", "EventID": 4688})";
    for (const char* bad : bad_lines) {
        SCOPED_TRACE(bad);
        const auto r = read(std::string(bad) + "\n" + good + "\n", masq::input_format::auto_detect, fields);
        ASSERT_EQ(r.sink.events.size(), 1u);
        EXPECT_EQ(r.sink.events[0].process, "x.exe");
        EXPECT_EQ(r.stats.skipped_lines, 1u);
    }
}

} // namespace
