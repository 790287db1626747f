// SPDX-License-Identifier: MIT
// Parallel, chunked ingest: the same profile, counts and problems (with the same line numbers)
// whatever the thread count, chunk size, range size and compression.
#include "masq/read.h"
#include "net/http.h"
#include "sources/line_reader.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

namespace {

namespace fs = std::filesystem;

std::string record(int i, const std::string& name, const std::string& extra = "") {
    return "{\"TimeGenerated\":\"2026-11-20T" + std::string(i % 24 < 10 ? "0" : "") + std::to_string(i % 24) +
           ":00:00.000Z\",\"Computer\":\"H" + std::to_string(i % 7) +
           "\",\"EventID\":4688,\"NewProcessName\":"
           "\"C:\\\\Windows\\\\System32\\\\" +
           name + "\",\"Process\":\"" + name + "\"" + extra + "}";
}

/// Every awkward shape at once: CRLF, blank lines, a 1 MB line, malformed and non-UTF-8 lines,
/// two records on one line, no final newline and a truncated last record.
std::string awkward_export() {
    std::string s;
    for (int i = 0; i < 3000; ++i) {
        const std::string name = i % 5 == 0   ? "svchost.exe"
                                 : i % 5 == 1 ? "cmd.exe"
                                              : "tool" + std::to_string(i % 97) + ".exe";
        s += record(i, name);
        s += i % 3 == 0 ? "\r\n" : "\n";
        if (i % 250 == 0) s += "\n   \n";
        if (i == 1000)
            s += record(i, "big.exe", ",\"EventData\":\"" + std::string(1 << 20, 'x') + "\"") + "\n";
        if (i == 1500) s += "{\"Process\": \"broken.exe\"\n";
        if (i == 1700) s += "{\"Process\":\"bad\xff.exe\",\"EventID\":4688}\n";
        if (i == 1800) s += record(i, "a.exe") + " " + record(i, "b.exe") + "\n";
    }
    s += record(3000, "last.exe") + "\n" + record(3001, "nonl.exe") + "\n" + "{\"Process\":\"trunc";
    return s;
}

struct snapshot {
    std::vector<std::string> lines;
    bool operator==(const snapshot&) const = default;
};

snapshot take(const masq::process_profile& p, const masq::read_stats& st, const masq::diagnostics& d) {
    snapshot s;
    p.for_each_sorted([&](std::optional<std::string_view> name, const masq::name_stats& n) {
        std::string line = std::string(name.value_or("<null>")) + " " + std::to_string(n.count) + " " +
                           std::to_string(n.first_seen) + " " + std::to_string(n.last_seen);
        for (const auto& v : masq::top_values(masq::paths_of(n)))
            line += " " + v.value + "=" + std::to_string(v.count);
        for (const auto& v : masq::top_values(masq::hosts_of(n)))
            line += " " + v.value + "=" + std::to_string(v.count);
        s.lines.push_back(line);
    });
    s.lines.push_back("stats " + std::to_string(st.lines) + " " + std::to_string(st.records) + " " +
                      std::to_string(st.events) + " " + std::to_string(st.skipped_lines) + " " +
                      std::to_string(st.bytes));
    for (const auto& k : d.kept())
        s.lines.push_back(k.to_string());
    return s;
}

snapshot read_with(const std::string& path, unsigned threads, std::size_t chunk, std::uint64_t range) {
    masq::process_profile p;
    masq::diagnostics d(false, 1000);
    masq::read_stats st;
    masq::read_options o;
    o.threads = threads;
    o.chunk_size = chunk;
    o.min_range = range;
    const std::vector<std::string> files{path};
    masq::read_into(files, p, d, st, o);
    return take(p, st, d);
}

class ingest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir = fs::temp_directory_path() / ("masq-ingest-" + std::to_string(::getpid()));
        fs::create_directories(dir);
        data = awkward_export();
        std::ofstream(dir / "plain.json", std::ios::binary) << data;
        gzFile gz = gzopen((dir / "day.json.gz").c_str(), "wb");
        gzwrite(gz, data.data(), static_cast<unsigned>(data.size()));
        gzclose(gz);
        std::string z(ZSTD_compressBound(data.size()), '\0');
        z.resize(ZSTD_compress(z.data(), z.size(), data.data(), data.size(), 3));
        std::ofstream(dir / "day.json.zst", std::ios::binary) << z;
    }
    void TearDown() override { fs::remove_all(dir); }
    fs::path dir;
    std::string data;
};

TEST_F(ingest, same_result_for_every_thread_count_chunk_and_range_size) {
    const std::string plain = (dir / "plain.json").string();
    const snapshot expected = read_with(plain, 1, std::size_t{1} << 22, std::uint64_t{1} << 40);
    ASSERT_GT(expected.lines.size(), 100u);
    bool has_line_numbers = false;
    for (const auto& l : expected.lines)
        has_line_numbers = has_line_numbers || l.find("plain.json:") != std::string::npos;
    EXPECT_TRUE(has_line_numbers);
    for (unsigned threads : {1u, 2u, 8u})
        // 64-byte reads are shorter than every line (records are ~170 bytes, one is 1 MB).
        for (std::size_t chunk : {std::size_t{64}, std::size_t{4096}, std::size_t{1} << 22})
            for (std::uint64_t range : {std::uint64_t{997}, std::uint64_t{100000}, std::uint64_t{1} << 40}) {
                if (chunk == 64 && range == 997)
                    continue; // thousands of tiny ranges read byte by byte: slow, adds nothing
                EXPECT_EQ(read_with(plain, threads, chunk, range), expected)
                    << "threads " << threads << " chunk " << chunk << " range " << range;
            }
}

// The driver starts the largest inputs first; the samples kept are still a variant's first
// events in input order (file, then line), for any thread count.
TEST(ingest_order, samples_are_the_first_in_input_order_though_large_files_are_read_first) {
    const fs::path dir = fs::temp_directory_path() / ("masq-order-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::vector<std::string> files;
    for (int f = 0; f < 5; ++f) {
        // File 3 is by far the largest, so it is read first.
        const int events = f == 3 ? 4000 : 3;
        std::string text;
        for (int i = 0; i < events; ++i)
            text += record(i, "tool.exe",
                           ",\"CommandLine\":\"tool.exe f" + std::to_string(f) + " e" + std::to_string(i) +
                               "\"") +
                    "\n";
        files.push_back((dir / ("part" + std::to_string(f) + ".json")).string());
        std::ofstream(files.back(), std::ios::binary) << text;
    }
    for (unsigned threads : {1u, 2u, 3u}) {
        masq::process_profile p;
        masq::diagnostics d(false, 1000);
        masq::read_stats st;
        masq::read_options o;
        o.threads = threads;
        o.samples = 2;
        masq::read_into(files, p, d, st, o);
        const masq::name_stats* s = p.find("tool.exe");
        ASSERT_NE(s, nullptr);
        EXPECT_EQ(s->count, 4012u);
        ASSERT_EQ(s->variants.size(), 1u);
        std::vector<std::string> kept;
        for (const auto& sample : s->variants.begin()->second.samples)
            kept.emplace_back(sample.command_line);
        EXPECT_EQ(kept, (std::vector<std::string>{"tool.exe f0 e0", "tool.exe f0 e1"}))
            << "threads " << threads;
    }
    fs::remove_all(dir);
}

TEST_F(ingest, compressed_equals_plain) {
    auto strip_names = [](snapshot s, const std::string& from) {
        for (auto& l : s.lines)
            for (std::size_t at; (at = l.find(from)) != std::string::npos;)
                l.replace(at, from.size(), "FILE");
        return s;
    };
    const snapshot plain = read_with((dir / "plain.json").string(), 2, 1 << 16, 997);
    const snapshot gz = read_with((dir / "day.json.gz").string(), 2, 1 << 16, 997);
    const snapshot zst = read_with((dir / "day.json.zst").string(), 2, 1 << 16, 997);
    EXPECT_EQ(strip_names(gz, (dir / "day.json.gz").string()),
              strip_names(plain, (dir / "plain.json").string()));
    EXPECT_EQ(strip_names(zst, (dir / "day.json.zst").string()),
              strip_names(plain, (dir / "plain.json").string()));
}

TEST_F(ingest, truncated_zstd_keeps_earlier_lines_and_reports_the_file) {
    std::ifstream in(dir / "day.json.zst", std::ios::binary);
    std::string z((std::istreambuf_iterator<char>(in)), {});
    std::ofstream(dir / "cut.json.zst", std::ios::binary) << z.substr(0, z.size() / 2);
    masq::process_profile p;
    masq::diagnostics d;
    masq::read_stats st;
    const std::vector<std::string> files{(dir / "cut.json.zst").string()};
    masq::read_into(files, p, d, st, {});
    EXPECT_GT(st.events, 100u);
    EXPECT_EQ(d.count(masq::problem_kind::truncated_file), 1u);
}

TEST_F(ingest, time_window_filters_events_and_prunes_export_folders) {
    const fs::path root = dir / "WorkspaceResourceId=x";
    for (int day : {18, 19, 20}) {
        const fs::path folder = root / "y=2026" / "m=11" / ("d=" + std::to_string(day)) / "h=05" / "m=00";
        fs::create_directories(folder);
        std::ofstream(folder / "PT1H.json") << record(5, "day" + std::to_string(day) + ".exe") << "\n";
    }
    masq::time_window window;
    window.from = masq::parse_iso8601("2026-11-20T00:00:00Z");
    masq::diagnostics d;
    std::uint64_t pruned = 0;
    const std::vector<std::string> inputs{root.string()};
    const auto files = masq::expand_inputs(inputs, d, window, &pruned);
    EXPECT_EQ(files.size(), 1u); // the 18th and 19th are over a day before the window
    EXPECT_EQ(pruned, 2u);
    // Within a file, the window applies per event.
    masq::process_profile p;
    masq::read_stats st;
    masq::read_options o;
    o.window.from = masq::parse_iso8601("2026-11-20T06:00:00Z");
    const std::vector<std::string> plain{(dir / "plain.json").string()};
    masq::read_into(plain, p, d, st, o);
    EXPECT_GT(st.outside_window, 0u);
    EXPECT_GT(st.events, 0u);
    EXPECT_EQ(st.events + st.outside_window, st.records); // every record is a 4688 event
}

} // namespace

namespace {

TEST(ingest_dedupe, a_rewritten_blob_counts_once) {
    const auto dir = std::filesystem::temp_directory_path() / ("masq-dedupe-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::string blob;
    for (int i = 0; i < 500; ++i)
        blob += record(i, i % 2 ? "svchost.exe" : "cmd.exe",
                       ",\"NewProcessId\":\"0x" + std::to_string(i) + "\"") +
                "\n";
    std::ofstream(dir / "PT05M.json") << blob;
    std::ofstream(dir / "PT05M_1.json") << blob; // the retry
    const std::vector<std::string> files{(dir / "PT05M.json").string(), (dir / "PT05M_1.json").string()};
    for (unsigned threads : {1u, 2u}) {
        masq::process_profile p;
        masq::diagnostics d;
        masq::read_stats st;
        masq::read_options o;
        o.threads = threads;
        o.dedupe = true;
        masq::read_into(files, p, d, st, o);
        EXPECT_EQ(st.events, 500u);
        EXPECT_EQ(st.duplicates, 500u);
        EXPECT_EQ(p.find("svchost.exe")->count, 250u);
    }
    masq::process_profile p;
    masq::diagnostics d;
    masq::read_stats st;
    masq::read_into(files, p, d, st, {});
    EXPECT_EQ(p.find("svchost.exe")->count, 500u); // without --dedupe both copies count
    std::filesystem::remove_all(dir);
}

} // namespace

namespace {

TEST(ingest_fields, parent_user_command_line_and_original_name_are_kept) {
    const std::string sentinel =
        "{\"TimeGenerated\":\"2026-11-20T01:00:00Z\",\"EventID\":4688,\"Computer\":\"H1\",\"NewProcessName\":"
        "\"C:\\\\ProgramData\\\\jabber.exe\",\"Process\":\"jabber.exe\",\"ParentProcessName\":\"C:"
        "\\\\Windows\\\\"
        "System32\\\\cmd.exe\",\"SubjectUserName\":\"alice\",\"CommandLine\":\"jabber.exe /s /i:x\","
        "\"OriginalFileName\":\"REGSVR32.EXE\"}\n";
    const std::string ecs = "{\"@timestamp\":\"2026-11-20T01:00:00Z\",\"event\":{\"code\":\"1\"},\"host\":{"
                            "\"name\":\"H1\"},\"process\":"
                            "{\"name\":\"jabber.exe\",\"executable\":\"C:\\\\ProgramData\\\\jabber.exe\","
                            "\"command_line\":\"jabber.exe /s "
                            "/i:x\",\"parent\":{\"executable\":\"C:\\\\Windows\\\\System32\\\\cmd.exe\"},"
                            "\"pe\":{\"original_file_name\":"
                            "\"REGSVR32.EXE\"}},\"user\":{\"name\":\"alice\"}}\n";
    const auto dir = std::filesystem::temp_directory_path() / ("masq-fields-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    for (const auto& [name, text] : {std::pair{"a.json", sentinel}, std::pair{"b.json", ecs}}) {
        const bool fast_path =
            std::string(name) == "a.json"; // the SecurityEvent reader skips user and command line
        std::ofstream(dir / name) << text;
        masq::process_profile p;
        masq::diagnostics d;
        masq::read_stats st;
        const std::vector<std::string> files{(dir / name).string()};
        masq::read_into(files, p, d, st, {});
        const masq::name_stats* s = p.find("jabber.exe");
        ASSERT_NE(s, nullptr) << name;
        EXPECT_EQ(masq::parents_of(*s).count("C:\\Windows\\System32\\cmd.exe"), 1u) << name;
        EXPECT_EQ(masq::original_names_of(*s).count("REGSVR32.EXE"), 1u) << name;
        if (fast_path) continue;
        ASSERT_EQ(s->variants.size(), 1u) << name;
        const auto& samples = s->variants.begin()->second.samples;
        ASSERT_EQ(samples.size(), 1u) << name;
        EXPECT_EQ(samples[0].user, "alice") << name;
        EXPECT_EQ(samples[0].command_line, "jabber.exe /s /i:x") << name;
    }
    std::filesystem::remove_all(dir);
}

} // namespace

// Blobs arrive as one buffer: decompressing them must equal the file path's result.
TEST(decompress_buffer, gzip_members_zstd_and_truncation) {
    std::string text;
    for (int i = 0; i < 50000; ++i)
        text += "{\"EventID\":4688,\"Process\":\"p" + std::to_string(i) + ".exe\"}\n";
    const std::string half_a = text.substr(0, text.size() / 2), half_b = text.substr(text.size() / 2);
    // Two gzip members back to back (what `cat a.gz b.gz` makes) read as one stream.
    const std::string gz = masq::detail::gzip_compress(half_a) + masq::detail::gzip_compress(half_b);
    std::string out, error;
    ASSERT_EQ(masq::detail::buffer_compression(gz), masq::detail::compression::gzip);
    ASSERT_TRUE(masq::detail::decompress_buffer(gz, out, error)) << error;
    EXPECT_EQ(out, text);
    std::string z(ZSTD_compressBound(text.size()), '\0');
    z.resize(ZSTD_compress(z.data(), z.size(), text.data(), text.size(), 3));
    ASSERT_EQ(masq::detail::buffer_compression(z), masq::detail::compression::zstd);
    ASSERT_TRUE(masq::detail::decompress_buffer(z, out, error)) << error;
    EXPECT_EQ(out, text);
    for (const std::string& whole : {gz, z}) {
        EXPECT_FALSE(masq::detail::decompress_buffer(whole.substr(0, whole.size() / 3), out, error));
        EXPECT_FALSE(error.empty());
        EXPECT_EQ(out, text.substr(0, out.size())); // what came out before the cut is right
    }
    ASSERT_TRUE(masq::detail::decompress_buffer("plain\n", out, error));
    EXPECT_EQ(out, "plain\n");
}
