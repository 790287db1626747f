// SPDX-License-Identifier: MIT
// Look-alike characters: a name whose confusable skeleton (UTS #39 plus ASCII swaps) equals a
// target's is flagged even when many characters differ (`rn` for `m` is two edits); a name that
// mixes Latin with Cyrillic or Greek letters is flagged even without a target.
#include "detect/context.h"
#include "masq/match/confusable.h"

#include <fmt/format.h>
#include <unordered_map>

namespace masq::detectors {
namespace {

void run(const detector_context& ctx, std::vector<hit>& out) {
    std::unordered_map<std::string, const target*> by_skeleton;
    for (const target& t : ctx.targets) {
        auto [it, inserted] = by_skeleton.emplace(t.skeleton, &t);
        // Prefer catalog binaries when a frequent name shares a skeleton with one.
        if (!inserted && it->second->known == nullptr && t.known != nullptr) it->second = &t;
    }
    for (const name_entry& e : ctx.names) {
        if (e.frequent) continue;
        std::optional<evidence_set> evidence = lookalike_evidence(e);
        if (!evidence) continue;
        const auto it = by_skeleton.find(e.skeleton);
        if (it != by_skeleton.end() && it->second->name != e.name) {
            const target& t = *it->second;
            if (is_benign_lookalike(e.name, t.name)) continue;
            std::string how = describe_lookalikes(e.name, t.name);
            if (how.empty()) how = "characters that render alike";
            double score = 0.88;
            if (t.known != nullptr && t.known->role == binary_role::core) score += 0.05;
            out.push_back(make_finding(ctx, e, &t, "confusable", score,
                                       fmt::format("looks like {}: {}; seen {} time{}", t.name, how,
                                                   e.stats->count, e.stats->count == 1 ? "" : "s"),
                                       std::move(*evidence)));
        } else if (is_mixed_script(e.name)) {
            out.push_back(make_finding(ctx, e, nullptr, "confusable", 0.7,
                                       "mixes Latin letters with Cyrillic, Greek or Armenian ones",
                                       std::move(*evidence)));
        }
    }
}

/// The name's skeleton (what it is compared by) and whether it mixes scripts.
void explain(const detector_context&, const explain_request& request, std::vector<std::string>& lines) {
    lines.push_back(
        fmt::format("skeleton {} (UTS #39 with attacker swaps)", confusable_skeleton(request.name)));
    if (is_mixed_script(request.name))
        lines.push_back("mixes Latin with Cyrillic, Greek or Armenian letters");
}

} // namespace

const detector confusables{{"confusable", detector_category::name, "T1036.005",
                            "a name whose confusable skeleton (UTS #39 plus attacker swaps) equals a "
                            "target's, or that mixes scripts"},
                           run,
                           explain};

} // namespace masq::detectors
