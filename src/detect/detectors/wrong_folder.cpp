// SPDX-License-Identifier: MIT
// Windows binaries started from a folder they never live in: `svchost.exe` in Downloads,
// `lsass.exe` in a temp folder, `mmc.exe` in a fake `...\Temp\system32\`. Exact folders, not
// prefixes (MITRE CAR: `system32\srv\svchost.exe` must not pass), after normalising every
// spelling of a volume and of the Windows folder. Browser and cache decorations (`[1]consent.exe`,
// `svchost (1).exe`, `svchost - Copy.exe`) are looked through.
#include "detect/context.h"
#include "masq/util/windows_path.h"

#include <fmt/format.h>
#include <map>
#include <regex>

namespace masq::detectors {
namespace {

/// The name without the decorations copies and caches add, or empty when there are none.
std::string undecorated(std::string_view name) {
    // Every decoration the pattern looks through starts with one of these: most names have none,
    // and std::regex costs microseconds a name (a second at a million names).
    if (!name.starts_with('[') && name.find(" (") == std::string_view::npos &&
        name.find(" - copy") == std::string_view::npos)
        return {};
    static const std::regex decorated(R"(^(?:\[\d+\])?(.+?)(?: \(\d+\)| - copy)?(\.[a-z0-9]+)$)");
    std::smatch m;
    const std::string s(name);
    if (!std::regex_match(s, m, decorated)) return {};
    std::string plain = m[1].str() + m[2].str();
    return plain == s ? std::string() : plain;
}

/// One alert per name and unexpected folder: the folder is what an analyst investigates (a
/// `svchost.exe` in Downloads and one in a temp folder are two incidents), and its counts are
/// those of its own events (docs/alerts.md, "Evidence").
void run(const detector_context& ctx, std::vector<hit>& out) {
    for (const name_entry& e : ctx.names) {
        // Only binaries attackers imitate have folders they must run from; the known files of
        // known_files.tsv (setup.exe, update.exe) run from anywhere.
        const known_binary* known = e.known != nullptr && e.known->imitated ? e.known : nullptr;
        std::string plain;
        if (e.known == nullptr) {
            plain = undecorated(e.name);
            if (!plain.empty()) known = ctx.catalog.find(plain);
            if (known != nullptr && !known->imitated) known = nullptr;
        }
        if (known == nullptr) continue;
        // Unexpected folders in a stable order (most events first, then by name).
        std::map<std::string, std::uint64_t> events_by_folder;
        for (const auto& [key, v] : e.stats->variants) {
            if (!key.path) continue;
            const normalized_path np = normalize_windows_path(*key.path);
            if (np.folder.empty() || folder_expected(*known, np.folder)) continue;
            events_by_folder[np.folder] += v.count;
        }
        if (events_by_folder.empty()) continue;
        std::vector<std::pair<std::string, std::uint64_t>> folders(events_by_folder.begin(),
                                                                   events_by_folder.end());
        std::stable_sort(folders.begin(), folders.end(),
                         [](const auto& a, const auto& b) { return a.second > b.second; });
        const target* imitated = plain.empty() ? nullptr : find_target(ctx, known->name);
        std::string expected;
        for (std::string_view f : known->folders)
            expected += (expected.empty() ? "" : " or ") + std::string(f);
        if (expected.empty()) expected = "a Windows servicing folder";
        for (const auto& folder_and_events : folders) {
            const auto& folder = folder_and_events.first; // a name the lambda below may capture (C++20 P1091)
            const bool writable = user_writable_folder(folder);
            double score = known->role == binary_role::core     ? 0.9
                           : known->role == binary_role::system ? 0.75
                                                                : 0.55;
            if (writable) score += 0.05;
            std::string logged; // the path as logged, its most frequent spelling in the folder
            std::uint64_t logged_count = 0;
            evidence_set evidence =
                variants_where(*e.stats, [&](const variant_key& key, const variant_stats& v) {
                    if (!key.path || normalize_windows_path(*key.path).folder != folder) return false;
                    if (v.count > logged_count || (v.count == logged_count && *key.path < logged))
                        logged = *key.path, logged_count = v.count;
                    return true;
                });
            // The counts are the alert's (its events may be split further by parent).
            std::string reason =
                fmt::format("{}runs from {}; expected {}",
                            plain.empty() ? "" : fmt::format("a copy of {} ", known->name), logged, expected);
            hit h = make_finding(ctx, e, imitated, "path", score, std::move(reason), std::move(evidence));
            h.f.expected = expected;
            out.push_back(std::move(h));
        }
    }
}

/// The folders the catalog expects and, for a path given with --path, its normal form.
void explain(const detector_context&, const explain_request& request, std::vector<std::string>& lines) {
    if (request.path.empty()) return;
    const normalized_path np = normalize_windows_path(request.path);
    lines.push_back(fmt::format("path normalised to {}{}", np.folder, np.file));
}

} // namespace

const detector wrong_folder{
    {"path", detector_category::path, "T1036.005",
     "a Windows binary run from a folder it never lives in, after normalising the path"},
    run,
    explain};

} // namespace masq::detectors
