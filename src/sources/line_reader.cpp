// SPDX-License-Identifier: MIT
#include "sources/line_reader.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <simdjson.h>
#include <unistd.h>
#include <zlib.h>

namespace masq::detail {
namespace {

/// Splits complete lines out of buf[0, filled); returns where the unfinished tail starts.
std::size_t deliver_lines(std::vector<char>& buf, std::size_t filled, std::uint64_t& line_number,
                          const std::function<void(const padded_line&)>& on_line, bool final_chunk) {
    std::size_t start = 0;
    while (start < filled) {
        const void* nl = std::memchr(buf.data() + start, '\n', filled - start);
        std::size_t end;
        if (nl != nullptr)
            end = static_cast<std::size_t>(static_cast<const char*>(nl) - buf.data());
        else if (final_chunk)
            end = filled; // last line without a newline
        else
            break;
        ++line_number;
        std::size_t len = end - start;
        if (len > 0 && buf[start + len - 1] == '\r') --len; // CRLF files
        on_line({std::string_view(buf.data() + start, len), buf.size() - start, line_number});
        start = end + 1;
    }
    return std::min(start, filled);
}

struct gz_closer {
    void operator()(gzFile f) const noexcept { gzclose(f); }
};

} // namespace

std::uint64_t for_each_line(const std::string& path, diagnostics& diag,
                            const std::function<void(const padded_line&)>& on_line, std::size_t chunk_size) {
    const bool is_stdin = path == "-";
    const int fd = is_stdin ? dup(STDIN_FILENO) : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    const std::string shown = is_stdin ? std::string("<stdin>") : path;
    if (fd < 0) {
        const int err = errno;
        diag.report(err == ENOENT ? problem_kind::missing_file : problem_kind::unreadable_file, shown, 0, "",
                    std::string("cannot open: ") + std::strerror(err));
        return 0;
    }
    // zlib reads plain files transparently, and gzip members one after another.
    std::unique_ptr<gzFile_s, gz_closer> in(gzdopen(fd, "rb"));
    if (!in) {
        ::close(fd);
        diag.report(problem_kind::unreadable_file, shown, 0, "", "cannot open (out of memory)");
        return 0;
    }
    gzbuffer(in.get(), 1u << 18);
    std::vector<char> buf(chunk_size + simdjson::SIMDJSON_PADDING);
    std::size_t filled = 0;
    std::uint64_t total = 0, line_number = 0;
    for (;;) {
        if (buf.size() - filled < simdjson::SIMDJSON_PADDING + 4096) // a line longer than the buffer
            buf.resize(buf.size() * 2);
        const std::size_t room = buf.size() - filled - simdjson::SIMDJSON_PADDING;
        const int got = gzread(in.get(), buf.data() + filled,
                               static_cast<unsigned>(std::min<std::size_t>(room, 1u << 30)));
        if (got < 0) {
            int code = 0;
            const char* message = gzerror(in.get(), &code);
            if (code == Z_ERRNO)
                diag.report(problem_kind::unreadable_file, shown, line_number, "",
                            std::string("read error: ") + std::strerror(errno));
            else
                diag.report(problem_kind::truncated_file, shown, line_number, "",
                            std::string("corrupt compressed data (") + (message ? message : "?") +
                                "); lines before it were read");
            return total; // the partial line in the buffer is not trustworthy
        }
        if (got == 0) {
            int code = 0;
            gzerror(in.get(), &code);
            if (code == Z_BUF_ERROR) {
                diag.report(problem_kind::truncated_file, shown, line_number, "",
                            "compressed stream ends early; lines before it were read");
                return total;
            }
            deliver_lines(buf, filled, line_number, on_line, /*final_chunk=*/true);
            return total;
        }
        total += static_cast<std::uint64_t>(got);
        filled += static_cast<std::size_t>(got);
        const std::size_t consumed = deliver_lines(buf, filled, line_number, on_line, false);
        std::memmove(buf.data(), buf.data() + consumed, filled - consumed);
        filled -= consumed;
    }
}

std::uint64_t for_each_line_in_buffer(std::string_view data,
                                      const std::function<void(const padded_line&)>& on_line) {
    std::vector<char> buf(data.size() + simdjson::SIMDJSON_PADDING);
    std::memcpy(buf.data(), data.data(), data.size());
    std::uint64_t line_number = 0;
    deliver_lines(buf, data.size(), line_number, on_line, true);
    return data.size();
}

} // namespace masq::detail
