// SPDX-License-Identifier: MIT
// The EVTX decoder (evtx_binxml.cpp) against the reference reader (libevtx's XML read with
// libxml2, evtx_reference.cpp), record by record, on every real log in ../shared/data/real/evtx
// and ../shared/data/evtx-corpus (skipped when they are absent), and on logs damaged here: cut
// inside a chunk, a chunk's header or records overwritten, a dirty file header. docs/evtx.md
// lists where the two differ on purpose.
#include "masq/diagnostics.h"
#include "masq/read.h"
#include "masq/util/timestamp.h"
#include "sources/formats/evtx.h"
#include "sources/formats/evtx_binxml.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <gtest/gtest.h>
#include <limits>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

namespace fs = std::filesystem;
constexpr std::uint64_t whole = std::numeric_limits<std::uint64_t>::max();

/// Every field of an event as one line, to compare and to show.
class collect final : public masq::event_sink {
  public:
    std::vector<std::string> rows;
    void on_event(const masq::process_event& e) override {
        const auto s = [](const std::optional<std::string_view>& v) {
            return v ? "'" + std::string(*v) + "'" : std::string("none");
        };
        const auto n = [](const std::optional<std::uint64_t>& v) {
            return v ? std::to_string(*v) : std::string("none");
        };
        rows.push_back(fmt::format("record={} time={} host={} path={} process={} parent={} user={} cmd={} "
                                   "original={} hashes={} pid={} ppid={}",
                                   n(e.record_id), e.time ? masq::format_iso8601(*e.time) : "none", s(e.host),
                                   s(e.path), s(e.process), s(e.parent_path), s(e.user), s(e.command_line),
                                   s(e.original_file_name), s(e.hashes), n(e.process_id),
                                   n(e.parent_process_id)));
    }
};

struct reading {
    std::vector<std::string> rows;
    masq::read_stats stats;
    std::size_t problems = 0;
};

reading read_fast(const std::string& path, std::uint64_t begin = 0, std::uint64_t end = whole) {
    reading r;
    collect c;
    masq::diagnostics diag;
    masq::detail::read_evtx(path, begin, end, c, diag, r.stats, {});
    r.rows = std::move(c.rows);
    r.problems = diag.total();
    return r;
}

reading read_reference(const std::string& path) {
    reading r;
    collect c;
    masq::diagnostics diag;
    masq::detail::read_evtx_reference(path, c, diag, r.stats, {});
    r.rows = std::move(c.rows);
    r.problems = diag.total();
    return r;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

/// The rows of `a` not in `b`, at most a few, for the failure message.
std::string missing(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    std::vector<std::string> d;
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(d));
    std::string out;
    for (std::size_t i = 0; i < d.size() && i < 3; ++i)
        out += "\n    " + d[i];
    if (d.size() > 3) out += fmt::format("\n    ... {} more", d.size() - 3);
    return out;
}

std::vector<std::string> shared_logs() {
    std::vector<std::string> logs;
    const fs::path shared = fs::path(MASQ_SOURCE_DIR) / ".." / "shared" / "data";
    for (const char* dir : {"real/evtx", "evtx-corpus"}) {
        std::error_code ec;
        if (!fs::is_directory(shared / dir, ec)) continue;
        for (const auto& e : fs::recursive_directory_iterator(shared / dir, ec))
            if (e.is_regular_file() && e.path().extension() == ".evtx") logs.push_back(e.path().string());
    }
    std::sort(logs.begin(), logs.end());
    return logs;
}

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string write_temp(const std::string& name, const std::string& bytes) {
    const fs::path p = fs::temp_directory_path() / fmt::format("masq-evtx-{}-{}", ::getpid(), name);
    std::ofstream(p, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return p.string();
}

TEST(EvtxDifferential, EveryRealLogGivesTheReferencesEvents) {
    const std::vector<std::string> logs = shared_logs();
    if (logs.empty()) GTEST_SKIP() << "../shared/data is not here";
    std::size_t events = 0;
    for (const std::string& log : logs) {
        const reading fast = read_fast(log), ref = read_reference(log);
        const auto f = sorted(fast.rows), r = sorted(ref.rows);
        EXPECT_EQ(f, r) << log << "\n  only the reference:" << missing(r, f)
                        << "\n  only the decoder:" << missing(f, r);
        EXPECT_EQ(fast.stats.events, ref.stats.events) << log;
        events += fast.rows.size();
    }
    // The corpus holds process creations (real/evtx alone has 369): a decoder that finds none
    // would pass the comparison above only if the reference were broken too.
    EXPECT_GT(events, 300u);
}

TEST(EvtxDifferential, AnySplitIntoChunkRangesGivesTheSameEvents) {
    std::vector<std::string> logs;
    for (const std::string& log : shared_logs())
        if (fs::file_size(log) > 4096 + 2 * 65536) logs.push_back(log);
    if (logs.empty()) GTEST_SKIP() << "../shared/data is not here";
    for (const std::string& log : logs) {
        const reading all = read_fast(log);
        std::vector<std::string> pieces;
        const std::uint64_t size = fs::file_size(log);
        // Ranges that start and end anywhere, chunk boundaries or not: every chunk is read once.
        for (std::uint64_t at = 0, step = 65536 * 3 + 777; at < size; at += step) {
            const reading part = read_fast(log, at, at + step >= size ? whole : at + step);
            pieces.insert(pieces.end(), part.rows.begin(), part.rows.end());
        }
        EXPECT_EQ(sorted(pieces), sorted(all.rows)) << log;
    }
}

/// A real log with process creations in several chunks, damaged in `how`: the decoder must not
/// crash, must keep every event of the chunks left intact, and report what it lost.
class EvtxDamage : public ::testing::Test {
  protected:
    void SetUp() override {
        const fs::path p = fs::path(MASQ_SOURCE_DIR) / ".." / "shared" / "data" / "real" / "evtx" /
                           "sysmon_mixed_with_eid1.evtx";
        if (!fs::exists(p)) GTEST_SKIP() << "../shared/data is not here";
        original = read_bytes(p.string());
        const std::string path = write_temp("original.evtx", original);
        intact = read_fast(path);
        // The events of each chunk, read alone.
        for (std::uint64_t at = 4096; at + 65536 <= original.size(); at += 65536)
            per_chunk.push_back(sorted(read_fast(path, at, at + 65536).rows));
        fs::remove(path);
        ASSERT_GT(intact.rows.size(), 100u);
        ASSERT_GT(per_chunk.size(), 2u);
        ASSERT_FALSE(per_chunk[0].empty());
        ASSERT_FALSE(per_chunk[1].empty());
    }

    /// The events of the original outside chunk `chunk` (0-based), or inside it.
    std::vector<std::string> outside_chunk(std::size_t chunk, bool inside = false) const {
        std::vector<std::string> keep;
        for (std::size_t i = 0; i < per_chunk.size(); ++i)
            if ((i == chunk) == inside) keep.insert(keep.end(), per_chunk[i].begin(), per_chunk[i].end());
        return sorted(keep);
    }

    reading damaged(const std::string& name, const std::string& bytes) {
        const std::string path = write_temp(name, bytes);
        reading r = read_fast(path);
        reading ref = read_reference(path); // the reference must not crash either
        fs::remove(path);
        return r;
    }

    static bool contains_all(const std::vector<std::string>& big, const std::vector<std::string>& small) {
        return std::includes(big.begin(), big.end(), small.begin(), small.end());
    }

    std::string original;
    reading intact;
    std::vector<std::vector<std::string>> per_chunk;
};

TEST_F(EvtxDamage, ATruncatedLogKeepsTheWholeChunks) {
    const std::string cut = original.substr(0, 4096 + 65536 + 30000);
    const reading r = damaged("cut.evtx", cut);
    EXPECT_TRUE(contains_all(sorted(r.rows), outside_chunk(0, true)));
    EXPECT_GE(r.problems, 1u); // the truncation, once
}

TEST_F(EvtxDamage, AnOverwrittenChunkHeaderLosesNoOtherChunk) {
    std::string bad = original;
    for (std::size_t i = 0; i < 128; ++i)
        bad[4096 + 65536 + i] = 'A';
    const reading r = damaged("header.evtx", bad);
    EXPECT_TRUE(contains_all(sorted(r.rows), outside_chunk(1)));
    EXPECT_EQ(r.problems, 1u); // one problem for the file, however much is lost
}

TEST_F(EvtxDamage, OverwrittenRecordsLoseNoOtherChunk) {
    std::string bad = original;
    for (std::size_t i = 4096 + 2000; i < 4096 + 20000; ++i)
        bad[i] = static_cast<char>(i * 131 % 251);
    const reading r = damaged("records.evtx", bad);
    EXPECT_TRUE(contains_all(sorted(r.rows), outside_chunk(0)));
}

TEST_F(EvtxDamage, FlippedChecksumsAndADirtyHeaderChangeNothing) {
    std::string bad = original;
    bad[4096 + 124] ^= 0x55; // the first chunk's header checksum
    bad[4096 + 52] ^= 0x55;  // its records' checksum
    bad[120] = 1;            // file flags: dirty
    bad[124] ^= 0x55;        // the file header's checksum
    const reading r = damaged("flipped.evtx", bad);
    EXPECT_EQ(sorted(r.rows), sorted(intact.rows));
}

TEST_F(EvtxDamage, EveryByteFlipIsSurvived) {
    // One byte of the first chunk's records changed at a time, a stride apart: no crash (the
    // sanitizer build checks every read), and the other chunks' events kept.
    const std::vector<std::string> others = outside_chunk(0);
    for (std::size_t at = 4096 + 512; at < 4096 + 65536; at += 997) {
        std::string bad = original;
        bad[at] = static_cast<char>(bad[at] ^ 0xff);
        const std::string path = write_temp("flip.evtx", bad);
        const reading r = read_fast(path);
        fs::remove(path);
        ASSERT_TRUE(contains_all(sorted(r.rows), others)) << "byte " << at;
    }
}

} // namespace
