// SPDX-License-Identifier: MIT
// SecurityEvent JSON lines (the Log Analytics export and query results), the notebook's input:
// parsed, profiled and detected in both modes. The first byte chooses the variant of the read:
// name from path (full mode's), de-duplication, a time window.
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::uint8_t flags = masq_fuzz::take_byte(data, size);
    masq::read_options options;
    options.format = masq::input_format::sentinel;
    options.dedupe = (flags & 2) != 0;
    if (flags & 4) options.window.from = masq::parse_iso8601("2019-01-01T00:00:00Z");
    options.samples = flags >> 5;
    masq_fuzz::read_and_detect({reinterpret_cast<const char*>(data), size}, options, (flags & 1) != 0);
    return 0;
}
