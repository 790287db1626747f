// SPDX-License-Identifier: MIT
// Renamed by hash (ATT&CK T1036.003): where the source hashes images (Sysmon `Hashes`, Defender
// `SHA256`/`SHA1`/`MD5`), an executable whose image hash is that of a different name seen
// elsewhere in the same data — `regsvr32.exe`'s bytes running as `jabber.exe` — is a copy of that
// binary under another name, whatever its PE header says (attackers patch or strip
// OriginalFileName; the hash they cannot keep and change). No external hash list is needed: the
// fleet's own genuine runs are the reference. A name beside the original in the same folder
// is the vendor shipping one file under two names (hard links), not a copy.
#include "detect/context.h"
#include "masq/util/windows_path.h"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <set>
#include <unordered_map>

namespace masq::detectors {
namespace {

/// How one name carries one image hash.
struct carrier {
    const name_entry* entry = nullptr;
    std::uint64_t events = 0;
    std::uint64_t hosts = 0;
    bool in_own_folder = false;    ///< a catalog name run from one of its folders with this hash
    std::set<std::string> folders; ///< normalised folders it ran this image from
};

/// Whether a variant of a catalog name runs from one of that name's folders.
bool in_own_folder(const name_entry& e, const variant_key& key) {
    if (e.known == nullptr || !key.path) return false;
    const normalized_path np = normalize_windows_path(*key.path);
    return !np.folder.empty() && folder_expected(*e.known, np.folder);
}

/// The hashes of the data, each with the names that ran an image of it (by name, a stable order).
std::map<std::string_view, std::vector<carrier>> carriers_by_hash(const detector_context& ctx) {
    std::map<std::string_view, std::vector<carrier>> by_hash;
    for (const name_entry& e : ctx.names) {
        if (e.stats == nullptr) continue;
        // Most names carry no hash (4688 has none): nothing is allocated for them.
        std::vector<std::pair<std::string_view, carrier>> mine; // a name has few images
        std::vector<host_count_map> hosts;
        for (const auto& variant : e.stats->variants) {
            const variant_key& key = variant.first; // not a structured binding: lambdas capture it (clang 14)
            const variant_stats& v = variant.second;
            if (!key.image_hash) continue;
            auto it = std::find_if(mine.begin(), mine.end(),
                                   [&](const auto& m) { return m.first == *key.image_hash; });
            if (it == mine.end()) {
                mine.emplace_back(*key.image_hash, carrier{&e, 0, 0, false, {}});
                hosts.emplace_back();
                it = mine.end() - 1;
            }
            carrier& c = it->second;
            c.events += v.count;
            c.in_own_folder = c.in_own_folder || in_own_folder(e, key);
            if (key.path) c.folders.insert(normalize_windows_path(*key.path).folder);
            host_count_map& h = hosts[static_cast<std::size_t>(it - mine.begin())];
            for (const auto& [host, n] : v.hosts)
                h[host] += n;
        }
        for (std::size_t i = 0; i < mine.size(); ++i) {
            mine[i].second.hosts = hosts[i].size();
            by_hash[mine[i].first].push_back(std::move(mine[i].second));
        }
    }
    return by_hash;
}

/// The name an image really is: a catalog name running it from its own folder, else a name that
/// holds nearly all of the image's events on several hosts (the fleet's habit), else none.
const carrier* identity_of(const std::vector<carrier>& carriers) {
    const carrier* best = nullptr;
    for (const carrier& c : carriers)
        if (c.in_own_folder && (best == nullptr || c.events > best->events)) best = &c;
    if (best != nullptr) return best;
    std::uint64_t total = 0;
    for (const carrier& c : carriers) {
        total += c.events;
        if (best == nullptr || c.events > best->events) best = &c;
    }
    // Nine events in ten and three hosts: one copy renamed on a host or two stands out against
    // it; two names sharing an image about equally (a tool shipped under two names) do not.
    if (best != nullptr && best->hosts >= 3 && best->events * 10 >= total * 9) return best;
    return nullptr;
}

void run(const detector_context& ctx, std::vector<hit>& out) {
    for (const auto& entry : carriers_by_hash(ctx)) {
        const std::string_view hash = entry.first; // not a structured binding: lambdas capture it
        const std::vector<carrier>& carriers = entry.second;
        if (carriers.size() < 2) continue;
        const carrier* identity = identity_of(carriers);
        if (identity == nullptr) continue;
        const name_entry& real = *identity->entry;
        for (const carrier& c : carriers) {
            if (&c == identity || c.entry->name == real.name) continue;
            if (c.in_own_folder) continue; // both names are what the catalog says they are
            if (is_benign_lookalike(c.entry->name, real.name)) continue;
            // Beside the original in its own folder: the vendor ships the image under both names
            // (`python.exe` and `python3.exe`, hard links of one file), not a copy made elsewhere.
            if (!c.folders.empty() && std::includes(identity->folders.begin(), identity->folders.end(),
                                                    c.folders.begin(), c.folders.end()))
                continue;
            const name_entry& copy = *c.entry;
            // Software that installs itself under another of its own names (Sysmon64.exe from a
            // download becomes %windir%\Sysmon.exe): both names are the vendor's. A Windows
            // binary's image under a known application's name is still a copy.
            const bool windows_original =
                real.known != nullptr && real.known->role != binary_role::application;
            if (!windows_original && copy.known != nullptr) continue;
            const bool writable = copy.from_writable;
            double score = 0.88;
            if (real.known != nullptr && real.known->role == binary_role::core) score += 0.05;
            if (writable) score += 0.04;
            evidence_set evidence =
                variants_where(*copy.stats, [&](const variant_key& key, const variant_stats&) {
                    return key.image_hash && *key.image_hash == hash;
                });
            const target* imitated = find_target(ctx, real.name);
            out.push_back(make_finding(
                ctx, copy, imitated, "renamed-by-hash", score,
                fmt::format("really {}: the same image ({}) runs as {} {} time{} on {} host{}{}", real.name,
                            std::string_view(hash).substr(0, std::min<std::size_t>(hash.size(), 23)),
                            real.name, identity->events, identity->events == 1 ? "" : "s", identity->hosts,
                            identity->hosts == 1 ? "" : "s",
                            identity->in_own_folder ? " from its own folder" : ""),
                std::move(evidence)));
        }
    }
}

/// The image hashes recorded for the name and the other names that ran the same images.
void explain(const detector_context& ctx, const explain_request& request, std::vector<std::string>& lines) {
    if (request.self == nullptr) return;
    for (const auto& [hash, carriers] : carriers_by_hash(ctx)) {
        const auto self = std::find_if(carriers.begin(), carriers.end(),
                                       [&](const carrier& c) { return c.entry == request.self; });
        if (self == carriers.end()) continue;
        std::string others;
        for (const carrier& c : carriers)
            if (c.entry != request.self)
                others += fmt::format("{}{} ({})", others.empty() ? "" : ", ", c.entry->name, c.events);
        lines.push_back(fmt::format("image {}: {}", std::string_view(hash).substr(0, 23),
                                    others.empty() ? "no other name runs it" : "also runs as " + others));
    }
}

} // namespace

const detector renamed_by_hash{
    {"renamed-by-hash", detector_category::name, "T1036.003",
     "an image whose hash (Sysmon Hashes, Defender SHA256) is that of a different name seen in the data"},
    run,
    explain};

} // namespace masq::detectors
