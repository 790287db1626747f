// SPDX-License-Identifier: MIT
// The partial profile's decoder (masq.spark.detect_files: the bytes an executor sends the driver,
// partial_profile.h). A bad input is an error string, never a crash or an allocation larger than
// the input could describe; what decodes is merged as a second task of the same file, detected in
// both modes and rendered, and the merged profile must encode and decode again (traps otherwise).
#include "masq/partial_profile.h"

#include "fuzz_common.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    masq::partial_profile part;
    if (!masq::decode_partial({reinterpret_cast<const char*>(data), size}, part).empty()) return 0;
    masq::process_profile profile;
    masq::diagnostics diag(false);
    masq::read_stats stats;
    masq::add_partial(profile, diag, stats, std::move(part), 1000, 1);
    masq_fuzz::detect_and_render(profile);
    masq::partial_profile again;
    if (!masq::decode_partial(masq::encode_partial(profile, diag, stats, 0), again).empty()) std::abort();
    return 0;
}
