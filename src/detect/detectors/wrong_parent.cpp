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

namespace masq::detectors {
namespace {

/// Parent names that mean "not known" in 4688 and Sysmon records rather than a process.
bool unknown_parent(std::string_view file) {
    return file.empty() || file == "-" || file == "?";
}

void run(const detector_context& ctx, std::vector<finding>& out) {
    for (const name_entry& e : ctx.names) {
        const auto allowed = expected_parents(e.name);
        if (allowed.empty() || e.stats->parents.empty()) continue;
        std::vector<value_count> wrong;
        std::uint64_t wrong_events = 0, known_events = 0;
        bool writable = false;
        for (const value_count& p : top_values(e.stats->parents)) {
            const normalized_path np = normalize_windows_path(p.value);
            if (unknown_parent(np.file)) continue;
            known_events += p.count;
            if (std::find(allowed.begin(), allowed.end(), np.file) != allowed.end()) continue;
            writable = writable || user_writable_folder(np.folder);
            wrong.push_back(p);
            wrong_events += p.count;
        }
        if (wrong.empty()) continue;
        const target* self = find_target(ctx, e.name);
        double score = e.known != nullptr && e.known->role == binary_role::core ? 0.85 : 0.8;
        if (writable) score += 0.05;
        std::string expected;
        for (std::size_t i = 0; i < allowed.size(); ++i)
            expected += (i == 0 ? "" : i + 1 == allowed.size() ? " or " : ", ") + std::string(allowed[i]);
        std::string parents;
        for (std::size_t i = 0; i < wrong.size() && i < 3; ++i)
            parents += fmt::format("{}{} ({})", i == 0 ? "" : ", ", wrong[i].value, wrong[i].count);
        if (wrong.size() > 3) parents += fmt::format(" and {} more", wrong.size() - 3);
        std::string reason =
            fmt::format("{} started by {}: {} of {} event{} with a known parent; expected {}", e.name,
                        parents, wrong_events, known_events, known_events == 1 ? "" : "s", expected);
        out.push_back(make_finding(ctx, e, self, "parent", score, std::move(reason)));
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
        for (const value_count& p : top_values(request.self->stats->parents, 5))
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
