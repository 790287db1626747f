// SPDX-License-Identifier: MIT
// Windows event log files (.evtx, libevtx): Security 4688 and Sysmon event 1, recovered records,
// truncated files (O2), damaged chunks (F10 is a leak inside libfwevt: see leak suppressions in
// fuzz/lsan.supp). The input is the whole file; seeds are the real .evtx samples' first chunks.
#include "file_input.h"

#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // Without the signature the driver reads the file as JSON lines: the other harnesses' work.
    if (size < 8 || std::memcmp(data, "ElfFile", 8) != 0) return -1;
    masq::read_options options;
    options.name_from_path = true;
    masq_fuzz::read_file_and_detect(data, size, options);
    return 0;
}
