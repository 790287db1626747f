// SPDX-License-Identifier: MIT
#pragma once

/// @file catalog.h
/// What masq knows about Windows without seeing any data: the system binaries and common
/// applications attackers imitate, the folders they belong in, and the legitimate look-alike
/// pairs that must not be reported. The facts are reviewed tables compiled into the library,
/// each row with its source (Sigma, Elastic, Splunk, MITRE CAR and ATT&CK, Windows
/// documentation): data/catalog/README.md.

#include <span>
#include <string_view>
#include <vector>

namespace masq {

enum class binary_role : unsigned char {
    core,        ///< session-critical or credential processes (lsass, csrss, smss, svchost, ...)
    system,      ///< other Windows binaries (LOLBins, shells, services)
    application, ///< common third-party or Store applications
};

struct known_binary {
    std::string_view name; ///< lower-cased file name
    binary_role role;
    std::vector<std::string_view>
        folders; ///< normalised (`?:\windows\system32\`); `*` matches within the path
};

/// Every catalog entry, sorted by name.
std::span<const known_binary> known_binaries();

/// The entry for a lower-cased file name, or nullptr.
const known_binary* find_known_binary(std::string_view name) noexcept;

/**
 * Whether `folder` (normalised, see windows_path.h) is where `binary` may legitimately run from:
 * one of its folders exactly — a sub-folder such as `system32\srv\` does not pass (MITRE CAR) —
 * or, for Windows binaries, a servicing location (WinSxS, `$WINDOWS.~BT`, `$WinREAgent`, `uus`,
 * `servicing`, the SoftwareDistribution download cache).
 */
bool folder_expected(const known_binary& binary, std::string_view folder) noexcept;

/**
 * The processes that may start `name` (lower-cased file names), for the Windows processes whose
 * parent is fixed by the boot sequence or the service control manager — `lsass.exe` only from
 * `wininit.exe`, `svchost.exe` from `services.exe` (and the few known others) — or empty when
 * `name` has no such rule. From data/catalog/parents.tsv (Elastic
 * "Unusual Parent-Child Relationship", Sigma `proc_creation_win_susp_proc_wrong_parent`,
 * MITRE CAR-2021-04-001, SANS Hunt Evil), keeping only parents that hold on every Windows version
 * and leaving out processes whose parents vary (conhost, dllhost, WerFault).
 */
std::span<const std::string_view> expected_parents(std::string_view name) noexcept;

/// A legitimate pair of look-alike names (both real software), with why it is benign.
struct benign_lookalike {
    std::string_view a, b;
    std::string_view why;
};

std::span<const benign_lookalike> benign_lookalikes();

/// Whether (a, b) or (b, a) is a known legitimate pair (names lower-cased, with extension).
bool is_benign_lookalike(std::string_view a, std::string_view b) noexcept;

} // namespace masq
