// SPDX-License-Identifier: MIT
#include "masq/explain.h"

#include "detect/context.h"
#include "masq/detect/catalog.h"
#include "masq/util/unicode.h"

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
    if (const known_binary* k = ctx.catalog.find(name)) {
        std::string folders;
        for (std::string_view f : k->folders)
            folders += (folders.empty() ? "" : ", ") + std::string(f);
        if (!k->imitated)
            ex.lines.push_back(fmt::format(
                "a known file ({}), found in {}; run from one of those folders it is genuine, never a "
                "look-alike of another name",
                k->role == binary_role::application ? "shipped by common software" : "shipped by Windows",
                folders));
        else
            ex.lines.push_back(
                fmt::format("a catalog binary ({}), expected in {}; catalog names are targets of the "
                            "look-alike detectors and checked by folder",
                            k->role == binary_role::core     ? "core Windows process"
                            : k->role == binary_role::system ? "Windows binary"
                                                             : "application",
                            folders.empty() ? "Windows servicing folders" : folders));
    }
    // Each detector explains itself, in the order they run: the rules live in one place.
    const detectors::explain_request request{name, path, self != ctx.names.end() ? &*self : nullptr};
    for (const detectors::detector* d : detectors::full_mode_table()) {
        if (d->explain == nullptr) continue;
        std::vector<std::string> lines;
        d->explain(ctx, request, lines);
        const bool off = !detectors::enabled(full, d->info.id);
        for (std::string& line : lines)
            ex.lines.push_back(fmt::format("{}: {}{}", d->info.id, line, off ? " (detector disabled)" : ""));
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
