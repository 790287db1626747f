// SPDX-License-Identifier: MIT
#include "masq/profile.h"
#include "masq/read.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <zlib.h>

namespace {

namespace fs = std::filesystem;

/// Keeps every event it receives, copied out of the reader's buffers.
struct recorded_event {
    std::optional<std::string> process, path, host;
    std::optional<masq::timestamp> time;
};
struct recording_sink final : masq::event_sink {
    std::vector<recorded_event> events;
    void on_event(const masq::process_event& e) override {
        recorded_event r;
        if (e.process) r.process = std::string(*e.process);
        if (e.path) r.path = std::string(*e.path);
        if (e.host) r.host = std::string(*e.host);
        r.time = e.time;
        events.push_back(std::move(r));
    }
};

class temp_dir {
  public:
    temp_dir() {
        path_ = fs::temp_directory_path() /
                ("masq-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
        fs::create_directories(path_);
    }
    ~temp_dir() { fs::remove_all(path_); }
    fs::path write(const std::string& name, std::string_view content) const {
        const fs::path p = path_ / name;
        fs::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << content;
        return p;
    }
    fs::path write_gz(const std::string& name, std::string_view content) const {
        const fs::path p = path_ / name;
        fs::create_directories(p.parent_path());
        gzFile f = gzopen(p.c_str(), "wb");
        gzwrite(f, content.data(), static_cast<unsigned>(content.size()));
        gzclose(f);
        return p;
    }
    const fs::path& path() const { return path_; }

  private:
    fs::path path_;
    static inline int counter_ = 0;
};

const std::string good_lines =
    R"({"TimeGenerated":"2024-05-01T10:00:00.1234567Z","EventID":4688,"Computer":"HOST1","NewProcessName":"C:\\Windows\\System32\\svchost.exe","Process":"svchost.exe"})"
    "\n"
    R"({"TimeGenerated":"2024-05-01T10:00:01Z","EventID":"4688","Computer":"HOST2","NewProcessName":"C:\\Temp\\SCVHOST.exe","Process":"SCVHOST.exe"})"
    "\n"
    R"({"TimeGenerated":"2024-05-01T10:00:02Z","EventID":4624,"Computer":"HOST1","Process":"lsass.exe"})"
    "\n"
    R"({"EventID":4688,"Computer":"HOST3","Process":null})"
    "\n";

struct read_result {
    recording_sink sink;
    masq::diagnostics diag;
    masq::read_stats stats;
};

std::unique_ptr<read_result> read_buffer(std::string_view data, bool strict = false) {
    auto r = std::make_unique<read_result>();
    r->diag = masq::diagnostics(strict);
    masq::read_buffer(data, "mem.json", r->sink, r->diag, r->stats);
    return r;
}

TEST(read_sentinel_export, event_id_number_or_string_and_null_process) {
    const auto r = read_buffer(good_lines);
    ASSERT_EQ(r->sink.events.size(), 3u);
    EXPECT_EQ(r->stats.records, 4u);
    EXPECT_EQ(r->stats.other_events, 1u);
    EXPECT_EQ(r->sink.events[0].process, "svchost.exe");
    EXPECT_EQ(r->sink.events[0].path, "C:\\Windows\\System32\\svchost.exe"); // JSON escapes decoded
    EXPECT_EQ(r->sink.events[0].time, 1714557600LL * masq::ticks_per_second + 1'234'567);
    EXPECT_EQ(r->sink.events[1].process, "SCVHOST.exe"); // case is the profile's business
    EXPECT_FALSE(r->sink.events[2].process.has_value());
    EXPECT_FALSE(r->sink.events[2].time.has_value());
    EXPECT_EQ(r->diag.total(), 0u);
}

TEST(read_sentinel_export, event_id_must_be_exactly_4688) {
    const auto r = read_buffer(R"({"EventID":4688.0,"Process":"a.exe"}
{"EventID":" 4688","Process":"b.exe"}
{"EventID":46880,"Process":"c.exe"}
{"Process":"d.exe"}
{"EventID":4688 ,"Process":"e.exe"}
)");
    ASSERT_EQ(r->sink.events.size(), 1u);
    EXPECT_EQ(r->sink.events[0].process, "e.exe");
    EXPECT_EQ(r->stats.other_events, 4u);
}

TEST(read_sentinel_export, malformed_lines_are_counted_with_their_line_and_skipped) {
    const std::string data = good_lines + "{\"EventID\":4688,\"Process\":\"trunc\n" + "not json\n" +
                             "[1,2]\n" + "{\"EventID\":4688,\"Process\":\"caf\xC3\"}\n" + // invalid UTF-8
                             "{\"EventID\":4688,\"Process\":\"after.exe\"} trailing\n" +
                             "{\"EventID\":4688,\"Process\":\"last.exe\"}\n";
    const auto r = read_buffer(data);
    ASSERT_EQ(r->sink.events.size(), 4u);
    EXPECT_EQ(r->sink.events.back().process, "last.exe");
    EXPECT_EQ(r->stats.skipped_lines, 5u);
    EXPECT_EQ(r->diag.count(masq::problem_kind::malformed_record), 4u);
    EXPECT_EQ(r->diag.count(masq::problem_kind::invalid_utf8), 1u);
    ASSERT_FALSE(r->diag.kept().empty());
    EXPECT_EQ(r->diag.kept()[0].line, 5u);
    EXPECT_EQ(r->diag.kept()[0].file, "mem.json");
    EXPECT_NE(r->diag.kept()[0].to_string().find("mem.json:5: "), std::string::npos);
}

TEST(read_sentinel_export, wrong_types_are_reported_with_the_field) {
    const auto r =
        read_buffer(R"({"EventID":4688,"Process":12,"NewProcessName":{"a":1},"TimeGenerated":"yesterday"}
{"EventID":true,"Process":"x.exe"}
)");
    ASSERT_EQ(r->sink.events.size(), 1u);
    EXPECT_EQ(r->sink.events[0].process, "12"); // Spark's StringType reading of a number
    EXPECT_FALSE(r->sink.events[0].path.has_value());
    EXPECT_EQ(r->diag.count(masq::problem_kind::wrong_type), 3u);
    EXPECT_EQ(r->diag.count(masq::problem_kind::bad_timestamp), 1u);
    bool saw_field = false;
    for (const auto& d : r->diag.kept())
        saw_field |= d.field == "NewProcessName" && d.line == 1;
    EXPECT_TRUE(saw_field);
}

TEST(read_sentinel_export, strict_mode_throws_at_the_first_problem) {
    EXPECT_THROW(read_buffer(good_lines + "oops\n", true), masq::input_error);
    EXPECT_NO_THROW(read_buffer(good_lines, true));
}

TEST(read_sentinel_export, crlf_blank_lines_and_no_final_newline) {
    std::string crlf;
    for (char c : good_lines) {
        if (c == '\n')
            crlf += "\r\n\r\n   \n";
        else
            crlf += c;
    }
    crlf.resize(crlf.size() - 8); // no final newline
    const auto a = read_buffer(good_lines), b = read_buffer(crlf);
    ASSERT_EQ(a->sink.events.size(), b->sink.events.size());
    EXPECT_EQ(b->diag.total(), 0u);
    EXPECT_EQ(b->stats.lines, 4u);
    for (std::size_t i = 0; i < a->sink.events.size(); ++i)
        EXPECT_EQ(a->sink.events[i].process, b->sink.events[i].process);
}

TEST(read_sentinel_export, long_lines_across_chunks) {
    std::string data;
    const std::string big(3 << 20, 'x'); // a 3 MB field, longer than one read chunk
    for (int i = 0; i < 3; ++i)
        data += "{\"EventID\":4688,\"CommandLine\":\"" + big + "\",\"Process\":\"p" + std::to_string(i) +
                ".exe\"}\n";
    temp_dir dir;
    const auto file = dir.write("big.json", data);
    recording_sink sink;
    masq::diagnostics diag;
    masq::read_stats stats;
    masq::read_events(file.string(), sink, diag, stats);
    ASSERT_EQ(sink.events.size(), 3u);
    EXPECT_EQ(sink.events[2].process, "p2.exe");
    EXPECT_EQ(stats.bytes, data.size());
}

TEST(read_sentinel_export, gzip_equals_plain_and_truncation_is_reported) {
    std::string data;
    for (int i = 0; i < 20000; ++i)
        data += good_lines;
    temp_dir dir;
    const auto plain = dir.write("a.json", data);
    const auto gz = dir.write_gz("a.json.gz", data);
    auto read = [](const fs::path& p, masq::diagnostics& diag) {
        recording_sink sink;
        masq::read_stats stats;
        masq::read_events(p.string(), sink, diag, stats);
        return sink.events.size();
    };
    masq::diagnostics d1, d2, d3;
    EXPECT_EQ(read(plain, d1), 60000u);
    EXPECT_EQ(read(gz, d2), 60000u);
    EXPECT_EQ(d1.total() + d2.total(), 0u);

    // Cut the compressed file in half: the lines before the cut are kept, the cut is reported.
    std::string bytes;
    {
        std::ifstream in(gz, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    const auto cut = dir.write("cut.json.gz", std::string_view(bytes).substr(0, bytes.size() / 2));
    const std::size_t kept = read(cut, d3);
    EXPECT_GT(kept, 0u);
    EXPECT_LT(kept, 60000u);
    EXPECT_EQ(d3.count(masq::problem_kind::truncated_file), 1u);
    EXPECT_EQ(d3.record_problems(), 0u) << "the partial last line is not a malformed record";
}

TEST(expand_inputs, export_tree_in_time_order_and_missing_paths) {
    temp_dir dir;
    const std::string root = "WorkspaceResourceId=/subscriptions/s/resourcegroups/rg/providers/"
                             "microsoft.operationalinsights/workspaces/ws";
    dir.write(root + "/y=2024/m=05/d=01/h=10/m=05/PT05M.json", good_lines);
    dir.write(root + "/y=2024/m=05/d=01/h=10/m=00/PT05M.json", good_lines);
    dir.write(root + "/y=2024/m=05/d=01/h=10/m=00/PT05M_1.json", good_lines);
    dir.write(root + "/y=2021/m=10/d=14/h=23/m=00/PT1H.json", good_lines);
    dir.write_gz(root + "/y=2024/m=05/d=02/h=00/m=00/PT05M.json.gz", good_lines);
    dir.write(root + "/y=2024/m=05/d=01/h=10/m=00/README.txt", "not events");
    masq::diagnostics diag;
    const std::vector<std::string> inputs{dir.path().string(), (dir.path() / "nope.json").string()};
    const auto files = masq::expand_inputs(inputs, diag);
    ASSERT_EQ(files.size(), 5u);
    EXPECT_NE(files[0].find("y=2021"), std::string::npos);
    EXPECT_NE(files[1].find("m=00/PT05M.json"), std::string::npos);
    EXPECT_NE(files[2].find("m=00/PT05M_1.json"), std::string::npos);
    EXPECT_NE(files[4].find(".gz"), std::string::npos);
    EXPECT_EQ(diag.count(masq::problem_kind::missing_file), 1u);

    masq::process_profile profile;
    masq::read_stats stats;
    for (const auto& f : files)
        masq::read_events(f, profile, diag, stats);
    EXPECT_EQ(profile.events(), 15u);
    EXPECT_EQ(profile.find("svchost.exe")->count, 5u);
    EXPECT_EQ(profile.find("scvhost.exe")->count, 5u);
    EXPECT_EQ(profile.find(std::nullopt)->count, 5u);
}

TEST(read_sentinel_export, missing_file_is_a_file_problem) {
    recording_sink sink;
    masq::diagnostics diag;
    masq::read_stats stats;
    masq::read_events("/nonexistent/PT05M.json", sink, diag, stats);
    EXPECT_EQ(diag.count(masq::problem_kind::missing_file), 1u);
    EXPECT_EQ(diag.file_problems(), 1u);
    EXPECT_TRUE(sink.events.empty());
}

} // namespace
