// SPDX-License-Identifier: MIT
#pragma once

/// Reads a file (plain or gzip, or standard input) in large chunks and hands out its lines with
/// SIMDJSON_PADDING readable bytes after each, so simdjson can parse them in place.

#include "masq/diagnostics.h"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace masq::detail {

/// One line without its terminator ("\n" or "\r\n"); `capacity` bytes from `text.data()` are readable.
struct padded_line {
    std::string_view text;
    std::size_t capacity;
    std::uint64_t number; ///< 1-based
};

/// Calls `on_line` for every line of `path` ("-" = stdin). Returns the uncompressed bytes read.
/// Open and read failures and gzip truncation are reported to `diag` as file problems; lines read
/// before such a failure have been delivered, and a partial last line of a truncated stream is not.
std::uint64_t for_each_line(const std::string& path, diagnostics& diag,
                            const std::function<void(const padded_line&)>& on_line,
                            std::size_t chunk_size = std::size_t{1} << 22);

/// Same over a memory buffer (copied once into a padded buffer).
std::uint64_t for_each_line_in_buffer(std::string_view data,
                                      const std::function<void(const padded_line&)>& on_line);

} // namespace masq::detail
