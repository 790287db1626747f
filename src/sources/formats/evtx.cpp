// SPDX-License-Identifier: MIT
// Windows event log files (.evtx): Security 4688 and Sysmon event 1, read by masq's own decoder
// (evtx_binxml.cpp), 64 chunks at a time. Records recovered from a log's free space are kept when
// they validate; damaged chunks and records are counted and reported once per file (or per range
// of a large file read on several threads); a file cut short is reported as truncated.
#include "sources/formats/evtx.h"

#include "masq/util/timestamp.h"
#include "sources/formats/evtx_binxml.h"
#include "sources/record.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <limits>
#include <memory>
#include <mutex>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace masq::detail {
namespace {

/// Reads `n` bytes at `offset`; fewer at the end of the file or on an error.
std::size_t read_at(int fd, std::uint8_t* out, std::size_t n, std::uint64_t offset) {
    std::size_t done = 0;
    while (done < n) {
        const ssize_t got = ::pread(fd, out + done, n - done, static_cast<off_t>(offset + done));
        if (got <= 0) break;
        done += static_cast<std::size_t>(got);
    }
    return done;
}

/// A read buffer taken from a pool the reading threads share and given back: the driver starts
/// new threads for every run, and a buffer made afresh for each would cost its page faults again.
/// (Not a vector: growing one would zero the bytes a read then overwrites.)
class buffer_lease {
  public:
    buffer_lease() {
        std::lock_guard lock(mutex_);
        if (!pool_.empty()) {
            held_ = std::move(pool_.back());
            pool_.pop_back();
        }
    }
    ~buffer_lease() {
        // A batch is 4 MiB; a larger buffer (a whole small log read at once) is not kept.
        if (held_.size > (std::size_t{4} << 20)) return;
        std::lock_guard lock(mutex_);
        if (pool_.size() < 16) pool_.push_back(std::move(held_));
    }
    buffer_lease(const buffer_lease&) = delete;
    buffer_lease& operator=(const buffer_lease&) = delete;

    /// At least `n` bytes, their content undefined.
    std::uint8_t* get(std::size_t n) {
        if (held_.size < n) {
            held_.bytes = std::make_unique_for_overwrite<std::uint8_t[]>(n);
            held_.size = n;
        }
        return held_.bytes.get();
    }

  private:
    struct block {
        std::unique_ptr<std::uint8_t[]> bytes;
        std::size_t size = 0;
    };
    block held_;
    static inline std::mutex mutex_;
    static inline std::vector<block> pool_;
};

/// Why a log of `size` bytes whose header counts `counted` chunks looks cut short, or nothing.
/// An .evtx file is a 4,096-byte header and then chunks of 65,536 bytes (libyal's EVTX format
/// document); a file that ends inside a chunk, or before the chunks its header counts, has lost
/// records. (The count is not updated in a log that was not closed cleanly, so it can only show
/// a shortfall, never an excess.)
std::optional<std::string> truncation(std::uint64_t size, std::uint64_t counted) {
    constexpr std::uint64_t header_bytes = evtx::file_header_bytes, chunk_bytes = evtx::chunk_bytes;
    const std::uint64_t expected = header_bytes + counted * chunk_bytes;
    if (size < header_bytes || (size - header_bytes) % chunk_bytes != 0)
        return fmt::format(
            "the file ends inside chunk {} ({} bytes; chunks are 65,536 bytes after a 4,096-byte "
            "header): its later records are lost, the ones before are read",
            size < header_bytes ? 0 : (size - header_bytes) / chunk_bytes + 1, size);
    if (size < expected)
        return fmt::format("the file has {} of the {} chunks its header counts: its later records are lost, "
                           "the ones before are read",
                           (size - header_bytes) / chunk_bytes, counted);
    return std::nullopt;
}

/// Turns decoded process creations into events, as the reference reader maps their fields.
class event_mapper final : public evtx::record_visitor {
  public:
    event_mapper(const std::string& path, event_sink& sink, diagnostics& diag, read_stats& stats,
                 const time_window& window)
        : path_(path), sink_(sink), diag_(diag), stats_(stats), window_(window),
          latest_plausible_(now() + 2 * 86'400 * ticks_per_second) {}

    void on_process_creation(const evtx::process_record& r) override {
        using namespace evtx;
        const auto& t = r.text;
        const bool sysmon = r.sysmon;
        const std::string& image_path = t[sysmon ? image : new_process_name];
        // Sysmon's own UtcTime when it has one, else the record's TimeCreated.
        const std::string* when = nullptr;
        std::optional<timestamp> time;
        if (sysmon && !t[utc_time].empty())
            when = &t[utc_time];
        else if (!r.time_created && !t[time_created].empty())
            when = &t[time_created];
        if (when != nullptr)
            time = parse_iso8601(*when);
        else
            time = r.time_created;
        // A recovered process creation that does not validate is misaligned data, not a record.
        if (r.recovered && !plausible_recovered(t[computer], image_path, time, latest_plausible_)) {
            ++stats_.recovered_dropped;
            return;
        }
        ++stats_.lines;
        ++stats_.records;
        if (r.recovered) ++stats_.recovered_records;
        if (when != nullptr && !time)
            diag_.report(problem_kind::bad_timestamp, path_, r.record_id, "TimeCreated",
                         fmt::format("'{}' is not an ISO-8601 time; event kept without a time", *when));
        process_event e;
        if (!image_path.empty()) {
            e.path = image_path;
            e.process = file_name_of(image_path);
        }
        if (!t[computer].empty()) e.host = t[computer];
        e.time = time;
        const std::string& parent = t[sysmon ? parent_image : parent_process_name];
        if (!parent.empty()) e.parent_path = parent;
        e.original_file_name = t[original_file_name]; // "-" and empty are none (record.h)
        e.user = t[sysmon ? user : subject_user_name];
        if (!t[command_line].empty()) e.command_line = t[command_line];
        // 4688 writes the ids in hexadecimal (NewProcessId, ProcessId of the creator), Sysmon
        // in decimal (ProcessId, ParentProcessId); Sysmon also logs the image's hashes.
        e.process_id = parse_id(t[sysmon ? process_id : new_process_id]);
        e.parent_process_id = parse_id(t[sysmon ? parent_process_id : process_id]);
        e.hashes = t[hashes];
        // The EventRecordID of the event's XML, as Event Viewer and exports show it; a log saved
        // from a filter renumbers its records' headers (1, 2, ...) but keeps that.
        e.record_id = parse_id(t[event_record_id]);
        if (!e.record_id) e.record_id = r.record_id;
        deliver(e, window_, stats_, sink_);
    }

  private:
    const std::string& path_;
    event_sink& sink_;
    diagnostics& diag_;
    read_stats& stats_;
    const time_window& window_;
    timestamp latest_plausible_;
};

} // namespace

bool is_evtx_file(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return false;
    char magic[8] = {};
    const std::size_t got = std::fread(magic, 1, sizeof magic, f);
    std::fclose(f);
    return got == 8 && std::memcmp(magic, "ElfFile\0", 8) == 0;
}

bool plausible_recovered(std::string_view computer, std::string_view image,
                         const std::optional<timestamp>& time, timestamp latest) {
    constexpr timestamp earliest = timestamp{788'918'400} * ticks_per_second; // 1995-01-01
    if (!time || *time < earliest || *time > latest) return false;
    if (computer.empty()) return false;
    const bool drive = image.size() > 3 && std::isalpha(static_cast<unsigned char>(image[0])) &&
                       image[1] == ':' && image[2] == '\\';
    if (!drive && !(image.size() > 2 && image[0] == '\\')) return false;
    if (std::any_of(image.begin(), image.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
        return false;
    const std::string_view file = file_name_of(image);
    return !file.empty() && file.find('.') != std::string_view::npos;
}

std::optional<std::string> evtx_truncation(const std::string& path) {
    std::error_code ec;
    const std::uint64_t size = std::filesystem::file_size(path, ec);
    if (ec) return std::nullopt;
    unsigned char header[44] = {};
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return std::nullopt;
    const std::size_t got = std::fread(header, 1, sizeof header, f);
    std::fclose(f);
    return truncation(size, got == sizeof header ? header[42] | (header[43] << 8) : 0); // little-endian
}

void read_evtx(const std::string& path, std::uint64_t begin, std::uint64_t end, event_sink& sink,
               diagnostics& diag, read_stats& stats, const time_window& window) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0) {
        diag.report(problem_kind::unreadable_file, path, 0, "",
                    fmt::format("cannot be opened: {}", std::strerror(errno)));
        if (fd >= 0) ::close(fd);
        return;
    }
    const std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
    constexpr std::uint64_t everything = std::numeric_limits<std::uint64_t>::max();
    const bool first_range = begin == 0;
    if (first_range) ++stats.files;
    if (begin == 0 && end == everything) stats.bytes += size;
    // The chunks that start in [begin, end): every chunk belongs to exactly one range.
    const std::uint64_t chunks = evtx::chunk_count(size);
    const auto chunk_at = [&](std::uint64_t offset) {
        if (offset == everything) return chunks;
        return std::min(chunks,
                        offset <= evtx::file_header_bytes
                            ? 0
                            : (offset - evtx::file_header_bytes + evtx::chunk_bytes - 1) / evtx::chunk_bytes);
    };
    const std::uint64_t first_chunk = chunk_at(begin), end_chunk = chunk_at(end);
    // Read in batches of 64 chunks (4 MiB) into a buffer each thread keeps: memory stays small for
    // a log of any size, and threads do not contend for the process's page tables as they would
    // faulting in a mapped file.
    constexpr std::uint64_t batch = 64;
    buffer_lease buffer;
    evtx::live_ranges live;
    const bool one_batch = first_chunk == 0 && end_chunk == chunks && chunks <= batch;
    std::uint64_t header_count = 0;
    {
        std::uint8_t header[44] = {};
        if (read_at(fd, header, sizeof header, 0) == sizeof header)
            header_count = header[42] | (header[43] << 8);
    }
    std::span<const std::uint8_t> whole;
    std::optional<std::uint64_t> last_chunk; // the last chunk with a chunk's signature
    if (one_batch) {
        std::uint8_t* b = buffer.get(chunks * evtx::chunk_bytes);
        whole = {b, read_at(fd, b, chunks * evtx::chunk_bytes, evtx::file_header_bytes)};
        for (std::uint64_t i = 0; i + 1 <= whole.size() / evtx::chunk_bytes; ++i)
            if (live.add_chunk_header(b + i * evtx::chunk_bytes)) last_chunk = i;
    } else {
        // Free-space records are checked against the live records of the whole file.
        std::uint8_t header[40];
        for (std::uint64_t i = 0; i < chunks; ++i)
            if (read_at(fd, header, sizeof header, evtx::file_header_bytes + i * evtx::chunk_bytes) ==
                    sizeof header &&
                live.add_chunk_header(header))
                last_chunk = i;
    }
    live.finish();
    // The log's chunks: those its header counts, and in a log not closed cleanly (whose count is
    // stale) those up to the last real chunk. Past them a file may hold other data.
    const std::uint64_t log_chunks = std::max<std::uint64_t>(header_count, last_chunk ? *last_chunk + 1 : 0);
    event_mapper mapper(path, sink, diag, stats, window);
    evtx::scan_counts counts;
    if (one_batch) {
        evtx::decode_chunks(whole, 0, log_chunks, live, mapper, counts);
    } else {
        for (std::uint64_t c = first_chunk; c < end_chunk; c += batch) {
            const std::uint64_t n = std::min(batch, end_chunk - c);
            std::uint8_t* b = buffer.get(n * evtx::chunk_bytes);
            const std::size_t got =
                read_at(fd, b, n * evtx::chunk_bytes, evtx::file_header_bytes + c * evtx::chunk_bytes);
            evtx::decode_chunks({b, got}, c, log_chunks, live, mapper, counts);
        }
    }
    ::close(fd);
    // Live records: each is a record (process creations were counted as they were handed on).
    stats.lines += counts.other_events + counts.bad_records;
    stats.records += counts.other_events;
    stats.other_events += counts.other_events;
    stats.skipped_lines += counts.bad_records;
    // Free space holds whatever was overwritten: fragments, and stale records whose template
    // may itself have been overwritten since. It is not a problem of the file, and only a
    // process creation that validates is kept; the rest is a count in the run's summary
    // (read_stats::recovered_dropped).
    stats.recovered_dropped += counts.recovered_dropped + counts.recovered_other;
    if (counts.bad_records != 0 || counts.bad_chunks != 0) {
        std::string what;
        if (counts.bad_records != 0)
            what = fmt::format("{} event record{} cannot be read", counts.bad_records,
                               counts.bad_records == 1 ? "" : "s");
        if (counts.bad_chunks != 0)
            what += fmt::format("{}{} chunk{} {} damaged", what.empty() ? "" : " and ", counts.bad_chunks,
                                counts.bad_chunks == 1 ? "" : "s", counts.bad_chunks == 1 ? "is" : "are");
        // A large log read in ranges on several threads reports each range's losses.
        const bool part = first_chunk != 0 || end_chunk != chunks;
        diag.report(problem_kind::malformed_record, path, 0, "",
                    fmt::format("{}{}; the other records are read", what,
                                part ? fmt::format(" in chunks {} to {}", first_chunk + 1, end_chunk) : ""));
    }
    if (first_range)
        if (const auto why = truncation(size, header_count))
            diag.report(problem_kind::truncated_file, path, 0, "", *why);
}

} // namespace masq::detail
