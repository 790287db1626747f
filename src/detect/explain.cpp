// SPDX-License-Identifier: MIT
#include "masq/explain.h"

#include "detect/context.h"
#include "masq/detect/catalog.h"
#include "masq/match/confusable.h"
#include "masq/match/similarity.h"
#include "masq/util/unicode.h"
#include "masq/util/windows_path.h"

#include <algorithm>
#include <fmt/format.h>

namespace masq {

explanation explain_name(const process_profile& data, std::string_view raw_name, std::string_view path,
                         const detect_options& options) {
    explanation ex;
    const std::string name = to_lower_full(raw_name);
    process_profile profile = data;
    if (profile.find(name) == nullptr) {
        process_event e;
        e.process = name;
        if (!path.empty()) e.path = path;
        profile.add(e);
        ex.lines.push_back(fmt::format("{} is not in the data: considered as seen once{}", name,
                                       path.empty() ? "" : fmt::format(" at {}", path)));
    }
    detect_options full = options;
    full.mode = detect_mode::full;
    for (finding& f : detect(profile, full).findings)
        if (f.suspicious_process == name) ex.findings.push_back(std::move(f));

    const frequency_split split = split_by_frequency(profile, options.thresholds);
    const detectors::detector_context ctx = detectors::make_context(profile, split, full);
    const auto self = std::find_if(ctx.names.begin(), ctx.names.end(),
                                   [&](const detectors::name_entry& e) { return e.name == name; });
    if (self != ctx.names.end())
        ex.lines.push_back(fmt::format("seen {} time{}, percent_rank {:.3f}: {}", self->stats->count,
                                       self->stats->count == 1 ? "" : "s", self->percent_rank,
                                       self->frequent
                                           ? "frequent, so it is a target others are compared with, "
                                             "not a suspect of look-alike detectors"
                                           : "not frequent, so look-alike detectors examine it"));
    if (const known_binary* k = find_known_binary(name)) {
        std::string folders;
        for (std::string_view f : k->folders)
            folders += (folders.empty() ? "" : ", ") + std::string(f);
        ex.lines.push_back(
            fmt::format("a catalog binary ({}), expected in {}; catalog names are targets of the "
                        "look-alike detectors and checked by folder",
                        k->role == binary_role::core     ? "core Windows process"
                        : k->role == binary_role::system ? "Windows binary"
                                                         : "application",
                        folders.empty() ? "Windows servicing folders" : folders));
    }
    for (const benign_lookalike& b : benign_lookalikes())
        if (b.a == name || b.b == name)
            ex.lines.push_back(
                fmt::format("known benign look-alike of {} ({})", b.a == name ? b.b : b.a, b.why));

    // The nearest targets by stem, with the budget that applies.
    const auto dot = name.rfind('.');
    if (dot != std::string::npos) {
        const std::u32string stem = decode_utf8(name.substr(0, dot));
        struct near {
            std::size_t distance;
            std::string target;
            std::ptrdiff_t budget;
            std::size_t length;
        };
        std::vector<near> nearest;
        for (const detectors::target& t : ctx.targets) {
            if (t.name == name) continue;
            const auto tdot = t.name.rfind('.');
            if (tdot == std::string::npos) continue;
            const std::u32string tstem = decode_utf8(t.name.substr(0, tdot));
            const std::size_t d = damerau_levenshtein(stem, tstem);
            const std::size_t length = std::max(stem.size(), tstem.size());
            nearest.push_back({d, t.name, detectors::full_mode_edits(length), length});
        }
        std::sort(nearest.begin(), nearest.end(), [](const near& a, const near& b) {
            return std::tie(a.distance, a.target) < std::tie(b.distance, b.target);
        });
        for (std::size_t i = 0; i < nearest.size() && i < 3; ++i) {
            const std::ptrdiff_t b = nearest[i].budget;
            const std::string allowed =
                b == 2 && nearest[i].length <= 8
                    ? "1 edit at this length, 2 towards Windows binaries from a user-writable folder"
                    : fmt::format("{} edit{} at this length", b, b == 1 ? "" : "s");
            ex.lines.push_back(fmt::format("stem {} edit{} from {} (full mode allows {})",
                                           nearest[i].distance, nearest[i].distance == 1 ? "" : "s",
                                           nearest[i].target, allowed));
        }
    }
    ex.lines.push_back(fmt::format("confusable skeleton: {}", confusable_skeleton(name)));
    for (char32_t c : hidden_characters(name))
        ex.lines.push_back(fmt::format("hidden character: {}", code_point_name(c)));
    if (is_mixed_script(name)) ex.lines.push_back("mixes Latin with Cyrillic, Greek or Armenian letters");
    if (const auto parents = expected_parents(name); !parents.empty()) {
        std::string allowed;
        for (std::string_view p : parents)
            allowed += (allowed.empty() ? "" : ", ") + std::string(p);
        std::string seen;
        if (self != ctx.names.end())
            for (const value_count& p : top_values(self->stats->parents, 5))
                seen += fmt::format("{}{} ({})", seen.empty() ? "" : ", ", p.value, p.count);
        ex.lines.push_back(
            fmt::format("started only by {}{}", allowed,
                        seen.empty() ? " (no parents in the data)" : "; parents seen: " + seen));
    }
    if (!path.empty()) {
        const normalized_path np = normalize_windows_path(path);
        ex.lines.push_back(fmt::format("path normalised to {}{}", np.folder, np.file));
    }
    if (options.allow != nullptr) {
        for (const finding& f : detect(profile,
                                       [&] {
                                           detect_options o = full;
                                           o.allow = nullptr;
                                           return o;
                                       }())
                                    .findings)
            if (f.suspicious_process == name)
                if (const allow_rule* r = options.allow->match(f))
                    ex.lines.push_back(fmt::format("a {} finding is suppressed by the allow-list ({}: {})",
                                                   f.detector, r->origin, r->reason));
    }
    ex.lines.push_back(ex.findings.empty()
                           ? "verdict: not flagged"
                           : fmt::format("verdict: flagged by {} detector{}", ex.findings.size(),
                                         ex.findings.size() == 1 ? "" : "s"));
    return ex;
}

} // namespace masq
