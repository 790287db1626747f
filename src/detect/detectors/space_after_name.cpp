// SPDX-License-Identifier: MIT
// Space after the file name (ATT&CK T1036.006): `svchost.exe ` or `svchost .exe` — a name that
// reads as a system binary's in a listing while it is another file, or that hides its real
// extension behind a trailing space. Windows strips trailing spaces and dots when it opens a
// path by its Win32 name, so a file that keeps one was created through the NT path (`\\?\`),
// which ordinary software does not do (Microsoft, "Naming Files, Paths, and Namespaces").
#include "detect/context.h"
#include "masq/util/text.h"

#include <fmt/format.h>

namespace masq::detectors {
namespace {

/// Spaces Windows renders as blanks: U+0020, NO-BREAK SPACE and the EN/EM/... spaces.
bool blank(std::string_view bytes) {
    return bytes == " " || bytes == "\xc2\xa0" ||
           (bytes.size() == 3 && bytes[0] == '\xe2' && bytes[1] == '\x80' &&
            static_cast<unsigned char>(bytes[2]) >= 0x80 && static_cast<unsigned char>(bytes[2]) <= 0x8a);
}

/// Where the blanks are: after the whole name, or before its extension; none when neither.
std::string_view where_blank(std::string_view name) {
    std::vector<std::string_view> chars;
    for_each_code_point(name, [&](UChar32, std::string_view bytes) { chars.push_back(bytes); });
    if (!chars.empty() && blank(chars.back())) return "after the name";
    for (std::size_t i = 0; i + 1 < chars.size(); ++i)
        if (blank(chars[i]) && chars[i + 1] == "." && i + 2 < chars.size()) return "before the extension";
    return {};
}

void run(const detector_context& ctx, std::vector<hit>& out) {
    for (const name_entry& e : ctx.names) {
        const std::string_view where = where_blank(e.name);
        if (where.empty()) continue;
        // The name without its blanks: what a reader of the listing takes it for.
        std::string plain;
        for_each_code_point(e.name, [&](UChar32, std::string_view bytes) {
            if (!blank(bytes)) plain += bytes;
        });
        const target* imitated = find_target(ctx, plain);
        const double score = imitated != nullptr ? 0.92 : 0.75; // above a one-edit look-alike: this says how
        out.push_back(
            make_finding(ctx, e, imitated, "space-after-name", score,
                         fmt::format("a space {}{}", where,
                                     imitated != nullptr ? fmt::format(": reads as {}", plain) : "")));
    }
}

} // namespace

const detector space_after_name{
    {"space-after-name", detector_category::name, "T1036.006",
     "a blank after the name or before its extension (svchost.exe , svchost .exe)"},
    run,
    nullptr};

} // namespace masq::detectors
