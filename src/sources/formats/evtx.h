// SPDX-License-Identifier: MIT
#pragma once

// Windows event log files: Security 4688 and Sysmon event 1 (evtx_source.cpp).

#include "masq/read.h"

#include <string>

namespace masq::detail {

/// Whether a file starts with the EVTX signature "ElfFile\0".
bool is_evtx_file(const std::string& path);

/// Reads the process-creation events of an .evtx file (recovered records included); record
/// numbers stand in for line numbers in problems.
void read_evtx(const std::string& path, event_sink& sink, diagnostics& diag, read_stats& stats,
               const time_window& window);

} // namespace masq::detail
