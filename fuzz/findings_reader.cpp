// SPDX-License-Identifier: MIT
// The findings JSON-lines reader (`masq send FILE`, `--from-findings`): what `masq detect --format
// jsonl` wrote, or anything a user points it at. What it reads is rendered again in every format
// and as Sentinel records (F5 and F6 in tests/data/fuzz-regressions).
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    masq::diagnostics diag;
    const std::vector<masq::finding> findings =
        masq::read_findings_jsonl({reinterpret_cast<const char*>(data), size}, "fuzz-findings", diag);
    std::ostringstream out;
    masq::write_findings_jsonl(out, findings);
    masq::write_findings_csv(out, findings);
    masq::table_options table;
    table.fit = true;
    table.show_reasons = true;
    table.max_samples = 3;
    masq::write_findings_table(out, findings, table);
    for (const auto payload : {masq::sentinel_payload::findings, masq::sentinel_payload::seed})
        (void)masq::sentinel_records(findings, {0, "run", "full"}, payload);
    return 0;
}
