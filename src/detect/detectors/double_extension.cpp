// SPDX-License-Identifier: MIT
// Double extensions: `invoice.pdf.exe`, `report.docx      .scr`, `svchost.exe.exe` — an
// executable dressed as a document (Sigma proc_creation_win_susp_double_extension).
#include "detect/context.h"

#include <fmt/format.h>

namespace masq::detectors {

namespace {

void run(const detector_context& ctx, std::vector<hit>& out) {
    for (const name_entry& e : ctx.names) {
        const std::string_view name = e.name;
        const auto last = name.rfind('.');
        if (last == std::string_view::npos || last == 0) continue;
        const std::string_view outer = name.substr(last + 1);
        if (!executable_extension(outer)) continue;
        std::string_view rest = name.substr(0, last);
        while (!rest.empty() && (rest.back() == ' ' || rest.back() == '_')) // padding pushes .exe out of view
            rest.remove_suffix(1);
        const auto inner_dot = rest.rfind('.');
        if (inner_dot == std::string_view::npos || inner_dot == 0) continue;
        const std::string_view inner = rest.substr(inner_dot + 1);
        if (!decoy_extension(inner)) continue;
        const bool padded = rest.size() < last;
        const bool document = inner != "exe" && inner != "dll";
        double score = document ? 0.85 : 0.75;
        if (padded) score += 0.05;
        out.push_back(
            make_finding(ctx, e, nullptr, "double-extension", score,
                         fmt::format("an executable .{} named like a .{} file{}", outer, inner,
                                     padded ? " (padded so the real extension is pushed out of view)" : "")));
    }
}

} // namespace

const detector double_extension{
    {"double-extension", detector_category::name, "T1036.007",
     "an executable type after a document, media, archive or executable extension (invoice.pdf.exe)"},
    run,
    nullptr};

} // namespace masq::detectors
