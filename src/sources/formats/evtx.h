// SPDX-License-Identifier: MIT
#pragma once

// Windows event log files: Security 4688 and Sysmon event 1 (evtx.cpp, evtx_binxml.cpp).

#include "masq/read.h"
#include "masq/util/timestamp.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace masq::detail {

/// Whether a file starts with the EVTX signature "ElfFile\0".
bool is_evtx_file(const std::string& path);

/// A large log is read in ranges of whole chunks on several threads: ranges of at least this.
inline constexpr std::uint64_t evtx_min_range = std::uint64_t{4} << 20;

/**
 * Reads the process-creation events of an .evtx file (records recovered from free space that
 * validate included) with masq's own decoder, or only the chunks that start in the byte range
 * [begin, end) of it (a large file read by several threads). What cannot be read is counted and
 * reported once per file (or range). Problems carry the event record identifier as their line.
 */
void read_evtx(const std::string& path, std::uint64_t begin, std::uint64_t end, event_sink& sink,
               diagnostics& diag, read_stats& stats, const time_window& window);

/// The reference reader (libevtx's XML rendering read with libxml2, evtx_reference.cpp): slow,
/// independent of the decoder, and what the differential test compares it with.
void read_evtx_reference(const std::string& path, event_sink& sink, diagnostics& diag, read_stats& stats,
                         const time_window& window);

/// Why a log looks cut short (a file that ends inside a chunk or before the chunks its header
/// counts), or nothing.
std::optional<std::string> evtx_truncation(const std::string& path);

/**
 * Whether a process-creation record recovered from a log's free space is a record and not
 * misaligned data that happened to decode: its time within 1995 .. `latest`, a host, and an image
 * that is a Windows path to a file (`C:\…\x.exe`, `\\server\…`, `\Device\…`) without control
 * characters. Garbage seen in the wild: a version string as the image, a GUID as the time.
 */
bool plausible_recovered(std::string_view computer, std::string_view image,
                         const std::optional<timestamp>& time, timestamp latest);

} // namespace masq::detail
