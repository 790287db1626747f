// SPDX-License-Identifier: MIT
// Windows processes started by a process that never starts them: `lsass.exe` from `cmd.exe`,
// `services.exe` from a dumping tool, `svchost.exe` from a Java binary. A masquerading binary can
// sit in the right folder under the right name (a hollowed or side-loaded copy, or the real file
// started by hand); its parent still gives it away. Only the processes whose parent is fixed by
// the boot sequence or the service control manager are checked (catalog.h, `expected_parents`):
// parent baselines of other processes are too noisy to alert on (Elastic PR #6393: 2.9 M alerts in
// 30 days from a general parent-child rule). The reason names the unexpected parents; the paths
// listed are, as for every finding, the suspicious name's own.
#include "detect/context.h"
#include "masq/util/windows_path.h"

#include <algorithm>
#include <fmt/format.h>
#include <map>

namespace masq::detectors {
namespace {

/// Parent names that mean "not known" in 4688 and Sysmon records rather than a process.
bool unknown_parent(std::string_view file) {
    return file.empty() || file == "-" || file == "?";
}

/// One detection per name and unexpected parent: its evidence is the events that parent started.
void run(const detector_context& ctx, std::vector<hit>& out) {
    for (const name_entry& e : ctx.names) {
        const auto allowed = expected_parents(e.name);
        if (allowed.empty()) continue;
        std::uint64_t known_events = 0;
        std::map<std::string, std::uint64_t> by_parent; // parent file name -> events
        for (const auto& [key, v] : e.stats->variants) {
            if (!key.parent) continue;
            const normalized_path np = normalize_windows_path(*key.parent);
            if (unknown_parent(np.file)) continue;
            known_events += v.count;
            if (std::find(allowed.begin(), allowed.end(), np.file) != allowed.end()) continue;
            by_parent[np.file] += v.count;
        }
        if (by_parent.empty()) continue;
        std::string expected;
        for (std::size_t i = 0; i < allowed.size(); ++i)
            expected += (i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ") + std::string(allowed[i]);
        for (const auto& parent_and_events : by_parent) {
            const auto& parent = parent_and_events.first; // a name the lambda below may capture (C++20 P1091)
            const auto& events = parent_and_events.second;
            bool writable = false;
            std::string logged; // the parent's path as logged, the most frequent spelling
            std::uint64_t logged_count = 0;
            evidence_set evidence =
                variants_where(*e.stats, [&](const variant_key& key, const variant_stats& v) {
                    if (!key.parent || normalize_windows_path(*key.parent).file != parent) return false;
                    writable = writable || user_writable_folder(normalize_windows_path(*key.parent).folder);
                    if (v.count > logged_count || (v.count == logged_count && *key.parent < logged))
                        logged = *key.parent, logged_count = v.count;
                    return true;
                });
            double score = e.known != nullptr && e.known->role == binary_role::core ? 0.85 : 0.8;
            if (writable) score += 0.05;
            std::string reason =
                fmt::format("started by {}; expected {} ({} of {} event{} with a known parent)", logged,
                            expected, events, known_events, known_events == 1 ? "" : "s");
            hit h = make_finding(ctx, e, nullptr, "parent", score, std::move(reason), std::move(evidence));
            h.f.expected = expected;
            out.push_back(std::move(h));
        }
    }
}

/// The parents the rule allows and those seen in the data.
void explain(const detector_context&, const explain_request& request, std::vector<std::string>& lines) {
    const auto parents = expected_parents(request.name);
    if (parents.empty()) return;
    std::string allowed;
    for (std::string_view p : parents)
        allowed += (allowed.empty() ? "" : ", ") + std::string(p);
    std::string seen;
    if (request.self != nullptr)
        for (const value_count& p : top_values(parents_of(*request.self->stats), 5))
            seen += fmt::format("{}{} ({})", seen.empty() ? "" : ", ", p.value, p.count);
    lines.push_back(fmt::format("started only by {}{}", allowed,
                                seen.empty() ? " (no parents in the data)" : "; parents seen: " + seen));
}

} // namespace

const detector wrong_parent{
    {"parent", detector_category::parent, "T1036",
     "a Windows process started by a process that never starts it (boot sequence, service control manager)"},
    run,
    explain};

} // namespace masq::detectors
