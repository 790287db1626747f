// SPDX-License-Identifier: MIT
// The allow-list (JSON lines of globs, `#` comments): a bad rule is an input_error naming its
// line, never a crash; a list that loads is matched against the findings of a small fleet whose
// names and paths exercise every glob (`*`, `?`, normalised paths, hosts).
#include "masq/allow_list.h"

#include "fuzz_common.h"

namespace {

const masq::process_profile& fleet() {
    static const masq::process_profile profile = [] {
        std::string lines;
        for (int i = 0; i < 40; ++i)
            lines +=
                R"({"EventID":4688,"Process":"svchost.exe","NewProcessName":"C:\\Windows\\System32\\svchost.exe","Computer":"HOST-)" +
                std::to_string(i % 7) + R"(","TimeGenerated":"2019-01-15T10:00:00Z"})" + "\n";
        lines +=
            R"({"EventID":4688,"Process":"svch0st.exe","NewProcessName":"C:\\Users\\a\\AppData\\Local\\Temp\\svch0st.exe","Computer":"LAB-1","TimeGenerated":"2019-01-15T11:00:00Z"})"
            "\n";
        lines +=
            R"({"EventID":4688,"Process":"lsass.exe","NewProcessName":"\\Device\\HarddiskVolume2\\Temp\\lsass.exe","Computer":"HOST-1","TimeGenerated":"2019-01-15T12:00:00Z"})"
            "\n";
        masq::process_profile p;
        masq::diagnostics diag;
        masq::read_stats stats;
        masq::read_buffer(lines, "fleet", p, diag, stats);
        return p;
    }();
    return profile;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const masq::allow_list allow =
            masq::allow_list::parse({reinterpret_cast<const char*>(data), size}, "fuzz-allow-list");
        masq_fuzz::detect_and_render(fleet(), &allow);
    } catch (const masq::input_error&) {
        // A bad rule: the documented outcome (the CLI names file, line and field).
    }
    return 0;
}
