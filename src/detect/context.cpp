// SPDX-License-Identifier: MIT
#include "detect/context.h"
#include "masq/util/windows_path.h"

#include <algorithm>
#include <fmt/format.h>
#include <unordered_map>
#include <unordered_set>

namespace masq::detectors {

detector_context make_context(const process_profile& profile, const frequency_split& split,
                              const detect_options& options) {
    detector_context ctx{profile, options, {}, {}, 0};
    std::vector<bool> frequent(split.names.size(), false);
    for (std::size_t i : split.frequent)
        frequent[i] = true;
    std::unordered_set<std::string_view> hosts;
    for (std::size_t i = 0; i < split.names.size(); ++i) {
        const ranked_name& r = split.names[i];
        if (!r.name) continue;
        name_entry e;
        e.name = *r.name;
        e.stats = profile.find(*r.name);
        e.percent_rank = r.percent_rank;
        e.frequent = frequent[i];
        e.known = find_known_binary(e.name);
        ctx.names.push_back(std::move(e));
    }
    std::sort(ctx.names.begin(), ctx.names.end(),
              [](const name_entry& a, const name_entry& b) { return a.name < b.name; });
    for (const name_entry& e : ctx.names)
        for (const auto& [host, count] : e.stats->hosts)
            hosts.insert(host);
    ctx.total_hosts = options.total_hosts ? *options.total_hosts : hosts.size();

    std::unordered_map<std::string_view, const name_entry*> by_name;
    for (const name_entry& e : ctx.names)
        by_name.emplace(e.name, &e);
    for (const known_binary& k : known_binaries()) {
        const auto it = by_name.find(k.name);
        ctx.targets.push_back({std::string(k.name), it == by_name.end() ? nullptr : it->second, &k});
    }
    for (const name_entry& e : ctx.names)
        if (e.frequent && e.known == nullptr) ctx.targets.push_back({e.name, &e, nullptr});
    return ctx;
}

const target* find_target(const detector_context& ctx, std::string_view name) {
    for (const target& t : ctx.targets)
        if (t.name == name) return &t;
    return nullptr;
}

finding make_finding(const name_stats& s, double suspect_rank, const name_stats* n, double imitated_rank,
                     const detect_options& options) {
    finding f;
    f.suspicious_paths = top_values(s.paths, options.max_paths);
    f.suspicious_distinct_paths = s.paths.size();
    f.suspicious_count = s.count;
    f.suspicious_percent_rank = suspect_rank;
    f.hosts = top_values(s.hosts, options.max_hosts);
    f.distinct_hosts = s.hosts.size();
    if (s.has_time()) {
        f.first_seen = s.first_seen;
        f.last_seen = s.last_seen;
    }
    f.in_user_data = s.user_count > 0;
    f.involves_synthetic = s.synthetic_count > 0;
    if (n != nullptr) {
        f.normal_paths = top_values(n->paths, options.max_paths);
        f.normal_distinct_paths = n->paths.size();
        f.normal_count = n->count;
        f.normal_percent_rank = imitated_rank;
        f.in_user_data = f.in_user_data && n->user_count > 0;
        f.involves_synthetic = f.involves_synthetic || n->synthetic_count > 0;
    }
    return f;
}

finding make_finding(const detector_context& ctx, const name_entry& suspect, const target* imitated,
                     std::string detector, double score, std::string reason) {
    const name_entry* normal = imitated != nullptr ? imitated->entry : nullptr;
    finding f = make_finding(*suspect.stats, suspect.percent_rank, normal != nullptr ? normal->stats : nullptr,
                             normal != nullptr ? normal->percent_rank : 0.0, ctx.options);
    f.detector = std::move(detector);
    f.suspicious_process = suspect.name;
    if (imitated != nullptr) f.normal_process = imitated->name;
    f.score = static_cast<float>(std::clamp(score, 0.0, 1.0));
    f.similarity = 0.0; // name-similarity sets the stems' similarity; other detectors have none
    f.reason = std::move(reason);
    // Rarity per host: how widespread the name is, and where most of its events are.
    const name_stats& s = *suspect.stats;
    if (ctx.total_hosts > 0 && !s.hosts.empty()) {
        const value_count top = top_values(s.hosts, 1).front();
        f.reason += fmt::format("; on {} of {} host{}", s.hosts.size(), ctx.total_hosts,
                                ctx.total_hosts == 1 ? "" : "s");
        if (s.hosts.size() > 1)
            f.reason += fmt::format(", most on {} ({} of {} events)", top.value, top.count, s.count);
    }
    return f;
}

bool runs_from_writable_folder(const name_stats& stats) {
    for (const auto& [path, count] : stats.paths)
        if (user_writable_folder(normalize_windows_path(path).folder)) return true;
    return false;
}

namespace {

/// data/catalog/writable_folders.tsv: a folder part (`contains`) or a whole folder (`exact`).
struct folder_row {
    std::string_view folder, match;
};

constexpr folder_row writable_folders[] = {
#include "masq_data/catalog/writable_folders.inc"
};

/// data/catalog/extensions.tsv: an extension (lower-case, no dot) and its kind, executable or decoy.
struct extension_row {
    std::string_view extension, kind;
};

constexpr extension_row extensions[] = {
#include "masq_data/catalog/extensions.inc"
};

bool has_extension(std::string_view ext, std::string_view kind) {
    for (const extension_row& e : extensions)
        if (e.extension == ext && e.kind == kind) return true;
    return false;
}

} // namespace

bool user_writable_folder(std::string_view folder) {
    for (const auto& [part, match] : writable_folders)
        if (match == "exact" ? folder == part : folder.find(part) != std::string_view::npos) return true;
    return false;
}

bool executable_extension(std::string_view ext) {
    return has_extension(ext, "executable");
}

bool decoy_extension(std::string_view ext) {
    return has_extension(ext, "decoy");
}

std::ptrdiff_t full_mode_edits(std::size_t stem_length) noexcept {
    if (stem_length <= 2) return 0;
    if (stem_length <= 5) return 1;
    if (stem_length <= 14) return 2;
    return 3;
}

std::ptrdiff_t accepted_edits(std::size_t length, bool windows_target, bool writable_folder) noexcept {
    const std::ptrdiff_t budget = full_mode_edits(length);
    if (budget == 2 && length <= 8 && !(windows_target && writable_folder)) return 1;
    return budget;
}

bool enabled(const detect_options& options, std::string_view id) {
    return options.detectors.empty() ||
           std::find(options.detectors.begin(), options.detectors.end(), id) != options.detectors.end();
}

} // namespace masq::detectors
