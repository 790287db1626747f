// SPDX-License-Identifier: MIT
// A home folder learned from the data (ATT&CK T1036.005): a name the catalog does not know that
// runs from one protected folder on most of the fleet's hosts that run it, and from a folder
// anyone can write to on a few — `updater.exe` from `C:\Program Files\Vendor\` on 40 hosts and
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
#include <set>

namespace masq::detectors {
namespace {

/// Hosts the home folder must cover, as a count and as a share of the name's hosts; and how
/// few hosts an odd folder may have (at most this many, and at most a tenth of the name's).
constexpr std::size_t min_home_hosts = 5;
constexpr double min_home_share = 0.8;
constexpr std::size_t max_odd_hosts = 2;

/// A normalised folder with the user profile's name replaced by `*`.
std::string without_user(std::string folder) {
    constexpr std::string_view users = "?:\\users\\";
    if (folder.starts_with(users)) {
        const std::size_t end = folder.find('\\', users.size());
        if (end != std::string::npos) folder.replace(users.size(), end - users.size(), "*");
    }
    return folder;
}

void run(const detector_context& ctx, std::vector<hit>& out) {
    for (const name_entry& e : ctx.names) {
        if (e.known != nullptr || e.stats == nullptr) continue;
        std::map<std::string, std::set<std::string_view>> hosts_by_folder;
        std::set<std::string_view> all_hosts;
        for (const auto& [key, v] : e.stats->variants) {
            if (!key.path) continue;
            const std::string folder = without_user(normalize_windows_path(*key.path).folder);
            if (folder.empty()) continue;
            for (const auto& [host, count] : v.hosts) {
                hosts_by_folder[folder].insert(host);
                all_hosts.insert(host);
            }
        }
        if (hosts_by_folder.size() < 2) continue;
        const auto home =
            std::max_element(hosts_by_folder.begin(), hosts_by_folder.end(),
                             [](const auto& a, const auto& b) { return a.second.size() < b.second.size(); });
        const std::size_t home_hosts = home->second.size();
        if (home_hosts < min_home_hosts ||
            static_cast<double>(home_hosts) < min_home_share * static_cast<double>(all_hosts.size()) ||
            user_writable_folder(home->first))
            continue;
        const std::size_t odd_limit =
            std::min(max_odd_hosts, std::max<std::size_t>(1, all_hosts.size() / 10));
        for (const auto& [folder, hosts] : hosts_by_folder) {
            if (folder == home->first || hosts.size() > odd_limit || !user_writable_folder(folder)) continue;
            evidence_set evidence =
                variants_where(*e.stats, [&](const variant_key& key, const variant_stats&) {
                    return key.path && without_user(normalize_windows_path(*key.path).folder) == folder;
                });
            out.push_back(
                make_finding(ctx, e, nullptr, "home-folder", 0.8,
                             fmt::format("runs from {} on {} host{}; its home is {} ({} of {} hosts)", folder,
                                         hosts.size(), hosts.size() == 1 ? "" : "s", home->first, home_hosts,
                                         all_hosts.size()),
                             std::move(evidence)));
        }
    }
}

} // namespace

const detector home_folder{
    {"home-folder", detector_category::path, "T1036.005",
     "a name that runs from one protected folder on most hosts and from a user-writable one on a few"},
    run,
    nullptr};

} // namespace masq::detectors
