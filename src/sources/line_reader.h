// SPDX-License-Identifier: MIT
#pragma once

/// Reads a file (plain, gzip or zstd — detected from its first bytes — or standard input) in
/// large chunks and hands out its lines with SIMDJSON_PADDING readable bytes after each, so
/// simdjson can parse them in place. A plain file can be read as a byte range, which lets
/// several threads share one large file.

#include "masq/diagnostics.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace masq::detail {

/// One line without its terminator ("\n" or "\r\n"); `capacity` bytes from `text.data()` are readable.
struct padded_line {
    std::string_view text;
    std::size_t capacity;
    std::uint64_t number; ///< 1-based, counted from the first line of the range
};

enum class compression : std::uint8_t { none, gzip, zstd };

/// What a file starts with (`-` is reported as none: standard input is read through zlib, which
/// passes plain text through).
compression detect_compression(const std::string& path);

/// What a buffer starts with: the gzip (1f 8b) or zstd (28 b5 2f fd) magic, or neither.
compression buffer_compression(std::string_view data) noexcept;

/// Past this many inflated bytes, a compressed input is held to `max_expansion` (small files of
/// very repetitive text may legitimately inflate more).
inline constexpr std::uint64_t expansion_slack = std::uint64_t{64} << 20;

/// Whether `inflated` bytes from `compressed` ones break the bound `max_expansion` (inflated per
/// compressed byte; 0 = no bound) once past `expansion_slack`.
bool expansion_exceeded(std::uint64_t inflated, std::uint64_t compressed,
                        std::uint64_t max_expansion) noexcept;

/// The problem's message when a file breaks the bound.
std::string expansion_message(std::uint64_t max_expansion);

/// `data` decompressed into `out` when it is gzip (members concatenated) or zstd, copied when it
/// is neither; false with `error` set for truncated or corrupt data, or data that inflates past
/// `max_expansion` (0 = no bound).
bool decompress_buffer(std::string_view data, std::string& out, std::string& error,
                       std::uint64_t max_expansion = 0);

/// decompress_buffer, with a failure reported to `diag` as a problem of the input `shown`:
/// `oversized-file` past `max_expansion`, otherwise `truncated-file` saying that the `kept`
/// (lines, findings) before the damage are kept; what did inflate is in `out` either way. False
/// when it failed (the last line in `out` may then be partial).
bool decompress_or_report(std::string_view data, std::string& out, std::uint64_t max_expansion,
                          diagnostics& diag, const std::string& shown, std::string_view kept);

/// Whether the first non-blank byte of a plain file is '{' (JSON lines, not CSV).
bool starts_with_json_object(const std::string& path);

struct line_read {
    std::uint64_t bytes = 0; ///< uncompressed bytes read
    std::uint64_t lines = 0; ///< lines delivered
};

/// The lines of a plain file that *start* in [begin, end) — the line that crosses `end` belongs to
/// this range, the one that crosses `begin` to the previous range — or of a whole compressed file
/// or standard input. Open and read failures and truncated compressed data are reported to `diag`
/// as file problems; lines read before such a failure have been delivered, and a partial last
/// line of a truncated stream is not. A line longer than `max_line_bytes` is not delivered but
/// reported as a malformed record (it keeps its number): its bytes are dropped as they are read,
/// so memory stays near `chunk_size` + `max_line_bytes` whatever the input. A compressed input
/// that inflates past `max_expansion` (expansion_exceeded) is an `oversized_file` problem and is
/// read no further.
line_read for_each_line(const std::string& path, diagnostics& diag,
                        const std::function<void(const padded_line&)>& on_line,
                        std::size_t chunk_size = std::size_t{1} << 22, std::uint64_t begin = 0,
                        std::uint64_t end = std::numeric_limits<std::uint64_t>::max(),
                        std::atomic<std::uint64_t>* progress = nullptr,
                        std::size_t max_line_bytes = std::numeric_limits<std::size_t>::max(),
                        std::uint64_t max_expansion = 0);

/// Same over a memory buffer (copied once into a padded buffer). A line longer than
/// `max_line_bytes` is skipped and, when `diag` is given, reported as a malformed record of `name`.
std::uint64_t for_each_line_in_buffer(std::string_view data,
                                      const std::function<void(const padded_line&)>& on_line,
                                      diagnostics* diag = nullptr, std::string_view name = {},
                                      std::size_t max_line_bytes = std::numeric_limits<std::size_t>::max());

} // namespace masq::detail
