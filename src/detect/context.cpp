// SPDX-License-Identifier: MIT
#include "detect/context.h"

#include "masq/match/confusable.h"
#include "masq/util/windows_path.h"
#include "util/parallel.h"

#include <absl/container/flat_hash_set.h>
#include <algorithm>
#include <fmt/format.h>
#include <limits>
#include <unordered_set>

namespace masq::detectors {

detector_context make_context(const process_profile& profile, const frequency_split& split,
                              const detect_options& options) {
    detector_context ctx{
        profile, options, options.catalog != nullptr ? *options.catalog : binary_catalog::builtin(), {}, {},
        0,       {}};
    std::vector<bool> frequent(split.names.size(), false);
    for (std::size_t i : split.frequent)
        frequent[i] = true;
    // Names in name order: sorting indices by their views moves 4 bytes per swap, not an entry.
    std::vector<std::uint32_t> order;
    order.reserve(split.names.size());
    for (std::size_t i = 0; i < split.names.size(); ++i)
        if (split.names[i].name) order.push_back(static_cast<std::uint32_t>(i));
    std::sort(order.begin(), order.end(),
              [&](std::uint32_t a, std::uint32_t b) { return *split.names[a].name < *split.names[b].name; });
    ctx.names.reserve(order.size());
    for (const std::uint32_t i : order) {
        const ranked_name& r = split.names[i];
        name_entry e;
        e.name = *r.name;
        e.stats = r.stats;
        e.percent_rank = r.percent_rank;
        e.frequent = frequent[i];
        e.known = ctx.catalog.find(e.name);
        ctx.names.push_back(std::move(e));
    }
    if (options.total_hosts) {
        ctx.total_hosts = *options.total_hosts;
    } else {
        // Host names are views into the profile's pools, where one text is mostly one view: the
        // distinct views first (a cheap hash of two words), then their distinct texts.
        absl::flat_hash_set<std::pair<const char*, std::size_t>> views;
        for (const name_entry& e : ctx.names)
            for (const auto& [key, v] : e.stats->variants)
                for (const auto& [host, count] : v.hosts)
                    views.emplace(host.data(), host.size());
        std::unordered_set<std::string_view> hosts;
        hosts.reserve(views.size());
        for (const auto& [data, size] : views)
            hosts.emplace(data, size);
        ctx.total_hosts = hosts.size();
    }

    // The catalog's binaries in the data, by binary search in the names (sorted above).
    const auto entry_named = [&](std::string_view name) -> const name_entry* {
        const auto it = std::lower_bound(ctx.names.begin(), ctx.names.end(), name,
                                         [](const name_entry& e, std::string_view n) { return e.name < n; });
        return it != ctx.names.end() && it->name == name ? &*it : nullptr;
    };
    for (const known_binary& k : ctx.catalog.binaries()) {
        if (!k.imitated) continue; // known files say where a name runs; nobody imitates them
        ctx.targets.push_back({std::string(k.name), entry_named(k.name), &k, {}});
    }
    for (const name_entry& e : ctx.names)
        if (e.frequent && (e.known == nullptr || !e.known->imitated))
            ctx.targets.push_back({e.name, &e, nullptr, {}});
    // Per-name facts several detectors ask for, once per name over the threads: the writable
    // folder check (paths normalised), and ICU's skeleton, the costliest per-name step of two
    // detectors (ICU's checker is per thread). Each name is its own slot, so any thread count gives
    // the same result.
    const bool skeletons = enabled(options, "confusable") || enabled(options, "visual");
    detail::parallel_blocks(ctx.names.size(), 1024, detail::thread_count(options.threads),
                            [&](std::size_t, std::size_t begin, std::size_t end, std::size_t) {
                                for (std::size_t i = begin; i < end; ++i) {
                                    name_entry& e = ctx.names[i];
                                    const folder_facts facts = folder_facts_of(*e.stats);
                                    e.from_writable = facts.writable;
                                    e.installed_only = facts.installed_only;
                                    if (skeletons) e.skeleton = confusable_skeleton(e.name);
                                }
                            });
    if (skeletons) {
        for (target& t : ctx.targets)
            t.skeleton = t.entry != nullptr ? t.entry->skeleton : confusable_skeleton(t.name);
    }
    ctx.targets_by_name.resize(ctx.targets.size());
    for (std::size_t i = 0; i < ctx.targets.size(); ++i)
        ctx.targets_by_name[i] = static_cast<std::uint32_t>(i);
    std::stable_sort(
        ctx.targets_by_name.begin(), ctx.targets_by_name.end(),
        [&](std::uint32_t a, std::uint32_t b) { return ctx.targets[a].name < ctx.targets[b].name; });
    return ctx;
}

const target* find_target_by_scan(const detector_context& ctx, std::string_view name) {
    for (const target& t : ctx.targets)
        if (t.name == name) return &t;
    return nullptr;
}

const target* find_target(const detector_context& ctx, std::string_view name) {
    if (ctx.targets_by_name.size() != ctx.targets.size()) return find_target_by_scan(ctx, name);
    const auto it =
        std::lower_bound(ctx.targets_by_name.begin(), ctx.targets_by_name.end(), name,
                         [&](std::uint32_t i, std::string_view n) { return ctx.targets[i].name < n; });
    if (it == ctx.targets_by_name.end() || ctx.targets[*it].name != name) return nullptr;
    return &ctx.targets[*it];
}

std::optional<evidence_set> lookalike_evidence(const name_entry& e) {
    if (e.known == nullptr) return evidence_set{};
    if (e.known->imitated || e.stats == nullptr) return std::nullopt;
    evidence_set elsewhere = variants_where(*e.stats, [&](const variant_key& key, const variant_stats&) {
        if (!key.path) return false;
        const normalized_path np = normalize_windows_path(*key.path);
        return !np.folder.empty() && !folder_expected(*e.known, np.folder);
    });
    if (elsewhere.empty()) return std::nullopt;
    return elsewhere;
}

bool overlaps(const evidence_set& a, const evidence_set& b) noexcept {
    if (a.empty() || b.empty()) return true;
    for (auto i = a.begin(), j = b.begin(); i != a.end() && j != b.end();) {
        if (*i == *j) return true;
        if (std::less<>{}(*i, *j))
            ++i;
        else
            ++j;
    }
    return false;
}

namespace {

/// (Views into the profile's pool, which outlives the totals.)
void add_to(string_count_map& map, std::string_view key, std::uint64_t n) {
    map[key] += n;
}

/// Counts, hosts, paths, parents, times and samples over a set of variants.
struct evidence_totals {
    std::uint64_t count = 0;
    string_count_map paths, parents;
    host_count_map hosts;
    timestamp first = std::numeric_limits<timestamp>::max();
    timestamp last = std::numeric_limits<timestamp>::min();
    std::vector<event_sample> samples;

    void add(const variant_key& key, const variant_stats& v, std::size_t sample_limit) {
        count += v.count;
        if (key.path) add_to(paths, *key.path, v.count);
        if (key.parent) add_to(parents, *key.parent, v.count);
        for (const auto& [host, n] : v.hosts)
            hosts[host] += n;
        first = std::min(first, v.first_seen);
        last = std::max(last, v.last_seen);
        for (const variant_sample& sample : v.samples)
            keep_sample(samples, sample_in(sample, key), sample_limit);
    }
};

} // namespace

void fill_evidence(finding& f, const name_stats& s, const evidence_set& evidence, const name_stats* imitated,
                   const detect_options& options) {
    evidence_totals in, out;
    const std::size_t sample_limit =
        options.samples == 0 ? std::numeric_limits<std::size_t>::max() : options.samples;
    if (evidence.empty()) {
        // The whole name: its own totals (exact also when its variants are per kind, not crossed).
        in.count = s.count;
        in.paths = paths_of(s);
        in.hosts = hosts_of(s);
        in.parents = parents_of(s);
        in.first = s.first_seen;
        in.last = s.last_seen;
        for (const auto& [key, v] : s.variants)
            for (const variant_sample& sample : v.samples)
                keep_sample(in.samples, sample_in(sample, key), sample_limit);
    } else {
        for (const auto& [key, v] : s.variants) {
            const bool is_evidence = std::binary_search(evidence.begin(), evidence.end(), &key);
            (is_evidence ? in : out).add(key, v, is_evidence ? sample_limit : 0);
        }
    }
    f.suspicious_count = in.count;
    f.suspicious_paths = top_values(in.paths, options.max_paths);
    f.suspicious_distinct_paths = in.paths.size();
    f.hosts = top_values(in.hosts, options.max_hosts);
    f.distinct_hosts = in.hosts.size();
    f.parents = top_values(in.parents, options.max_paths);
    f.first_seen.reset();
    f.last_seen.reset();
    if (in.first <= in.last) {
        f.first_seen = in.first;
        f.last_seen = in.last;
    }
    f.samples = std::move(in.samples);
    std::sort(f.samples.begin(), f.samples.end(), sample_earlier); // shown earliest first
    if (imitated == nullptr) {
        f.normal_count = out.count;
        f.normal_paths = top_values(out.paths, options.max_paths);
        f.normal_distinct_paths = out.paths.size();
        f.normal_distinct_hosts = out.hosts.size();
    } else {
        f.normal_count = imitated->count;
        const string_count_map paths = paths_of(*imitated);
        f.normal_paths = top_values(paths, options.max_paths);
        f.normal_distinct_paths = paths.size();
        f.normal_distinct_hosts = hosts_of(*imitated).size();
    }
}

alert_level level_of_score(double score) noexcept {
    if (score >= 0.9) return alert_level::high;
    if (score >= 0.8) return alert_level::medium;
    if (score >= 0.65) return alert_level::low;
    return alert_level::informational;
}

finding make_finding(const name_stats& s, double suspect_rank, const name_stats* n, double imitated_rank,
                     const detect_options& options) {
    finding f;
    fill_evidence(f, s, {}, n, options);
    f.suspicious_percent_rank = suspect_rank;
    f.in_user_data = s.user_count > 0;
    f.involves_synthetic = s.synthetic_count > 0;
    if (n != nullptr) {
        f.normal_percent_rank = imitated_rank;
        f.in_user_data = f.in_user_data && n->user_count > 0;
        f.involves_synthetic = f.involves_synthetic || n->synthetic_count > 0;
    }
    return f;
}

hit make_finding(const detector_context& ctx, const name_entry& suspect, const target* imitated,
                 std::string detector, double score, std::string reason, evidence_set evidence) {
    if (imitated != nullptr && imitated->name == suspect.name) imitated = nullptr; // never itself
    const name_entry* normal = imitated != nullptr ? imitated->entry : nullptr;
    hit h;
    h.suspect = &suspect;
    h.evidence = std::move(evidence);
    finding& f = h.f;
    f.suspicious_percent_rank = suspect.percent_rank;
    f.in_user_data = suspect.stats->user_count > 0;
    f.involves_synthetic = suspect.stats->synthetic_count > 0;
    fill_evidence(f, *suspect.stats, h.evidence, normal != nullptr ? normal->stats : nullptr, ctx.options);
    if (normal != nullptr) {
        f.normal_percent_rank = normal->percent_rank;
        f.in_user_data = f.in_user_data && normal->stats->user_count > 0;
        f.involves_synthetic = f.involves_synthetic || normal->stats->synthetic_count > 0;
    }
    const detector_info* info = find_detector(detect_mode::full, detector);
    f.detector = std::move(detector);
    f.technique = info != nullptr ? std::string(info->technique) : std::string();
    f.suspicious_process = suspect.name;
    if (imitated != nullptr) f.normal_process = imitated->name;
    f.score = static_cast<float>(std::clamp(score, 0.0, 1.0));
    f.similarity = 0.0; // name-similarity sets the stems' similarity; other detectors have none
    f.reason = reason;
    f.level = level_of_score(f.score);
    f.detections.push_back({f.detector, f.technique, f.score, std::move(reason)});
    return h;
}

folder_facts folder_facts_of(const name_stats& stats) {
    folder_facts facts;
    bool any_path = false, all_installed = true;
    const auto look_at = [&](std::string_view path) {
        any_path = true;
        const std::string folder = normalize_windows_path(path).folder;
        facts.writable = facts.writable || user_writable_folder(folder);
        all_installed = all_installed && under_program_files(folder);
    };
    // Most names have one variant: its path, without summing the paths into a map first.
    if (stats.variants.size() == 1) {
        const auto& [key, v] = *stats.variants.begin();
        if (key.path && v.count != 0) look_at(*key.path); // as `paths_of`
    } else {
        for (const auto& [path, count] : paths_of(stats))
            look_at(path);
    }
    facts.installed_only = any_path && all_installed;
    return facts;
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

std::ptrdiff_t protected_folder_edits(std::size_t length) noexcept {
    const std::ptrdiff_t budget = full_mode_edits(length);
    return budget == 2 && length <= 8 ? 1 : budget;
}

std::ptrdiff_t lookalike_search_edits(bool full_budget_pair, bool catalogued_target, bool writable_suspect,
                                      bool installed_suspect, std::size_t length) noexcept {
    if (!catalogued_target && installed_suspect) return -1;
    return full_budget_pair && writable_suspect ? full_mode_edits(length) : protected_folder_edits(length);
}

bool windows_binary(const target& t) noexcept {
    return t.known != nullptr && t.known->role != binary_role::application;
}

lookalike_roles lookalike_roles_of(std::span<const target* const> targets,
                                   std::span<const name_entry* const> suspects, std::vector<bool> full_budget,
                                   std::vector<bool> full_budget_suspects) {
    lookalike_roles roles;
    roles.full_budget = std::move(full_budget);
    roles.full_budget_suspects = std::move(full_budget_suspects);
    for (const target* t : targets)
        roles.catalogued.push_back(t->known != nullptr);
    for (const name_entry* s : suspects) {
        roles.writable.push_back(s->from_writable);
        roles.installed_only.push_back(s->installed_only);
    }
    return roles;
}

std::vector<join_pair> lookalike_join(std::span<const std::u32string> targets,
                                      std::span<const std::u32string> suspects, const lookalike_roles& roles,
                                      unsigned threads) {
    std::vector<join_pair> pairs;
    if (targets.empty() || suspects.empty()) return pairs;
    std::size_t longest = 0;
    for (const auto& s : targets)
        longest = std::max(longest, s.size());
    for (const auto& s : suspects)
        longest = std::max(longest, s.size());
    join_options options;
    options.threads = threads;
    // Four joins cover every pair `lookalike_search_edits` allows, each pair once:
    //  1. full-budget targets × writable suspects, with the full budget;
    //  2. the other targets × writable full-budget suspects, likewise;
    //  3. every target × suspects not installed under Program Files, one edit at 6-8 letters;
    //  4. catalogued targets × installed suspects, likewise.
    // The last two drop the pairs of the first two; those drop a name outside the catalog with
    // an installed suspect.
    const auto join = [&](auto take_target, auto take_suspect, const edit_budget& budget, bool first) {
        std::vector<std::uint32_t> left_ids, right_ids;
        std::vector<std::u32string> left, right;
        for (std::uint32_t i = 0; i < targets.size(); ++i)
            if (take_target(i)) {
                left_ids.push_back(i);
                left.push_back(targets[i]);
            }
        for (std::uint32_t j = 0; j < suspects.size(); ++j)
            if (take_suspect(j)) {
                right_ids.push_back(j);
                right.push_back(suspects[j]);
            }
        if (left.empty() || right.empty()) return;
        for (join_pair p : similarity_join(left, right, budget, {}, {}, group_rule::any, options)) {
            p.left = left_ids[p.left];
            p.right = right_ids[p.right];
            if (first ? !roles.catalogued[p.left] && roles.installed_only[p.right]
                      : roles.full_budget_pair(p.left, p.right) && roles.writable[p.right])
                continue;
            pairs.push_back(p);
        }
    };
    const edit_budget full(full_mode_edits, longest), protected_folder(protected_folder_edits, longest);
    join([&](std::uint32_t i) { return roles.full_budget[i]; },
         [&](std::uint32_t j) { return roles.writable[j]; }, full, true);
    join([&](std::uint32_t i) { return !roles.full_budget[i]; },
         [&](std::uint32_t j) { return roles.writable[j] && roles.full_budget_suspect(j); }, full, true);
    join([](std::uint32_t) { return true; }, [&](std::uint32_t j) { return !roles.installed_only[j]; },
         protected_folder, false);
    join([&](std::uint32_t i) { return roles.catalogued[i]; },
         [&](std::uint32_t j) { return roles.installed_only[j]; }, protected_folder, false);
    std::sort(pairs.begin(), pairs.end(), [](const join_pair& a, const join_pair& b) {
        return std::tie(a.left, a.right) < std::tie(b.left, b.right);
    });
    return pairs;
}

std::ptrdiff_t accepted_edits(std::size_t length, std::size_t shorter, bool windows_target,
                              bool writable_folder) noexcept {
    // One edit is half of a two-letter stem: `csc` (the C# compiler every PowerShell Add-Type
    // runs), `act`, `sca` are other tools, not `sc` or `at` misspelt.
    if (shorter <= 2) return 0;
    if (windows_target && writable_folder) return full_mode_edits(length);
    return protected_folder_edits(length);
}

namespace {

/// The Program Files folders, where only installers write (data/catalog/program_files.tsv).
struct prefix_row {
    std::string_view prefix;
};

constexpr prefix_row program_files[] = {
#include "masq_data/catalog/program_files.inc"
};

} // namespace

bool under_program_files(std::string_view folder) {
    for (const auto& [prefix] : program_files)
        if (folder.starts_with(prefix)) return true;
    return false;
}

bool enabled(const detect_options& options, std::string_view id) {
    return options.detectors.empty() ||
           std::find(options.detectors.begin(), options.detectors.end(), id) != options.detectors.end();
}

} // namespace masq::detectors
