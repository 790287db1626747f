// SPDX-License-Identifier: MIT
// Look-alike names: a rare name a few edits from a Windows binary or a frequent name. Unlike the
// seed rule the budget is in edits per stem length (one edit counts in `lsass`), extensions are
// compared separately (`svchost.com` is an executable-type swap, not a non-match), Windows
// binaries are targets even when they are rare in the data, and known benign pairs are skipped.
#include "detect/context.h"
#include "masq/match/similarity.h"
#include "masq/match/similarity_join.h"
#include "masq/util/unicode.h"
#include "masq/util/windows_path.h"

#include <algorithm>
#include <fmt/format.h>

namespace masq::detectors {
namespace {

/// Core names of four to six letters attackers imitate with two edits (data/catalog/
/// short_name_targets.tsv): `lsass` as `lsasss`-with-a-typo, `lssas`, `1ssas`.
struct short_target_row {
    std::string_view name;
};

constexpr short_target_row short_target_rows[] = {
#include "masq_data/catalog/short_name_targets.inc"
};

bool short_name_target(std::string_view name) {
    for (const auto& [n] : short_target_rows)
        if (n == name) return true;
    return false;
}

/// Two edits count towards a short core name (stem of 4-6 letters) only from a folder anyone can
/// write to and for a suspect of three letters or more: two edits reach a third of all
/// four-letter words, so where the file runs carries the evidence.
bool short_name_pair(std::size_t target_stem, std::size_t shorter, std::size_t distance, bool writable) {
    return distance == 2 && writable && target_stem >= 4 && target_stem <= 6 && shorter >= 3;
}

struct split_name {
    std::u32string stem;
    std::string extension;
};

std::optional<split_name> split(std::string_view name) {
    const auto dot = name.rfind('.');
    if (dot == std::string_view::npos) return std::nullopt;
    return split_name{decode_utf8(name.substr(0, dot)), std::string(name.substr(dot + 1))};
}

/// The stem without a trailing version (digits, optionally after '_', '-', '.' or 'v').
std::u32string_view without_version(std::u32string_view stem) {
    const std::size_t full = stem.size();
    while (!stem.empty() && stem.back() >= U'0' && stem.back() <= U'9')
        stem.remove_suffix(1);
    if (stem.size() < full)
        while (!stem.empty() &&
               (stem.back() == U'_' || stem.back() == U'-' || stem.back() == U'.' || stem.back() == U'v'))
            stem.remove_suffix(1);
    return stem;
}

/// Whether every event that records the PE's original file name (Sysmon `OriginalFileName`, the
/// name the binary was built with) gives the file's own name: such a file is what it says it is
/// (a genuine `pscp.exe` one edit from `scp.exe`), not a copy of another program renamed. Sysmon
/// may omit the extension (`PSCP`).
bool named_by_its_own_binary(const name_stats& stats, std::string_view name) {
    const std::string_view stem = name.substr(0, name.rfind('.'));
    bool any = false;
    for (const auto& [key, v] : stats.variants) {
        if (!key.original_name || v.count == 0) continue; // as `original_names_of`
        any = true;
        const std::string lowered = to_lower_full(*key.original_name);
        if (lowered != name && lowered != stem) return false;
    }
    return any;
}

std::string describe(const target& t) {
    if (t.known != nullptr) {
        const char* role = t.known->role == binary_role::core     ? "a core Windows process"
                           : t.known->role == binary_role::system ? "a Windows binary"
                                                                  : "a common application";
        if (t.entry != nullptr)
            return fmt::format("{}, {}, seen {} time{}", t.name, role, t.entry->stats->count,
                               t.entry->stats->count == 1 ? "" : "s");
        return fmt::format("{}, {}", t.name, role);
    }
    return fmt::format("{}, seen {} time{}", t.name, t.entry->stats->count,
                       t.entry->stats->count == 1 ? "" : "s");
}

void run(const detector_context& ctx, std::vector<hit>& out) {
    std::vector<std::u32string> stems;
    std::vector<const target*> indexed;
    std::vector<std::string> extensions;
    std::size_t longest = 0;
    for (const target& t : ctx.targets) {
        auto s = split(t.name);
        if (!s) continue;
        longest = std::max(longest, s->stem.size());
        stems.push_back(std::move(s->stem));
        extensions.push_back(std::move(s->extension));
        indexed.push_back(&t);
    }
    std::vector<const name_entry*> suspects;
    std::vector<split_name> suspect_parts;
    std::vector<evidence_set> suspect_evidence;
    for (const name_entry& e : ctx.names) {
        if (e.frequent) continue;
        std::optional<evidence_set> evidence = lookalike_evidence(e);
        if (!evidence) continue;
        auto s = split(e.name);
        if (!s) continue;
        longest = std::max(longest, s->stem.size());
        suspects.push_back(&e);
        suspect_parts.push_back(std::move(*s));
        suspect_evidence.push_back(std::move(*evidence));
    }
    if (stems.empty() || suspects.empty()) return;
    join_options options;
    options.threads = ctx.options.threads;
    std::vector<std::u32string> suspect_stems;
    suspect_stems.reserve(suspects.size());
    for (const auto& p : suspect_parts)
        suspect_stems.push_back(p.stem);
    std::vector<bool> windows_targets;
    for (const target* t : indexed)
        windows_targets.push_back(windows_binary(*t));
    const lookalike_roles roles = lookalike_roles_of(indexed, suspects, std::move(windows_targets));
    const std::vector<bool>& writable = roles.writable;
    std::vector<join_pair> pairs = lookalike_join(stems, suspect_stems, roles, ctx.options.threads);
    // Short core names get a second, small join with two edits (few targets, so cheap).
    std::vector<std::size_t> short_targets;
    for (std::size_t i = 0; i < indexed.size(); ++i)
        if (indexed[i]->known != nullptr && indexed[i]->known->imitated &&
            short_name_target(indexed[i]->name) && stems[i].size() >= 4 && stems[i].size() <= 6)
            short_targets.push_back(i);
    // Only suspects that could pass `short_name_pair`: from a writable folder, 3 to 8 letters.
    std::vector<std::u32string> short_suspects;
    std::vector<std::uint32_t> short_index;
    for (std::size_t i = 0; i < suspects.size(); ++i)
        if (writable[i] && suspect_stems[i].size() >= 3 && suspect_stems[i].size() <= 8) {
            short_suspects.push_back(suspect_stems[i]);
            short_index.push_back(static_cast<std::uint32_t>(i));
        }
    if (!short_targets.empty() && !short_suspects.empty()) {
        std::vector<std::u32string> short_stems;
        for (std::size_t i : short_targets)
            short_stems.push_back(stems[i]);
        const edit_budget two([](std::size_t length) -> std::ptrdiff_t { return length >= 4 ? 2 : -1; },
                              longest);
        for (join_pair p :
             similarity_join(short_stems, short_suspects, two, {}, {}, group_rule::any, options)) {
            if (p.distance != 2) continue; // one edit: the main join has it
            p.left = static_cast<std::uint32_t>(short_targets[p.left]);
            p.right = short_index[p.right];
            pairs.push_back(p);
        }
    }

    // The best target per suspect: fewest edits, then an extension match, then core binaries.
    struct best_match {
        const target* t = nullptr;
        std::size_t distance = 0;
        bool extension_swap = false;
    };
    std::vector<best_match> best(suspects.size());
    std::vector<bool> self_named(suspects.size());
    for (std::size_t i = 0; i < suspects.size(); ++i)
        self_named[i] = named_by_its_own_binary(*suspects[i]->stats, suspects[i]->name);
    for (const join_pair& p : pairs) {
        const target& t = *indexed[p.left];
        const name_entry& s = *suspects[p.right];
        if (self_named[p.right]) continue;
        const split_name& sp = suspect_parts[p.right];
        const std::size_t length = std::max(stems[p.left].size(), sp.stem.size());
        const std::size_t shorter = std::min(stems[p.left].size(), sp.stem.size());
        // Two edits in 6-8 letters reach many real Windows tools (msconfig/ipconfig, secedit/regedit,
        // gpscript/cscript on the real corpus): only towards Windows binaries, and only for a
        // suspect that runs from a folder anyone can write to.
        if (static_cast<std::ptrdiff_t>(p.distance) >
                accepted_edits(length, shorter, windows_binary(t), writable[p.right]) &&
            !(short_name_target(t.name) &&
              short_name_pair(stems[p.left].size(), shorter, p.distance, writable[p.right])))
            continue;
        const bool swap = sp.extension != extensions[p.left];
        if (swap && !(executable_extension(sp.extension) && executable_extension(extensions[p.left])))
            continue;
        if (p.distance == 0 && !swap) continue;
        if (is_benign_lookalike(s.name, t.name)) continue;
        // Towards names outside the catalog (vendor tools that are merely frequent), versions of
        // one product (`realtek80`/`realtek95`, `runtime`/`runtime20`) and software installed under
        // Program Files are not masquerades: attackers drop look-alikes where they can write.
        if (t.known == nullptr) {
            if (without_version(sp.stem) == without_version(stems[p.left])) continue;
            if (roles.installed_only[p.right]) continue;
        }
        if (t.entry != nullptr && t.entry->stats->count <= s.stats->count && t.known == nullptr) continue;
        best_match candidate{&t, p.distance, swap};
        best_match& b = best[p.right];
        const auto rank = [](const best_match& m) {
            return std::tuple(m.distance, m.extension_swap,
                              m.t->known == nullptr                   ? 2
                              : m.t->known->role == binary_role::core ? 0
                                                                      : 1);
        };
        if (b.t == nullptr || rank(candidate) < rank(b)) b = candidate;
    }
    for (std::size_t i = 0; i < suspects.size(); ++i) {
        const best_match& b = best[i];
        if (b.t == nullptr) continue;
        const name_entry& s = *suspects[i];
        double score = 0.55;
        if (b.t->known != nullptr) score += b.t->known->role == binary_role::core ? 0.2 : 0.1;
        if (writable[i]) score += 0.1;
        if (b.distance <= 1) score += 0.05;
        if (b.extension_swap) score += 0.1;
        std::string reason = b.distance == 0 ? fmt::format("same name as {}", describe(*b.t))
                                             : fmt::format("{} edit{} from {}", b.distance,
                                                           b.distance == 1 ? "" : "s", describe(*b.t));
        if (b.extension_swap)
            reason += fmt::format("; extension .{} instead of .{}", suspect_parts[i].extension,
                                  b.t->name.substr(b.t->name.rfind('.') + 1));
        if (writable[i]) reason += "; runs from a user-writable folder";
        reason += fmt::format("; {} seen {} time{}", s.name, s.stats->count, s.stats->count == 1 ? "" : "s");
        hit h = make_finding(ctx, s, b.t, "name-similarity", score, std::move(reason),
                             std::move(suspect_evidence[i]));
        finding& f = h.f;
        f.distance = b.distance;
        const std::size_t longest_stem = std::max(
            suspect_parts[i].stem.size(), decode_utf8(b.t->name.substr(0, b.t->name.rfind('.'))).size());
        f.similarity = longest_stem == 0 ? 1.0
                                         : static_cast<double>(longest_stem - b.distance) /
                                               static_cast<double>(longest_stem);
        out.push_back(std::move(h));
    }
}

/// Benign pairs the name belongs to, and its nearest targets by stem with the edits this
/// detector accepts for each (the same `accepted_edits` the run applies).
void explain(const detector_context& ctx, const explain_request& request, std::vector<std::string>& lines) {
    const std::string_view name = request.name;
    for (const benign_lookalike& b : benign_lookalikes())
        if (b.a == name || b.b == name)
            lines.push_back(
                fmt::format("known benign look-alike of {} ({})", b.a == name ? b.b : b.a, b.why));
    const auto self = split(name);
    if (!self) return;
    const bool writable = request.self != nullptr && request.self->from_writable;
    if (request.self != nullptr && named_by_its_own_binary(*request.self->stats, name)) {
        lines.push_back("its original file name (PE version information) is its own name: not a renamed copy "
                        "of another program, so not a look-alike");
        return;
    }
    struct near {
        std::size_t distance;
        const target* t;
        std::size_t length, shorter;
    };
    std::vector<near> nearest;
    for (const target& t : ctx.targets) {
        if (t.name == name) continue;
        const auto other = split(t.name);
        if (!other) continue;
        nearest.push_back({damerau_levenshtein(self->stem, other->stem), &t,
                           std::max(self->stem.size(), other->stem.size()),
                           std::min(self->stem.size(), other->stem.size())});
    }
    std::sort(nearest.begin(), nearest.end(), [](const near& a, const near& b) {
        return std::tie(a.distance, a.t->name) < std::tie(b.distance, b.t->name);
    });
    for (std::size_t i = 0; i < nearest.size() && i < 3; ++i) {
        const near& n = nearest[i];
        const std::ptrdiff_t accepted = accepted_edits(n.length, n.shorter, windows_binary(*n.t), writable);
        lines.push_back(fmt::format("stem {} edit{} from {} (full mode accepts {} at this length{})",
                                    n.distance, n.distance == 1 ? "" : "s", n.t->name, accepted,
                                    n.shorter <= 2 ? ", none with a stem of two letters or fewer"
                                    : accepted < full_mode_edits(n.length)
                                        ? ", 2 only towards a Windows binary from a user-writable folder"
                                        : ""));
    }
}

} // namespace

const detector name_similarity{
    {"name-similarity", detector_category::name, "T1036.005",
     "a rare name a few edits from a Windows binary or a frequent name (per-length budgets on stems)"},
    run,
    explain};

} // namespace masq::detectors
