// SPDX-License-Identifier: MIT
// A home folder learned from the data (ATT&CK T1036.005): a name the catalog does not know that
// runs from one protected folder for most of its events across the fleet, and from a folder
// anyone can write to for a few — `updater.exe` from `C:\Program Files\Vendor\` on 40 hosts and
// from `C:\Users\bob\AppData\Local\Temp\` on one. The catalog's folders (wrong-folder) cover
// Windows' own binaries; this learns the others' from the fleet. The writable folders of user
// profiles are compared with the user left out (`?:\users\*\…`), so a per-user install is one
// folder however many users have it, and a home folder that is itself writable (per-user software)
// teaches nothing.
#include "detect/context.h"
#include "masq/util/windows_path.h"

#include <algorithm>
#include <fmt/format.h>
#include <map>

namespace masq::detectors {
namespace {

/// Events the home folder must hold, as a count and as a share of the name's events; and how few
/// events an odd folder may have (at most this many, and at most a tenth of the name's). Events,
/// not hosts: every front end has them per variant (Spark fetches hosts only for flagged names),
/// so the CLI, Python and Spark flag the same names.
constexpr std::uint64_t min_home_events = 10;
constexpr double min_home_share = 0.8;
constexpr std::uint64_t max_odd_events = 2;

/// A normalised folder with the user profile's name replaced by `*`.
std::string without_user(std::string folder) {
    constexpr std::string_view users = "?:\\users\\";
    if (folder.starts_with(users)) {
        const std::size_t end = folder.find('\\', users.size());
        if (end != std::string::npos) folder.replace(users.size(), end - users.size(), "*");
    }
    return folder;
}

/// The events of one folder of a name, and its variants (the evidence, should it be odd).
struct folder_events {
    std::uint64_t events = 0;
    evidence_set variants;
};

void run(const detector_context& ctx, std::vector<hit>& out) {
    for (const name_entry& e : ctx.names) {
        if (e.known != nullptr || e.stats == nullptr) continue;
        // Two folders need two variants, and a home needs its events: most names stop here,
        // before any path is normalised.
        if (e.stats->variants.size() < 2 || e.stats->count < min_home_events) continue;
        std::map<std::string, folder_events> by_folder;
        std::uint64_t all_events = 0;
        for (const auto& [key, v] : e.stats->variants) {
            if (!key.path) continue;
            std::string folder = without_user(normalize_windows_path(*key.path).folder);
            if (folder.empty()) continue;
            folder_events& f = by_folder[std::move(folder)];
            f.events += v.count;
            f.variants.push_back(&key);
            all_events += v.count;
        }
        if (by_folder.size() < 2) continue;
        const auto home =
            std::max_element(by_folder.begin(), by_folder.end(),
                             [](const auto& a, const auto& b) { return a.second.events < b.second.events; });
        const std::uint64_t home_events = home->second.events;
        if (home_events < min_home_events ||
            static_cast<double>(home_events) < min_home_share * static_cast<double>(all_events) ||
            user_writable_folder(home->first))
            continue;
        const std::uint64_t odd_limit = std::min(max_odd_events, std::max<std::uint64_t>(1, all_events / 10));
        for (auto& [folder, f] : by_folder) {
            if (folder == home->first || f.events > odd_limit || !user_writable_folder(folder)) continue;
            std::sort(f.variants.begin(), f.variants.end()); // an evidence set is sorted (context.h)
            out.push_back(make_finding(
                ctx, e, nullptr, "home-folder", 0.8,
                fmt::format("runs from {} ({} event{}); its home is {} ({} of {} events)", folder, f.events,
                            f.events == 1 ? "" : "s", home->first, home_events, all_events),
                std::move(f.variants)));
        }
    }
}

} // namespace

const detector home_folder{{"home-folder", detector_category::path, "T1036.005",
                            "a name that runs from one protected folder for most of its events and from a "
                            "user-writable one for a few"},
                           run,
                           nullptr};

} // namespace masq::detectors
