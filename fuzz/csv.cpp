// SPDX-License-Identifier: MIT
// CSV with a header (Sentinel, Log Analytics and Defender advanced-hunting exports): separator
// detection, quoting, headers without the columns masq needs. libcsv is instrumented only where
// we call it; the harness follows every row into detection.
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::uint8_t flags = masq_fuzz::take_byte(data, size);
    masq::read_options options;
    options.format = (flags & 1) ? masq::input_format::csv : masq::input_format::auto_detect;
    masq_fuzz::read_and_detect({reinterpret_cast<const char*>(data), size}, options, (flags & 2) != 0);
    return 0;
}
