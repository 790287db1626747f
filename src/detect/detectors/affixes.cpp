// SPDX-License-Identifier: MIT
// Affixed names (ATT&CK T1036.005): a Windows binary's stem with a short prefix or suffix —
// `svchost32.exe`, `lsass_x.exe`, `svchost-update.exe`, `1lsass.exe` — that an analyst reads as
// the binary itself or as its companion. The edit budget of name-similarity stops at one or two
// edits; an affix is several. The many legitimate affixed names (`taskhostw.exe`,
// `powershell_ise.exe`, `werfaultsecure.exe`) are catalog binaries, and a catalog binary is never
// a look-alike of another; software under Program Files (an installer put it there) stays quiet.
#include "detect/affix_index.h"
#include "detect/context.h"
#include "masq/util/windows_path.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <fmt/format.h>
#include <span>
#include <vector>

namespace masq::detectors {
namespace {

/// Tokens attackers (and red-team tooling) append or prepend to a system binary's stem: builds
/// and architectures, "copy", "update", service words. Lower-case ASCII.
constexpr std::array<std::string_view, 25> affix_tokens{
    "32",      "64",     "x",    "x86",   "x64",    "dll", "exe",  "update", "upd",
    "new",     "old",    "copy", "bak",   "backup", "tmp", "temp", "svc",    "srv",
    "service", "helper", "host", "setup", "patch",  "win", "my"};

bool digits(std::string_view s) {
    return !s.empty() && s.size() <= 4 &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool letters(std::string_view s) {
    return s.size() >= 2 && s.size() <= 12 &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return c >= 'a' && c <= 'z'; });
}

bool separator(char c) {
    return c == '_' || c == '-' || c == '.' || c == ' ';
}

} // namespace

/// Whether `affix` (what is left of the stem around the target's) reads as an affix: digits or a
/// token, with or without a separator between it and the stem, or any short word behind a
/// separator (`_update`, `-helper`). A bare word glued to the stem is not one: `smartscreen` +
/// `settings` is another binary, `calc` + `ulator` another word.
bool is_affix(std::string_view affix, bool suffix) {
    if (affix.empty()) return false;
    bool separated = false;
    if (suffix && separator(affix.front())) {
        affix.remove_prefix(1);
        separated = true;
    } else if (!suffix && separator(affix.back())) {
        affix.remove_suffix(1);
        separated = true;
    }
    if (digits(affix)) return true;
    if (std::find(affix_tokens.begin(), affix_tokens.end(), affix) != affix_tokens.end()) return true;
    return separated && letters(affix);
}

std::vector<affix_target> affix_targets(const detector_context& ctx) {
    std::vector<affix_target> out;
    for (const target& t : ctx.targets) {
        if (t.known == nullptr) continue;
        const std::size_t dot = t.name.rfind('.');
        // Applications' stems from five letters (`chrome_new`, `msedge64`); `zoom1` is a version.
        const std::size_t shortest = t.known->role == binary_role::application ? 5 : 4;
        if (dot == std::string::npos || dot < shortest) continue;
        out.push_back(
            {&t, std::string_view(t.name).substr(0, dot), std::string_view(t.name).substr(dot + 1)});
    }
    return out;
}

affixed find_affixed_by_scan(std::span<const affix_target> targets, std::string_view stem,
                             std::string_view ext) {
    affixed best;
    std::size_t best_length = 0;
    for (const affix_target& a : targets) {
        const std::string_view tstem = a.stem;
        if (a.ext != ext || tstem.size() >= stem.size() || tstem.size() <= best_length) continue;
        if (stem.starts_with(tstem) && is_affix(stem.substr(tstem.size()), true)) {
            best = {a.t, stem.substr(tstem.size()), true};
            best_length = tstem.size();
        } else if (stem.ends_with(tstem) && is_affix(stem.substr(0, stem.size() - tstem.size()), false)) {
            best = {a.t, stem.substr(0, stem.size() - tstem.size()), false};
            best_length = tstem.size();
        }
    }
    return best;
}

affix_index::affix_index(std::vector<affix_target> targets) : targets_(std::move(targets)) {
    for (std::uint32_t i = 0; i < targets_.size(); ++i)
        by_stem_[targets_[i].stem].push_back(i);
}

affixed affix_index::find(std::string_view stem, std::string_view ext) const {
    // Longest first: the first length with a match holds the answer, the first target in order
    // that matches either way.
    for (std::size_t length = stem.size(); length-- > 0;) {
        std::uint32_t first = 0xFFFFFFFFu;
        affixed best;
        const auto consider = [&](std::string_view part, bool suffix) {
            const auto it = by_stem_.find(part);
            if (it == by_stem_.end()) return;
            const std::string_view affix =
                suffix ? stem.substr(length) : stem.substr(0, stem.size() - length);
            for (const std::uint32_t i : it->second) {
                if (i > first) break;
                if (targets_[i].ext != ext || !is_affix(affix, suffix)) continue;
                // The scan tries a target as a prefix (a suffix after it) before as a suffix.
                if (i < first || suffix) {
                    first = i;
                    best = {targets_[i].t, affix, suffix};
                }
                break;
            }
        };
        consider(stem.substr(0, length), true);
        consider(stem.substr(stem.size() - length), false);
        if (best.t != nullptr) return best;
    }
    return {};
}

namespace {

void run(const detector_context& ctx, std::vector<hit>& out) {
    const affix_index targets(affix_targets(ctx));
    for (const name_entry& e : ctx.names) {
        if (e.frequent || e.stats == nullptr) continue;
        std::optional<evidence_set> evidence = lookalike_evidence(e);
        if (!evidence) continue;
        const std::size_t dot = e.name.rfind('.');
        if (dot == std::string::npos || dot == 0) continue;
        const std::string_view ext = std::string_view(e.name).substr(dot + 1);
        if (!executable_extension(ext)) continue;
        const affixed a = targets.find(std::string_view(e.name).substr(0, dot), ext);
        if (a.t == nullptr || e.installed_only) continue;
        const bool core = a.t->known->role == binary_role::core;
        const bool writable = e.from_writable;
        const double score =
            0.65 + (core ? 0.15 : 0.05) + (writable ? 0.1 : 0.0); // below renamed (0.85) on a tie
        out.push_back(
            make_finding(ctx, e, a.t, "affix", score,
                         fmt::format("{}'s name with {} '{}'{}{}", a.t->name,
                                     a.suffix ? "the suffix" : "the prefix", a.affix,
                                     core ? ", a core Windows process"
                                     : a.t->known->role == binary_role::application ? ", an application"
                                                                                    : ", a Windows binary",
                                     writable ? "; runs from a user-writable folder" : ""),
                         std::move(*evidence)));
    }
}

void explain(const detector_context& ctx, const explain_request& request, std::vector<std::string>& lines) {
    const std::size_t dot = request.name.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return;
    if (request.self != nullptr && request.self->known != nullptr) return; // a catalog binary itself
    const affixed a =
        affix_index(affix_targets(ctx)).find(request.name.substr(0, dot), request.name.substr(dot + 1));
    if (a.t == nullptr) return;
    const bool installed = request.self != nullptr && request.self->installed_only;
    lines.push_back(fmt::format("affix: {} with the {} '{}'{}", a.t->name, a.suffix ? "suffix" : "prefix",
                                a.affix,
                                installed ? ", but installed under Program Files: not flagged" : ""));
}

} // namespace

const detector affixes{{"affix", detector_category::name, "T1036.005",
                        "a Windows binary's stem with a short prefix or suffix (svchost32.exe, lsass_x.exe, "
                        "svchost-update.exe)"},
                       run,
                       explain};

} // namespace masq::detectors
