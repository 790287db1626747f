// SPDX-License-Identifier: MIT
// Windows event log files (.evtx) through masq's BinXml decoder (evtx_binxml.cpp): chunks,
// records, templates, substitution values, recovered records, truncated files (O2). The input is
// the whole file, read twice: through the reader driver into the detectors and every output
// format, and in ranges of a few chunks, whose events must be those of the whole file (a large
// log is read so on several threads): any difference traps. Seeds: the real logs' first chunks.
#include "sources/formats/evtx.h"

#include "file_input.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace {

/// Every field of an event on one line.
class collect final : public masq::event_sink {
  public:
    std::vector<std::string> rows;
    void on_event(const masq::process_event& e) override {
        std::string row;
        for (const auto& v :
             {e.path, e.host, e.parent_path, e.user, e.command_line, e.original_file_name, e.hashes})
            row.append(v ? *v : "<none>").push_back('|');
        row += std::to_string(e.time.value_or(-1)) + '|' + std::to_string(e.record_id.value_or(0)) + '|' +
               std::to_string(e.process_id.value_or(0)) + '|' +
               std::to_string(e.parent_process_id.value_or(0));
        rows.push_back(std::move(row));
    }
};

std::vector<std::string> read_range(const std::string& path, std::uint64_t begin, std::uint64_t end) {
    collect c;
    masq::diagnostics diag;
    masq::read_stats stats;
    masq::detail::read_evtx(path, begin, end, c, diag, stats, {});
    return std::move(c.rows);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // Without the signature the driver reads the file as JSON lines: the other harnesses' work.
    if (size < 8 || std::memcmp(data, "ElfFile", 8) != 0) return -1;
    masq::read_options options;
    options.name_from_path = true;
    masq_fuzz::read_file_and_detect(data, size, options);

    const int fd = memfd_create("masq-fuzz-evtx", MFD_CLOEXEC);
    if (fd < 0) return 0;
    for (std::size_t done = 0; done < size;) {
        const ssize_t n = ::write(fd, data + done, size - done);
        if (n <= 0) {
            ::close(fd);
            return 0;
        }
        done += static_cast<std::size_t>(n);
    }
    const std::string path = "/proc/self/fd/" + std::to_string(fd);
    constexpr std::uint64_t all = std::numeric_limits<std::uint64_t>::max();
    std::vector<std::string> whole = read_range(path, 0, all), pieces;
    // Ranges of two chunks and a bit, so their ends fall inside chunks.
    constexpr std::uint64_t step = 2 * 65536 + 4099;
    for (std::uint64_t at = 0; at < size; at += step) {
        std::vector<std::string> part = read_range(path, at, at + step >= size ? all : at + step);
        pieces.insert(pieces.end(), part.begin(), part.end());
    }
    ::close(fd);
    std::sort(whole.begin(), whole.end());
    std::sort(pieces.begin(), pieces.end());
    if (whole != pieces) __builtin_trap();
    return 0;
}
