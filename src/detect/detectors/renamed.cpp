// SPDX-License-Identifier: MIT
// Renamed binaries (T1036.003): the PE's original file name (Sysmon and Defender record it) is a
// Windows binary or a known dual-use tool while the file runs under another name — regsvr32 as
// `jabber.exe`, cmd as `i.exe`, calc as `svchost.exe`. Only when the source has the field; 4688
// does not.
#include "detect/context.h"
#include "masq/util/unicode.h"

#include <fmt/format.h>

namespace masq::detectors {
namespace {

/// `PowerShell.EXE.MUI` -> `powershell.exe`: lower-cased, without the resource suffix.
std::string normalise_original(std::string_view original) {
    std::string s = to_lower_full(original);
    if (s.size() > 4 && s.compare(s.size() - 4, 4, ".mui") == 0) s.resize(s.size() - 4);
    return s;
}

/// Attack and admin tools whose original names identify them even though Windows does not ship
/// them (data/catalog/dual_use_tools.tsv).
struct tool_row {
    std::string_view original_file_name;
};

constexpr tool_row dual_use_tools[] = {
#include "masq_data/catalog/dual_use_tools.inc"
};

bool dual_use_tool(std::string_view original) {
    for (const auto& [t] : dual_use_tools)
        if (original == t) return true;
    return false;
}

/// One detection per name and original file name; its evidence is the events that recorded it.
void run(const detector_context& ctx, std::vector<hit>& out) {
    for (const name_entry& e : ctx.names) {
        for (const value_count& o : top_values(original_names_of(*e.stats))) {
            const std::string original = normalise_original(o.value);
            if (original.empty() || original == e.name) continue;
            const known_binary* known = ctx.catalog.find(original);
            // Only binaries attackers imitate: installers and helpers record generic original
            // names of known files (Teams' updater says it is Setup.exe).
            if (known != nullptr && !known->imitated) known = nullptr;
            if (known == nullptr && !dual_use_tool(original)) continue;
            // Tools record their own stem (PsExec: "psexec.c", ProcDump: "procdump"); their 64-bit
            // builds add a suffix. Those are the tool under its own name, not a disguise.
            const std::string_view stem = std::string_view(e.name).substr(0, e.name.rfind('.'));
            const std::string_view original_stem = std::string_view(original).substr(0, original.rfind('.'));
            if (known == nullptr && stem.substr(0, original_stem.size()) == original_stem) continue;
            if (is_benign_lookalike(e.name, original)) continue;
            double score = 0.85;
            if (known != nullptr && known->role == binary_role::core) score += 0.05;
            if (known == nullptr) score += 0.05; // an attack tool under a disguise
            evidence_set evidence =
                variants_where(*e.stats, [&](const variant_key& key, const variant_stats&) {
                    return key.original_name && *key.original_name == o.value;
                });
            // What it really is, not what it imitates: the name it runs under is its own.
            hit h = make_finding(ctx, e, nullptr, "renamed", score,
                                 fmt::format("really {} (OriginalFileName {})", original, o.value),
                                 std::move(evidence));
            out.push_back(std::move(h));
        }
    }
}

/// The original file names the events recorded for the name, if any.
void explain(const detector_context&, const explain_request& request, std::vector<std::string>& lines) {
    if (request.self == nullptr) return;
    const string_count_map originals = original_names_of(*request.self->stats);
    if (originals.empty()) return;
    std::string seen;
    for (const value_count& o : top_values(originals, 5))
        seen += fmt::format("{}{} ({})", seen.empty() ? "" : ", ", o.value, o.count);
    lines.push_back(fmt::format("original file names recorded: {}", seen));
}

} // namespace

const detector renamed_binaries{
    {"renamed", detector_category::name, "T1036.003",
     "the PE's original file name is a Windows binary or a dual-use tool running under another name"},
    run,
    explain};

} // namespace masq::detectors
