// SPDX-License-Identifier: MIT
// Times and spans the user or the data give: ISO 8601 times (TimeGenerated, --from/--to), spans
// (--since: F9), the window they make, and the y=/m=/d=/h=/m= export folders pruned by it (F7,
// F8). Input: up to four fields separated by newlines. A parsed time formats to text that parses
// back to itself.
#include "masq/read.h"
#include "masq/util/timestamp.h"

#include <cstdint>
#include <stdexcept>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view fields[4];
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    for (auto& f : fields) {
        const auto nl = rest.find('\n');
        f = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
    if (const auto t = masq::parse_iso8601(fields[0])) {
        const std::string text = masq::format_iso8601(*t);
        const auto again = masq::parse_iso8601(text);
        if (!again || *again != *t) __builtin_trap(); // the writer's text reads back as the same time
    }
    (void)masq::parse_duration(fields[2]);
    try {
        const masq::time_window window = masq::make_time_window(
            fields[0], fields[1], fields[2], masq::parse_iso8601("2020-01-01").value_or(0));
        if (window.from && window.to && *window.from >= *window.to) __builtin_trap(); // never an empty window
        (void)masq::export_folder_outside(fields[3], window);
    } catch (const std::invalid_argument&) {
        // An option the user gave that cannot be read: the CLI names it.
    }
    return 0;
}
