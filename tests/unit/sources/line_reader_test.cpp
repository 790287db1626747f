// SPDX-License-Identifier: MIT
// The longest line the reader holds (read_options::max_record_bytes): a longer line is skipped as
// one malformed record that keeps its line number, its bytes are never buffered whole, and the
// lines around it are read, from files and from memory (O5 in tests/data/fuzz-regressions/README.md).
#include "masq/read.h"
#include "sources/line_reader.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <zlib.h>

namespace {

namespace fs = std::filesystem;

struct lines_seen {
    std::vector<std::pair<std::uint64_t, std::string>> lines;
    masq::diagnostics diag;
};

lines_seen read_lines(const std::string& path, std::size_t chunk, std::size_t max_line,
                      std::uint64_t begin = 0,
                      std::uint64_t end = std::numeric_limits<std::uint64_t>::max()) {
    lines_seen s;
    masq::detail::for_each_line(
        path, s.diag,
        [&](const masq::detail::padded_line& l) { s.lines.emplace_back(l.number, std::string(l.text)); },
        chunk, begin, end, nullptr, max_line);
    return s;
}

std::string temp_file(const std::string& name, const std::string& data) {
    const auto path = fs::temp_directory_path() / ("masq-line-reader-" + name);
    std::ofstream(path, std::ios::binary) << data;
    return path.string();
}

TEST(for_each_line, a_line_over_the_limit_is_one_numbered_problem) {
    const std::string data =
        "first\n" + std::string(10'000, 'a') + "\nthird\n" + std::string(300, 'b') + "\nlast";
    const auto path = temp_file("plain.jsonl", data);
    for (const std::size_t chunk :
         {std::size_t{16}, std::size_t{64}, std::size_t{4096}, std::size_t{1} << 20}) {
        SCOPED_TRACE(chunk);
        const auto s = read_lines(path, chunk, 256);
        ASSERT_EQ(s.lines.size(), 3u);
        EXPECT_EQ(s.lines[0], (std::pair<std::uint64_t, std::string>{1, "first"}));
        EXPECT_EQ(s.lines[1], (std::pair<std::uint64_t, std::string>{3, "third"}));
        EXPECT_EQ(s.lines[2], (std::pair<std::uint64_t, std::string>{5, "last"}));
        EXPECT_EQ(s.diag.count(masq::problem_kind::malformed_record), 2u);
        ASSERT_EQ(s.diag.kept().size(), 2u);
        EXPECT_EQ(s.diag.kept()[0].line, 2u);
        EXPECT_EQ(s.diag.kept()[0].file, path);
        EXPECT_EQ(s.diag.kept()[1].line, 4u);
    }
    fs::remove(path);
}

TEST(for_each_line, a_long_line_across_a_range_boundary_is_reported_once) {
    const std::string data = "first\n" + std::string(10'000, 'a') + "\nthird\n";
    const auto path = temp_file("ranges.jsonl", data);
    for (const std::uint64_t cut :
         {std::uint64_t{3}, std::uint64_t{6}, std::uint64_t{7}, std::uint64_t{5000}}) {
        SCOPED_TRACE(cut);
        const auto a = read_lines(path, 64, 256, 0, cut);
        const auto b = read_lines(path, 64, 256, cut);
        EXPECT_EQ(a.lines.size() + b.lines.size(), 2u);
        EXPECT_EQ(a.diag.total() + b.diag.total(), 1u);
    }
    fs::remove(path);
}

TEST(read_into, gzip_inflating_to_one_huge_line_is_skipped) {
    // 64 MiB of one line in about 64 KB of gzip, between two good records.
    const auto path = (fs::temp_directory_path() / "masq-huge-line.json.gz").string();
    {
        gzFile out = gzopen(path.c_str(), "wb9");
        ASSERT_NE(out, nullptr);
        const std::string good = R"({"EventID":4688,"Process":"good.exe"})"
                                 "\n";
        gzwrite(out, good.data(), static_cast<unsigned>(good.size()));
        const std::string head = R"({"EventID":4688,"Process":")";
        gzwrite(out, head.data(), static_cast<unsigned>(head.size()));
        const std::string mib(std::size_t{1} << 20, 'a');
        for (int i = 0; i < 64; ++i)
            gzwrite(out, mib.data(), static_cast<unsigned>(mib.size()));
        const std::string tail = "\"}\n" + good;
        gzwrite(out, tail.data(), static_cast<unsigned>(tail.size()));
        gzclose(out);
    }
    masq::process_profile profile;
    masq::diagnostics diag;
    masq::read_stats stats;
    masq::read_options options;
    options.max_record_bytes = std::size_t{1} << 20;
    options.max_expansion = 0; // it inflates 1000 times: a bomb, which the next test stops
    const std::vector<std::string> inputs{path};
    masq::read_into(inputs, profile, diag, stats, options);
    EXPECT_EQ(stats.events, 2u);
    ASSERT_EQ(diag.kept().size(), 1u);
    EXPECT_EQ(diag.kept()[0].kind, masq::problem_kind::malformed_record);
    EXPECT_EQ(diag.kept()[0].line, 2u);
    EXPECT_EQ(diag.kept()[0].file, path);
    fs::remove(path);
}

TEST(read_into, gzip_past_the_expansion_bound_is_an_oversized_file) {
    // 96 MiB of one repeated record in about 100 KB: it inflates about 1000 times, where exports
    // compress 15-70 times. Reading stops past the first 64 MiB; the records before are kept.
    const auto path = (fs::temp_directory_path() / "masq-bomb.json.gz").string();
    const std::string record = R"({"EventID":4688,"Computer":"H","Process":"a.exe"})"
                               "\n";
    std::string mib;
    while (mib.size() + record.size() <= (std::size_t{1} << 20))
        mib += record;
    {
        gzFile out = gzopen(path.c_str(), "wb9");
        ASSERT_NE(out, nullptr);
        for (int i = 0; i < 96; ++i)
            gzwrite(out, mib.data(), static_cast<unsigned>(mib.size()));
        gzclose(out);
    }
    const std::uint64_t per_mib = mib.size() / record.size();
    for (const std::uint64_t bound : {std::uint64_t{200}, std::uint64_t{0}}) {
        masq::process_profile profile;
        masq::diagnostics diag;
        masq::read_stats stats;
        masq::read_options options;
        options.max_expansion = bound;
        const std::vector<std::string> inputs{path};
        masq::read_into(inputs, profile, diag, stats, options);
        if (bound == 0) { // no bound: all of it, no problem
            EXPECT_EQ(stats.events, 96 * per_mib);
            EXPECT_EQ(diag.total(), 0u);
            continue;
        }
        ASSERT_EQ(diag.kept().size(), 1u);
        EXPECT_EQ(diag.kept()[0].kind, masq::problem_kind::oversized_file);
        EXPECT_EQ(diag.kept()[0].file, path);
        EXPECT_NE(diag.kept()[0].message.find("--max-expansion"), std::string::npos);
        EXPECT_GE(stats.events, 63 * per_mib); // what came before the bound is kept
        EXPECT_LT(stats.events, 96 * per_mib);
    }
    fs::remove(path);
}

TEST(decompress_buffer, stops_past_the_expansion_bound) {
    const std::string record = R"({"EventID":4688,"Process":"a.exe"})"
                               "\n";
    std::string plain;
    while (plain.size() < (std::size_t{80} << 20))
        plain += record;
    std::string gz;
    std::string out, error;
    { // gzip framing (windowBits 31), as a Blob download of a .json.gz would be
        z_stream s{};
        ASSERT_EQ(deflateInit2(&s, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY), Z_OK);
        gz.assign(deflateBound(&s, static_cast<uLong>(plain.size())), '\0');
        s.next_in = reinterpret_cast<Bytef*>(plain.data());
        s.avail_in = static_cast<uInt>(plain.size());
        s.next_out = reinterpret_cast<Bytef*>(gz.data());
        s.avail_out = static_cast<uInt>(gz.size());
        ASSERT_EQ(deflate(&s, Z_FINISH), Z_STREAM_END);
        gz.resize(s.total_out);
        deflateEnd(&s);
    }
    EXPECT_FALSE(masq::detail::decompress_buffer(gz, out, error, 200));
    EXPECT_NE(error.find("--max-expansion"), std::string::npos) << error;
    EXPECT_TRUE(masq::detail::expansion_exceeded(out.size(), gz.size(), 200));
    EXPECT_LT(out.size(), plain.size());
    EXPECT_TRUE(masq::detail::decompress_buffer(gz, out, error, 0)) << error;
    EXPECT_EQ(out, plain);
}

TEST(read_buffer, a_line_over_the_limit_is_one_numbered_problem) {
    struct counting_sink final : masq::event_sink {
        int events = 0;
        void on_event(const masq::process_event&) override { ++events; }
    } sink;
    const std::string good = R"({"EventID":4688,"Process":"good.exe"})";
    const std::string data =
        good + "\n" + R"({"EventID":4688,"Process":")" + std::string(5000, 'a') + "\"}\n" + good;
    masq::diagnostics diag;
    masq::read_stats stats;
    masq::read_options options;
    options.max_record_bytes = 1000;
    masq::read_buffer(data, "mem.json", sink, diag, stats, options);
    EXPECT_EQ(sink.events, 2);
    ASSERT_EQ(diag.kept().size(), 1u);
    EXPECT_EQ(diag.kept()[0].line, 2u);
    EXPECT_EQ(diag.kept()[0].file, "mem.json");
}

} // namespace
