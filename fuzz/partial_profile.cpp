// SPDX-License-Identifier: MIT
// The partial profile's decoder (masq.spark.detect_files: the bytes an executor sends the driver,
// partial_profile.h). A bad input is an error string, never a crash or an allocation larger than
// the input could describe; what decodes is merged (a task per file), detected in both modes and
// rendered, and must encode and decode again (traps otherwise).
#include "masq/partial_profile.h"

#include "fuzz_common.h"

#include <cstdlib>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    masq::partial_profile part;
    if (!masq::decode_partial({reinterpret_cast<const char*>(data), size}, part).empty()) return 0;
    masq::process_profile profile;
    masq::diagnostics diag(false);
    masq::read_stats stats;
    std::vector<masq::task_place> places;
    for (std::size_t t = 0; t < part.task_lines.size(); ++t)
        places.push_back({1000 * t, t}); // a task per file, after 1000 lines of others
    masq::add_partial(profile, diag, stats, std::move(part), places);
    masq_fuzz::detect_and_render(profile);
    masq::partial_profile again;
    // Merged, a sample's order is (file << 40 | line): with a task per file (and one more, for a
    // hostile line past 2^40 that carries into the file's bits) it encodes again.
    const std::vector<std::uint64_t> lines(places.size() + 1, 0);
    const std::vector<masq::diagnostics> problems(places.size() + 1, diag);
    if (!masq::decode_partial(masq::encode_partial(profile, lines, problems, stats), again).empty())
        std::abort();
    return 0;
}
