// SPDX-License-Identifier: MIT
// Visual look-alikes (ATT&CK T1036.005): a rare name that looks like a Windows binary or a
// frequent name once the glyphs that render alike are counted as the cheap swaps they are to a
// reader (match/visual_distance.h): `expI0rer.exe` (two swaps), `5vch0st.exe`, `rnsedge.exe`, or
// swaps with one real edit (`svch0stt.exe`). Two arbitrary edits in a short stem are not close;
// two swaps are. Candidates come from the exact similarity join on confusable skeletons (no cross
// join), then each pair's visual distance decides. Names with a target's very skeleton are the
// confusable detector's, whose reason names the characters.
#include "detect/context.h"
#include "masq/match/confusable.h"
#include "masq/match/similarity_join.h"
#include "masq/match/visual_distance.h"
#include "masq/util/unicode.h"
#include "util/parallel.h"

#include <algorithm>
#include <fmt/format.h>
#include <optional>
#include <unordered_map>

namespace masq::detectors {
namespace {

struct parts {
    std::u32string stem;     ///< lower-cased, as logged
    std::u32string skeleton; ///< the stem's visual_key: what the join compares
    std::string extension;
    std::string confusable; ///< the whole name's confusable skeleton
    /// `letterwise_visual_key`: the key maps the stem letter by letter, so it is at most as many
    /// edits from another such key as the stems' visual alignment has ordinary edits.
    bool letterwise = false;
};

/// The parts of `name`, whose confusable skeleton is `skeleton`. The skeleton maps characters one
/// by one (UTS #39 section 4) and keeps the dot, so the stem's is the skeleton before its last dot.
std::optional<parts> parts_of(std::string_view name, std::string_view skeleton) {
    const auto dot = name.rfind('.');
    const auto skeleton_dot = skeleton.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || skeleton_dot == std::string_view::npos)
        return std::nullopt;
    const std::string_view stem = name.substr(0, dot);
    parts p{decode_utf8(stem), visual_key_of_skeleton(skeleton.substr(0, skeleton_dot)),
            std::string(name.substr(dot + 1)), std::string(skeleton)};
    p.letterwise = letterwise_visual_key(stem, p.skeleton);
    return p;
}

std::optional<parts> parts_of(std::string_view name) {
    return parts_of(name, confusable_skeleton(name));
}

/// What a pair may have: the ordinary edits name-similarity accepts at this length, and look-alike
/// swaps worth at most one edit more (`cr0m3` is chrome with one deletion and two swaps: the swaps
/// only add to the disguise). Costs in quarter edits.
struct budget {
    std::size_t edits = 0, cost = 0;
};

budget accepted_cost(const parts& suspect, const parts& t, bool windows, bool writable) {
    const std::size_t length = std::max(suspect.stem.size(), t.stem.size());
    const std::size_t shorter = std::min(suspect.stem.size(), t.stem.size());
    const std::ptrdiff_t edits = accepted_edits(length, shorter, windows, writable);
    if (edits <= 0) return {};
    return {static_cast<std::size_t>(edits), (static_cast<std::size_t>(edits) + 1) * visual_edit_cost};
}

bool within(const visual_alignment& a, const budget& b) {
    return a.edits <= b.edits && a.cost <= b.cost;
}

struct match {
    const target* t = nullptr;
    visual_alignment a;
};

/// The best visual match of every suspect among `candidates` (the join's pairs). The distances,
/// the costly part, are computed over `threads`; the choice per suspect is made in pair order.
std::vector<match> best_matches(std::span<const name_entry* const> suspects,
                                std::span<const parts> suspect_parts, std::span<const target* const> targets,
                                std::span<const parts> target_parts, std::span<const join_pair> candidates,
                                unsigned threads) {
    std::vector<match> best(suspects.size());
    // A suspect with a target's very skeleton (same extension, another name) is the confusable
    // detector's, with its nearest target; a farther visual match would only compete with it.
    // Looked up by skeleton rather than among the candidates, which leave out pairs no look-alike
    // rule accepts.
    std::unordered_multimap<std::string_view, std::size_t> targets_by_skeleton;
    for (std::size_t i = 0; i < targets.size(); ++i)
        targets_by_skeleton.emplace(target_parts[i].confusable, i);
    std::vector<bool> skeleton_twin(suspects.size());
    for (std::size_t i = 0; i < suspects.size(); ++i) {
        const auto [first, last] = targets_by_skeleton.equal_range(suspect_parts[i].confusable);
        for (auto it = first; it != last && !skeleton_twin[i]; ++it)
            skeleton_twin[i] = target_parts[it->second].extension == suspect_parts[i].extension &&
                               targets[it->second]->name != suspects[i]->name;
    }
    std::vector<std::optional<visual_alignment>> accepted(candidates.size());
    detail::parallel_blocks(candidates.size(), 2048, detail::thread_count(threads),
                            [&](std::size_t, std::size_t begin, std::size_t end, std::size_t) {
                                for (std::size_t i = begin; i < end; ++i) {
                                    const std::size_t left = candidates[i].left, right = candidates[i].right;
                                    const target& t = *targets[left];
                                    const name_entry& s = *suspects[right];
                                    const parts& sp = suspect_parts[right];
                                    const parts& tp = target_parts[left];
                                    if (skeleton_twin[right] || sp.extension != tp.extension ||
                                        s.name == t.name)
                                        continue;
                                    if (is_benign_lookalike(s.name, t.name)) continue;
                                    // Vendor tools that are merely frequent: only look-alikes of them run
                                    // from where users write.
                                    if (t.known == nullptr && s.installed_only) continue;
                                    const visual_alignment a = visual_distance(sp.stem, tp.stem);
                                    if (a.swaps == 0 || a.cost == 0)
                                        continue; // nothing visual: name-similarity's business
                                    if (!within(a, accepted_cost(sp, tp, windows_binary(t), s.from_writable)))
                                        continue;
                                    accepted[i] = a;
                                }
                            });
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        if (!accepted[i]) continue;
        const match candidate{targets[candidates[i].left], *accepted[i]};
        const auto rank = [](const match& m) {
            return std::tuple(m.a.cost,
                              m.t->known == nullptr                   ? 2
                              : m.t->known->role == binary_role::core ? 0
                                                                      : 1,
                              std::string_view(m.t->name));
        };
        match& b = best[candidates[i].right];
        if (b.t == nullptr || rank(candidate) < rank(b)) b = candidate;
    }
    return best;
}

void run(const detector_context& ctx, std::vector<hit>& out) {
    std::vector<const target*> targets;
    std::vector<parts> target_parts;
    for (const target& t : ctx.targets) {
        auto p = parts_of(t.name, t.skeleton);
        if (!p) continue;
        targets.push_back(&t);
        target_parts.push_back(std::move(*p));
    }
    std::vector<const name_entry*> suspects;
    std::vector<parts> suspect_parts;
    std::vector<evidence_set> evidence;
    for (const name_entry& e : ctx.names) {
        if (e.frequent) continue;
        std::optional<evidence_set> ev = lookalike_evidence(e);
        if (!ev) continue;
        auto p = parts_of(e.name, e.skeleton);
        if (!p || !executable_extension(p->extension)) continue;
        suspects.push_back(&e);
        suspect_parts.push_back(std::move(*p));
        evidence.push_back(std::move(*ev));
    }
    if (targets.empty() || suspects.empty()) return;
    std::vector<std::u32string> left, right;
    for (const parts& p : target_parts)
        left.push_back(p.skeleton);
    for (const parts& p : suspect_parts)
        right.push_back(p.skeleton);
    // The join searches keys with the edits `accepted_edits` allows the stems: the full budget
    // from writable folders towards Windows binaries. Between letterwise keys that is exact, as
    // look-alike swaps map to one key letter and every other edit stays one edit. Keys that fold
    // `rn` to `m` (or `cl`, `vv`) where it is no look-alike swap (`5crn263` for `scon263`: r for
    // o) or that map a letter to several (other scripts) can be more key edits apart than the
    // stems have ordinary edits: their pairs get the full budget from writable folders.
    std::vector<bool> full_budget_targets, full_budget_suspects;
    for (std::size_t i = 0; i < targets.size(); ++i)
        full_budget_targets.push_back(windows_binary(*targets[i]) || !target_parts[i].letterwise);
    for (const parts& p : suspect_parts)
        full_budget_suspects.push_back(!p.letterwise);
    const lookalike_roles roles = lookalike_roles_of(targets, suspects, std::move(full_budget_targets),
                                                     std::move(full_budget_suspects));
    const std::vector<join_pair> joined = lookalike_join(left, right, roles, ctx.options.threads);
    const std::vector<match> best =
        best_matches(suspects, suspect_parts, targets, target_parts, joined, ctx.options.threads);
    for (std::size_t i = 0; i < suspects.size(); ++i) {
        const match& m = best[i];
        if (m.t == nullptr) continue;
        const name_entry& s = *suspects[i];
        const bool from_writable = s.from_writable;
        double score = 0.8;
        if (m.t->known != nullptr) score += m.t->known->role == binary_role::core ? 0.1 : 0.05;
        if (from_writable) score += 0.05;
        std::string how = describe_lookalikes(s.name, m.t->name);
        std::string reason = fmt::format(
            "looks like {}: {} look-alike glyph{}{}{} (visual distance {:.2f} edits){}; seen {} time{}",
            m.t->name, m.a.swaps, m.a.swaps == 1 ? "" : "s",
            m.a.edits > 0 ? fmt::format(" and {} other edit{}", m.a.edits, m.a.edits == 1 ? "" : "s") : "",
            how.empty() ? "" : fmt::format(" ({})", how),
            static_cast<double>(m.a.cost) / static_cast<double>(visual_edit_cost),
            from_writable ? "; runs from a user-writable folder" : "", s.stats->count,
            s.stats->count == 1 ? "" : "s");
        hit h = make_finding(ctx, s, m.t, "visual", std::min(score, 0.97), std::move(reason),
                             std::move(evidence[i]));
        h.f.distance = m.a.edits + m.a.swaps;
        out.push_back(std::move(h));
    }
}

/// The nearest targets by visual distance and what this detector accepts for each.
void explain(const detector_context& ctx, const explain_request& request, std::vector<std::string>& lines) {
    const auto self = parts_of(request.name);
    if (!self) return;
    const bool writable = request.self != nullptr && request.self->from_writable;
    struct near {
        visual_alignment a;
        const target* t;
        budget accepted;
    };
    std::vector<near> nearest;
    for (const target& t : ctx.targets) {
        if (t.name == request.name) continue;
        const auto other = parts_of(t.name);
        if (!other || other->extension != self->extension) continue;
        const visual_alignment a = visual_distance(self->stem, other->stem);
        if (a.swaps == 0) continue;
        nearest.push_back({a, &t, accepted_cost(*self, *other, windows_binary(t), writable)});
    }
    std::sort(nearest.begin(), nearest.end(), [](const near& a, const near& b) {
        return std::tie(a.a.cost, a.t->name) < std::tie(b.a.cost, b.t->name);
    });
    for (std::size_t i = 0; i < nearest.size() && i < 2; ++i)
        lines.push_back(fmt::format(
            "visual distance {:.2f} edits from {} ({} glyph swap{}, {} other edit{}; accepted: {} other "
            "edit{} and {:.2f} in all)",
            static_cast<double>(nearest[i].a.cost) / visual_edit_cost, nearest[i].t->name, nearest[i].a.swaps,
            nearest[i].a.swaps == 1 ? "" : "s", nearest[i].a.edits, nearest[i].a.edits == 1 ? "" : "s",
            nearest[i].accepted.edits, nearest[i].accepted.edits == 1 ? "" : "s",
            static_cast<double>(nearest[i].accepted.cost) / visual_edit_cost));
}

} // namespace

const detector visual_lookalikes{{"visual", detector_category::name, "T1036.005",
                                  "a rare name whose visual distance (look-alike glyphs such as 0/o, l/1/I, "
                                  "rn/m cost a quarter edit) to a "
                                  "Windows binary or a frequent name is within the look-alike budget"},
                                 run,
                                 explain};

} // namespace masq::detectors
