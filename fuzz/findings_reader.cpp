// SPDX-License-Identifier: MIT
// The findings JSON-lines reader (`masq send FILE`, `--from-findings`): what `masq detect --format
// jsonl` wrote, or anything a user points it at. What it reads is rendered again in every format
// and as Sentinel records (F5 and F6 in tests/data/fuzz-regressions).
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    masq::diagnostics diag;
    const std::vector<masq::finding> findings =
        masq::read_findings_jsonl({reinterpret_cast<const char*>(data), size}, "fuzz-findings", diag);
    masq_fuzz::render(findings);
    return 0;
}
