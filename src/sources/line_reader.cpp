// SPDX-License-Identifier: MIT
#include "sources/line_reader.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <memory>
#include <simdjson.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

namespace masq::detail {
namespace {

/// A stream of uncompressed bytes. `read` returns the bytes read, 0 at the end, -1 on a failure
/// it has reported.
class byte_source {
  public:
    virtual ~byte_source() = default;
    virtual long read(char* out, std::size_t room) = 0;
    /// Compressed bytes taken from the file so far; 0 for a plain file (no bound applies).
    virtual std::uint64_t compressed_bytes() const noexcept { return 0; }
};

class plain_source final : public byte_source {
  public:
    plain_source(int fd, std::uint64_t offset, diagnostics& diag, std::string shown)
        : fd_(fd), offset_(offset), diag_(diag), shown_(std::move(shown)) {}
    ~plain_source() override { ::close(fd_); }
    long read(char* out, std::size_t room) override {
        for (;;) {
            const ssize_t got = ::pread(fd_, out, room, static_cast<off_t>(offset_));
            if (got >= 0) {
                offset_ += static_cast<std::uint64_t>(got);
                return got;
            }
            if (errno == EINTR) continue;
            if (errno == ESPIPE) return read_stream(out, room);
            diag_.report(problem_kind::unreadable_file, shown_, 0, "",
                         std::string("read error: ") + std::strerror(errno));
            return -1;
        }
    }

  private:
    long read_stream(char* out, std::size_t room) {
        const ssize_t got = ::read(fd_, out, room);
        if (got < 0) {
            diag_.report(problem_kind::unreadable_file, shown_, 0, "",
                         std::string("read error: ") + std::strerror(errno));
            return -1;
        }
        return got;
    }
    int fd_;
    std::uint64_t offset_;
    diagnostics& diag_;
    std::string shown_;
};

struct gz_closer {
    void operator()(gzFile f) const noexcept { gzclose(f); }
};

/// zlib reads plain input transparently and gzip members one after another.
class gzip_source final : public byte_source {
  public:
    gzip_source(gzFile in, diagnostics& diag, std::string shown)
        : in_(in), diag_(diag), shown_(std::move(shown)) {
        gzbuffer(in_.get(), 1u << 18);
    }
    long read(char* out, std::size_t room) override {
        const int got = gzread(in_.get(), out, static_cast<unsigned>(std::min<std::size_t>(room, 1u << 30)));
        if (got < 0) {
            int code = 0;
            const char* message = gzerror(in_.get(), &code);
            if (code == Z_ERRNO)
                diag_.report(problem_kind::unreadable_file, shown_, 0, "",
                             std::string("read error: ") + std::strerror(errno));
            else
                diag_.report(problem_kind::truncated_file, shown_, 0, "",
                             std::string("corrupt compressed data (") + (message ? message : "?") +
                                 "); lines before it were read");
            return -1;
        }
        if (got == 0) {
            int code = 0;
            gzerror(in_.get(), &code);
            if (code == Z_BUF_ERROR) {
                diag_.report(problem_kind::truncated_file, shown_, 0, "",
                             "compressed stream ends early; lines before it were read");
                return -1;
            }
        }
        return got;
    }
    std::uint64_t compressed_bytes() const noexcept override {
        const auto at = gzoffset(in_.get());
        return at > 0 ? static_cast<std::uint64_t>(at) : 0;
    }

  private:
    std::unique_ptr<gzFile_s, gz_closer> in_;
    diagnostics& diag_;
    std::string shown_;
};

/// Zstandard frames one after another (the streaming API, zstd's doc "Streaming decompression").
class zstd_source final : public byte_source {
  public:
    zstd_source(int fd, diagnostics& diag, std::string shown)
        : fd_(fd), stream_(ZSTD_createDStream()), input_(ZSTD_DStreamInSize()), diag_(diag),
          shown_(std::move(shown)) {
        ZSTD_initDStream(stream_);
    }
    ~zstd_source() override {
        ZSTD_freeDStream(stream_);
        ::close(fd_);
    }
    long read(char* out, std::size_t room) override {
        ZSTD_outBuffer output{out, room, 0};
        while (output.pos == 0) {
            if (in_.pos == in_.size) {
                const ssize_t got = ::read(fd_, input_.data(), input_.size());
                if (got < 0) {
                    diag_.report(problem_kind::unreadable_file, shown_, 0, "",
                                 std::string("read error: ") + std::strerror(errno));
                    return -1;
                }
                if (got == 0) {
                    if (!frame_done_) {
                        diag_.report(problem_kind::truncated_file, shown_, 0, "",
                                     "compressed stream ends early; lines before it were read");
                        return -1;
                    }
                    return 0;
                }
                in_ = {input_.data(), static_cast<std::size_t>(got), 0};
                taken_ += static_cast<std::uint64_t>(got);
            }
            const std::size_t hint = ZSTD_decompressStream(stream_, &output, &in_);
            if (ZSTD_isError(hint)) {
                diag_.report(problem_kind::truncated_file, shown_, 0, "",
                             std::string("corrupt compressed data (") + ZSTD_getErrorName(hint) +
                                 "); lines before it were read");
                return -1;
            }
            frame_done_ = hint == 0;
        }
        return static_cast<long>(output.pos);
    }
    std::uint64_t compressed_bytes() const noexcept override { return taken_; }

  private:
    std::uint64_t taken_ = 0;
    int fd_;
    ZSTD_DStream* stream_;
    std::vector<char> input_;
    ZSTD_inBuffer in_{nullptr, 0, 0};
    bool frame_done_ = true;
    diagnostics& diag_;
    std::string shown_;
};

compression sniff(int fd) {
    char magic[4] = {};
    const ssize_t got = ::pread(fd, magic, sizeof magic, 0);
    return buffer_compression(std::string_view(magic, got > 0 ? static_cast<std::size_t>(got) : 0));
}

} // namespace

compression detect_compression(const std::string& path) {
    if (path == "-") return compression::none;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return compression::none;
    const compression c = sniff(fd);
    ::close(fd);
    return c;
}

bool starts_with_json_object(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    char head[256];
    const ssize_t got = ::pread(fd, head, sizeof head, 0);
    ::close(fd);
    for (ssize_t i = 0; i < got; ++i) {
        if (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t') continue;
        return head[i] == '{';
    }
    return false;
}

line_read for_each_line(const std::string& path, diagnostics& diag,
                        const std::function<void(const padded_line&)>& on_line, std::size_t chunk_size,
                        std::uint64_t begin, std::uint64_t end, std::atomic<std::uint64_t>* progress,
                        std::size_t max_line_bytes, std::uint64_t max_expansion) {
    line_read result;
    const bool is_stdin = path == "-";
    const int fd = is_stdin ? dup(STDIN_FILENO) : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    const std::string shown = is_stdin ? std::string("<stdin>") : path;
    if (fd < 0) {
        const int err = errno;
        diag.report(err == ENOENT ? problem_kind::missing_file : problem_kind::unreadable_file, shown, 0, "",
                    std::string("cannot open: ") + std::strerror(err));
        return result;
    }
    std::unique_ptr<byte_source> source;
    const compression kind = is_stdin ? compression::gzip : sniff(fd);
    if (kind == compression::gzip) {
        gzFile in = gzdopen(fd, "rb");
        if (in == nullptr) {
            ::close(fd);
            diag.report(problem_kind::unreadable_file, shown, 0, "", "cannot open (out of memory)");
            return result;
        }
        source = std::make_unique<gzip_source>(in, diag, shown);
        begin = 0;
        end = std::numeric_limits<std::uint64_t>::max();
    } else if (kind == compression::zstd) {
        source = std::make_unique<zstd_source>(fd, diag, shown);
        begin = 0;
        end = std::numeric_limits<std::uint64_t>::max();
    } else {
        // A range that starts inside the file begins one byte early: if that byte ends a line the
        // range starts at a line, otherwise the partial line belongs to the previous range.
        source = std::make_unique<plain_source>(fd, begin == 0 ? 0 : begin - 1, diag, shown);
    }
    bool skip_partial = begin > 0;
    std::uint64_t buffer_offset = begin == 0 ? 0 : begin - 1; // file offset of buf[0]

    const auto too_long = [&](std::uint64_t line) {
        diag.report(problem_kind::malformed_record, shown, line, "",
                    fmt::format("line longer than {} bytes (--max-record-bytes); skipped", max_line_bytes));
    };
    // Inside a line known to be too long: its bytes are dropped, up to and with its newline.
    bool discarding = false;
    std::vector<char> buf(chunk_size + simdjson::SIMDJSON_PADDING);
    std::size_t filled = 0;
    for (;;) {
        if (buf.size() - filled < simdjson::SIMDJSON_PADDING + 1) // a line longer than the buffer
            buf.resize(buf.size() * 2);
        const std::size_t room = std::min(buf.size() - filled - simdjson::SIMDJSON_PADDING, chunk_size);
        const long got = source->read(buf.data() + filled, room);
        if (got < 0) return result; // the partial line in the buffer is not trustworthy
        const bool at_end = got == 0;
        result.bytes += static_cast<std::uint64_t>(got);
        if (progress != nullptr)
            progress->fetch_add(static_cast<std::uint64_t>(got), std::memory_order_relaxed);
        filled += static_cast<std::size_t>(got);
        if (expansion_exceeded(result.bytes, source->compressed_bytes(), max_expansion)) {
            diag.report(problem_kind::oversized_file, shown, 0, "", expansion_message(max_expansion));
            return result; // the partial line in the buffer is not delivered
        }
        std::size_t start = 0;
        if (discarding) {
            const void* nl = std::memchr(buf.data(), '\n', filled);
            if (nl == nullptr) {
                if (at_end) return result;
                buffer_offset += filled;
                filled = 0;
                continue;
            }
            start = static_cast<std::size_t>(static_cast<const char*>(nl) - buf.data()) + 1;
            discarding = false;
        }
        bool past_range = false;
        while (start < filled) {
            const void* nl = std::memchr(buf.data() + start, '\n', filled - start);
            std::size_t stop;
            if (nl != nullptr)
                stop = static_cast<std::size_t>(static_cast<const char*>(nl) - buf.data());
            else if (at_end)
                stop = filled; // last line without a newline
            else
                break;
            if (skip_partial) {
                skip_partial = false;
            } else {
                if (buffer_offset + start >= end) {
                    past_range = true;
                    break;
                }
                std::size_t length = stop - start;
                if (length > 0 && buf[start + length - 1] == '\r') --length; // CRLF files
                ++result.lines;
                if (length > max_line_bytes)
                    too_long(result.lines);
                else
                    on_line({std::string_view(buf.data() + start, length), buf.size() - start, result.lines});
            }
            start = stop + 1;
        }
        if (past_range || at_end) return result;
        start = std::min(start, filled);
        std::memmove(buf.data(), buf.data() + start, filled - start);
        filled -= start;
        buffer_offset += start;
        if (filled > max_line_bytes) { // the line at buf[0] has no end yet and is already too long
            if (skip_partial) {
                skip_partial = false; // the previous range's line: that range reports it
            } else {
                if (buffer_offset >= end) return result;
                too_long(++result.lines);
            }
            discarding = true;
            buffer_offset += filled;
            filled = 0;
        }
    }
}

std::uint64_t for_each_line_in_buffer(std::string_view data,
                                      const std::function<void(const padded_line&)>& on_line,
                                      diagnostics* diag, std::string_view name, std::size_t max_line_bytes) {
    const simdjson::padded_string padded(data); // the data plus SIMDJSON_PADDING zero bytes
    const char* buf = padded.data();
    const std::size_t capacity = data.size() + simdjson::SIMDJSON_PADDING;
    std::uint64_t line_number = 0;
    std::size_t start = 0;
    while (start < data.size()) {
        const void* nl = std::memchr(buf + start, '\n', data.size() - start);
        const std::size_t stop =
            nl != nullptr ? static_cast<std::size_t>(static_cast<const char*>(nl) - buf) : data.size();
        std::size_t length = stop - start;
        if (length > 0 && buf[start + length - 1] == '\r') --length;
        ++line_number;
        if (length <= max_line_bytes)
            on_line({std::string_view(buf + start, length), capacity - start, line_number});
        else if (diag != nullptr)
            diag->report(
                problem_kind::malformed_record, std::string(name), line_number, "",
                fmt::format("line longer than {} bytes (--max-record-bytes); skipped", max_line_bytes));
        start = stop + 1;
    }
    return data.size();
}

} // namespace masq::detail

namespace masq::detail {

compression buffer_compression(std::string_view data) noexcept {
    if (data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
        static_cast<unsigned char>(data[1]) == 0x8b)
        return compression::gzip;
    if (data.size() >= 4 && static_cast<unsigned char>(data[0]) == 0x28 &&
        static_cast<unsigned char>(data[1]) == 0xb5 && static_cast<unsigned char>(data[2]) == 0x2f &&
        static_cast<unsigned char>(data[3]) == 0xfd)
        return compression::zstd;
    return compression::none;
}

bool expansion_exceeded(std::uint64_t inflated, std::uint64_t compressed,
                        std::uint64_t max_expansion) noexcept {
    return max_expansion != 0 && compressed != 0 && inflated > expansion_slack &&
           inflated / compressed >= max_expansion;
}

std::string expansion_message(std::uint64_t max_expansion) {
    return fmt::format("inflates to more than {} times its compressed size (--max-expansion), as a "
                       "decompression bomb does; not read further, the lines before it are kept",
                       max_expansion);
}

bool decompress_or_report(std::string_view data, std::string& out, std::uint64_t max_expansion,
                          diagnostics& diag, const std::string& shown, std::string_view kept) {
    std::string error;
    if (decompress_buffer(data, out, error, max_expansion)) return true;
    if (expansion_exceeded(out.size(), data.size(), max_expansion))
        diag.report(problem_kind::oversized_file, shown, 0, "", error);
    else
        diag.report(problem_kind::truncated_file, shown, 0, "",
                    fmt::format("{}; the {} before it are kept", error, kept));
    return false;
}

bool decompress_buffer(std::string_view data, std::string& out, std::string& error,
                       std::uint64_t max_expansion) {
    out.clear();
    std::string chunk(std::size_t{1} << 20, '\0');
    const compression kind = buffer_compression(data);
    if (kind == compression::gzip) {
        z_stream z{};
        if (inflateInit2(&z, 15 + 32) != Z_OK) { // 15 + 32: gzip or zlib header, detected
            error = "cannot initialise zlib";
            return false;
        }
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
        z.avail_in = static_cast<uInt>(data.size());
        int rc = Z_OK;
        while (rc != Z_STREAM_END) {
            z.next_out = reinterpret_cast<Bytef*>(chunk.data());
            z.avail_out = static_cast<uInt>(chunk.size());
            rc = inflate(&z, Z_NO_FLUSH);
            out.append(chunk.data(), chunk.size() - z.avail_out);
            if (expansion_exceeded(out.size(), data.size(), max_expansion)) {
                inflateEnd(&z);
                error = expansion_message(max_expansion);
                return false;
            }
            if (rc == Z_STREAM_END && z.avail_in > 0) { // concatenated gzip members (RFC 1952 §2.2)
                inflateReset(&z);
                rc = Z_OK;
            } else if (rc != Z_OK && rc != Z_STREAM_END) {
                break;
            }
            if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) break; // input ended early
        }
        inflateEnd(&z);
        if (rc != Z_STREAM_END) {
            error = "truncated or corrupt gzip data";
            return false;
        }
        return true;
    }
    if (kind == compression::zstd) {
        ZSTD_DStream* stream = ZSTD_createDStream();
        ZSTD_initDStream(stream);
        ZSTD_inBuffer in{data.data(), data.size(), 0};
        std::size_t hint = 1;
        for (;;) {
            ZSTD_outBuffer o{chunk.data(), chunk.size(), 0};
            hint = ZSTD_decompressStream(stream, &o, &in);
            if (ZSTD_isError(hint)) {
                error = std::string("corrupt zstd data (") + ZSTD_getErrorName(hint) + ")";
                ZSTD_freeDStream(stream);
                return false;
            }
            out.append(chunk.data(), o.pos);
            if (expansion_exceeded(out.size(), data.size(), max_expansion)) {
                ZSTD_freeDStream(stream);
                error = expansion_message(max_expansion);
                return false;
            }
            // Done when all input is taken and the decoder had room to spare (nothing held back).
            if (in.pos == in.size && o.pos < o.size) break;
        }
        ZSTD_freeDStream(stream);
        if (hint != 0) {
            error = "truncated zstd data";
            return false;
        }
        return true;
    }
    out.assign(data);
    return true;
}

} // namespace masq::detail
