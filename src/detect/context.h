// SPDX-License-Identifier: MIT
#pragma once

// Full mode's detectors: each reads the ranked profile through a `detector_context` and appends
// findings. Internal to the core; `detect()` (detect.h) runs them and the allow-list.

#include "masq/detect/catalog.h"
#include "masq/detect.h"
#include "masq/finding.h"
#include "masq/profile.h"
#include "masq/rank.h"

#include <optional>
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
};

/// A name others may imitate: every catalog binary (seen in the data or not — lsass is created
/// so rarely it is never frequent) and every frequent name.
struct target {
    std::string name;
    const name_entry* entry = nullptr;   ///< null when the name is not in the data
    const known_binary* known = nullptr; ///< null for frequent names outside the catalog
};

struct detector_context {
    const process_profile& profile;
    const detect_options& options;
    std::vector<name_entry> names;
    std::vector<target> targets;
    std::uint64_t total_hosts = 0;
};

detector_context make_context(const process_profile& profile, const frequency_split& split,
                              const detect_options& options);

/// The target named `name`, or null.
const target* find_target(const detector_context& ctx, std::string_view name);

/// A finding about `suspect` with its context filled in (paths, counts, hosts, times).
finding make_finding(const detector_context& ctx, const name_entry& suspect, const target* imitated,
                     std::string detector, double score, std::string reason);

/// Whether a normalised folder is one anyone can write to (user profiles, temp, ProgramData,
/// public, the volume root, Windows\Fonts, Windows\Temp).
bool user_writable_folder(std::string_view folder);

/// Extensions that run code when opened, and decoys used in double extensions.
bool executable_extension(std::string_view ext);
bool decoy_extension(std::string_view ext);

// The detectors.
void name_similarity(const detector_context& ctx, std::vector<finding>& out);
void confusables(const detector_context& ctx, std::vector<finding>& out);
void wrong_folder(const detector_context& ctx, std::vector<finding>& out);
void hidden_characters(const detector_context& ctx, std::vector<finding>& out);
void double_extension(const detector_context& ctx, std::vector<finding>& out);
void renamed_binaries(const detector_context& ctx, std::vector<finding>& out);
void wrong_parent(const detector_context& ctx, std::vector<finding>& out);

/// The full-mode edit budget: one edit from 3 letters, two from 6 (only towards Windows
/// binaries below 9), three from 15 — stems, so `lsass`/`1sass` and `cmd`/`cnd` count.
std::ptrdiff_t full_mode_edits(std::size_t stem_length) noexcept;

} // namespace masq::detectors
