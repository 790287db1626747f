// SPDX-License-Identifier: MIT
#pragma once

// What every detector shares: the ranked profile seen through a `detector_context`, the finding
// builder, and the table entry (`detector`) by which `detect()` runs a detector and `explain`
// asks it for its reasoning. Internal to the library.

#include "masq/detect.h"
#include "masq/detect/catalog.h"
#include "masq/detect/detectors.h"
#include "masq/finding.h"
#include "masq/match/similarity_join.h"
#include "masq/profile.h"
#include "masq/rank.h"

#include <algorithm>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace masq::detectors {

/// One distinct (non-null) name of the profile with what every detector needs about it.
struct name_entry {
    std::string name;
    const name_stats* stats = nullptr;
    double percent_rank = 0.0;
    bool frequent = false;
    const known_binary* known = nullptr; ///< catalog entry of the name itself
    /// `folder_facts_of(*stats)`, computed once for every detector that asks.
    bool from_writable = false;
    bool installed_only = false;
    /// `confusable_skeleton(name)`, computed once for the detectors that compare skeletons (empty
    /// when none of them runs).
    std::string skeleton;
};

/// A name others may imitate: every catalog binary (seen in the data or not — lsass is created
/// so rarely it is never frequent) and every frequent name.
struct target {
    std::string name;
    const name_entry* entry = nullptr;   ///< null when the name is not in the data
    const known_binary* known = nullptr; ///< null for frequent names outside the catalog
    std::string skeleton;                ///< as `name_entry::skeleton`
};

struct detector_context {
    const process_profile& profile;
    const detect_options& options;
    const binary_catalog& catalog; ///< options.catalog, or the built-in one
    std::vector<name_entry> names;
    std::vector<target> targets;
    std::uint64_t total_hosts = 0;
    /// Indices of `targets` by name (equal names in target order), for `find_target`: detectors
    /// look targets up per suspect, and a scan of every frequent name per suspect was quadratic.
    std::vector<std::uint32_t> targets_by_name = {};
};

detector_context make_context(const process_profile& profile, const frequency_split& split,
                              const detect_options& options);

/// The first target named `name` (in `targets` order), or null.
const target* find_target(const detector_context& ctx, std::string_view name);
/// `find_target` by a scan of every target: the slow reference the tests compare it with.
const target* find_target_by_scan(const detector_context& ctx, std::string_view name);

/// The events a detection is about, as a set of the suspect's variants (sorted by address, no
/// repeats); empty means every event of the name (a look-alike name is suspicious wherever it runs).
using evidence_set = std::vector<const variant_key*>;

/// Whether two evidence sets share an event (an empty set is the whole name and shares all).
bool overlaps(const evidence_set& a, const evidence_set& b) noexcept;

/**
 * The events of `e` that a look-alike detector may call an imitation: none (nullopt) for a binary
 * attackers imitate (its own name; wrong-folder judges where it runs) and for a known file run
 * only from its own folders (a genuine `chrome_proxy.exe` is no affixed `chrome.exe`); for a known
 * file that also ran elsewhere, the variants outside its folders; for any other name, all its
 * events (an empty set).
 */
std::optional<evidence_set> lookalike_evidence(const name_entry& e);

/// A detection before merging: the finding it would be on its own, and its evidence.
struct hit {
    finding f;
    evidence_set evidence;
    const name_entry* suspect = nullptr;
};

/// Fills a finding's evidence fields — count, paths, hosts, times, parents, samples — from the
/// events of `evidence` in `suspect`, and, when `imitated` is null, its context fields
/// (`normal_*`) from the name's other events: the legitimate runs of the same binary. Lists are
/// trimmed to `options.max_paths`, `max_hosts` and `samples` (0 = all).
void fill_evidence(finding& f, const name_stats& suspect, const evidence_set& evidence,
                   const name_stats* imitated, const detect_options& options);

/// The finding builder both modes share: a finding about `suspect` (and the name it imitates,
/// when it has events) with its context filled in — paths, counts, percent ranks, hosts, times,
/// parents, samples, user-data and synthetic flags — over all the suspect's events.
finding make_finding(const name_stats& suspect, double suspect_rank, const name_stats* imitated,
                     double imitated_rank, const detect_options& options);

/// A full-mode detection about the `evidence` events of `suspect`: the finding with the detector
/// (its ATT&CK technique from the table), score, reason, and the evidence's spread over the
/// fleet's hosts appended to the reason. `imitated` is the other name it imitates (never itself).
hit make_finding(const detector_context& ctx, const name_entry& suspect, const target* imitated,
                 std::string detector, double score, std::string reason, evidence_set evidence = {});

/// The level of a detection score before corroboration (docs/alerts.md, "Levels").
alert_level level_of_score(double score) noexcept;

/// The name's variants whose events match `keep`, as an evidence set.
template <class F>
evidence_set variants_where(const name_stats& stats, F&& keep) {
    evidence_set out;
    for (const auto& [key, v] : stats.variants)
        if (keep(key, v)) out.push_back(&key);
    std::sort(out.begin(), out.end());
    return out;
}

/// What `masq explain` asks each detector about one name.
struct explain_request {
    std::string_view name;  ///< lower-cased
    std::string_view path;  ///< as given with --path, may be empty
    const name_entry* self; ///< the name in the (augmented) profile
};

/// One row of a mode's detector table: what it is, how it runs, how it explains itself.
struct detector {
    detector_info info;
    void (*run)(const detector_context& ctx, std::vector<hit>& out);
    /// Appends the detector's own reasoning about one name (may be null: nothing to add).
    void (*explain)(const detector_context& ctx, const explain_request& request,
                    std::vector<std::string>& lines);
};

/// Full mode's detectors, in the order they run (registry.cpp).
std::span<const detector* const> full_mode_table() noexcept;

/// Whether `options.detectors` enables `id` (an empty list enables all).
bool enabled(const detect_options& options, std::string_view id);

/// Whether a normalised folder is one anyone can write to (user profiles, temp, ProgramData,
/// public, the volume root, Windows\Fonts, Windows\Temp).
bool user_writable_folder(std::string_view folder);

/// Extensions that run code when opened, and decoys used in double extensions.
bool executable_extension(std::string_view ext);
bool decoy_extension(std::string_view ext);

// The detectors: each file in detectors/ defines its table row (registry.cpp lists them).
extern const detector name_similarity;
extern const detector affixes;
extern const detector confusables;
extern const detector visual_lookalikes;
extern const detector wrong_folder;
extern const detector home_folder;
extern const detector right_to_left_override;
extern const detector invisible_characters;
extern const detector double_extension;
extern const detector space_after_name;
extern const detector renamed_binaries;
extern const detector renamed_by_hash;
extern const detector wrong_parent;

/// The full-mode edit budget the similarity join searches with: one edit from 3 letters, two
/// from 6, three from 15 — stems, so `lsass`/`1sass` and `cmd`/`cnd` count. name-similarity
/// accepts fewer in places (`accepted_edits`).
std::ptrdiff_t full_mode_edits(std::size_t stem_length) noexcept;

/// The edits name-similarity accepts between stems whose longer has `length` letters and whose
/// shorter has `shorter`: the join's budget, except that two edits at 6–8 letters count only
/// towards a Windows binary and from a user-writable folder (they reach many real tools:
/// msconfig/ipconfig, secedit/regedit), and none when either stem has two letters or fewer
/// (`csc`/`sc`).
std::ptrdiff_t accepted_edits(std::size_t length, std::size_t shorter, bool windows_target,
                              bool writable_folder) noexcept;

/// What the look-alike rules know about each side of a candidate pair, one flag per name.
struct lookalike_roles {
    /// Per target: searched with two edits at 6–8 letters from writable suspects. The Windows
    /// binaries (name-similarity's `accepted_edits`), and for visual also targets whose key is no
    /// letter-by-letter map of the name (`letterwise_visual_key`).
    std::vector<bool> full_budget;
    std::vector<bool> catalogued; ///< per target: in the catalog at all
    /// Per suspect: searched with two edits at 6–8 letters from writable folders towards every
    /// target. Visual's suspects whose key is no letter-by-letter map of the name: folding `rn` to
    /// `m` where it is no look-alike swap (`5crn263` for `scon263`) adds a key edit to a pair.
    /// Empty: none.
    std::vector<bool> full_budget_suspects;
    std::vector<bool> writable;       ///< per suspect: `name_entry::from_writable`
    std::vector<bool> installed_only; ///< per suspect: `name_entry::installed_only`

    bool full_budget_suspect(std::size_t suspect) const {
        return !full_budget_suspects.empty() && full_budget_suspects[suspect];
    }
    /// Whether the pair (target, suspect) is searched with the full budget from writable folders.
    bool full_budget_pair(std::size_t target, std::size_t suspect) const {
        return full_budget[target] || full_budget_suspect(suspect);
    }
};

/// Whether a target is a Windows binary: in the catalog with the role core or system (not an
/// application's), the targets towards which the look-alike rules accept the most edits.
bool windows_binary(const target& t) noexcept;

/// The roles of look-alike candidates: `full_budget` picks the targets searched with two edits at
/// 6–8 letters from writable folders, `full_budget_suspects` (may be empty) the suspects searched
/// so towards every target; the rest comes from the targets' catalog entries and the suspects'
/// `folder_facts`.
lookalike_roles lookalike_roles_of(std::span<const target* const> targets,
                                   std::span<const name_entry* const> suspects, std::vector<bool> full_budget,
                                   std::vector<bool> full_budget_suspects = {});

/**
 * The most edits the look-alike detectors search between a target and a suspect whose longer
 * stem (or key) has `length` letters (-1: none): two edits at 6–8 letters only from a user-writable
 * folder for a `full_budget_pair`, and no pair of a name outside the catalog with software
 * installed under Program Files (versions and siblings of vendor tools are not masquerades;
 * attackers drop look-alikes where they can write).
 */
std::ptrdiff_t lookalike_search_edits(bool full_budget_pair, bool catalogued_target, bool writable_suspect,
                                      bool installed_suspect, std::size_t length) noexcept;

/**
 * The candidate pairs of the look-alike detectors: `targets` × `suspects` (stems or keys) within
 * `lookalike_search_edits` of each, ordered by (left, right). Splitting the sides so is what
 * keeps the join's deletion neighbourhoods small at fleet scale: two edits cost far more to
 * index than one, and name-similarity needs them only towards the few Windows binaries; suspects
 * installed under Program Files only meet the catalog's few thousand names. `similarity_join` with
 * `full_mode_edits` over all pairs, filtered by that rule, gives the same pairs (the slow reference of
 * tests/unit/detect).
 */
std::vector<join_pair> lookalike_join(std::span<const std::u32string> targets,
                                      std::span<const std::u32string> suspects, const lookalike_roles& roles,
                                      unsigned threads);

/// The most edits `lookalike_join` searches at `length` for a suspect outside writable folders.
std::ptrdiff_t protected_folder_edits(std::size_t length) noexcept;

/// Where a name runs from, in one pass over its paths (normalised).
struct folder_facts {
    bool writable = false;       ///< any path is in a user-writable folder
    bool installed_only = false; ///< every path is under Program Files (software an installer put
                                 ///< there, where users cannot write); false for a name without paths
};
folder_facts folder_facts_of(const name_stats& stats);

/// Whether a normalised folder is under Program Files (data/catalog/program_files.tsv).
bool under_program_files(std::string_view folder);

} // namespace masq::detectors
