// SPDX-License-Identifier: MIT
#pragma once

// Windows event log files: Security 4688 and Sysmon event 1 (evtx_source.cpp).

#include "masq/read.h"
#include "masq/util/timestamp.h"

#include <optional>
#include <string>
#include <string_view>

namespace masq::detail {

/// Whether a file starts with the EVTX signature "ElfFile\0".
bool is_evtx_file(const std::string& path);

/// Reads the process-creation events of an .evtx file (recovered records that validate included);
/// record numbers stand in for line numbers in problems.
void read_evtx(const std::string& path, event_sink& sink, diagnostics& diag, read_stats& stats,
               const time_window& window);

/**
 * Whether a process-creation record recovered from a log's free space is a record and not
 * misaligned data that happened to decode: its time within 1995 .. `latest`, a host, and an image
 * that is a Windows path to a file (`C:\…\x.exe`, `\\server\…`, `\Device\…`) without control
 * characters. Garbage seen in the wild: a version string as the image, a GUID as the time.
 */
bool plausible_recovered(std::string_view computer, std::string_view image,
                         const std::optional<timestamp>& time, timestamp latest);

} // namespace masq::detail
