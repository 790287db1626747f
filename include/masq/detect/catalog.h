// SPDX-License-Identifier: MIT
#pragma once

/// @file catalog.h
/// What masq knows about Windows without seeing any data: the system binaries and common
/// applications attackers imitate, the folders they belong in, and the legitimate look-alike
/// pairs that must not be reported. The facts are reviewed tables compiled into the library,
/// each row with its source (Sigma, Elastic, Splunk, MITRE CAR and ATT&CK, Windows
/// documentation): data/catalog/README.md.

#include <deque>
#include <span>
#include <stdexcept>
#include <string>
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
    /// A name attackers imitate (data/catalog/binaries.tsv): a look-alike target and a
    /// wrong-folder subject. False for names known only from known_files.tsv (the thousands of
    /// files Windows and enterprise software ship): those say where a name legitimately runs, so
    /// that a genuine file is never taken for a look-alike of another, and nothing more.
    bool imitated = true;
};

/// A problem in a catalog file given with `--catalog`: the message names the file, line and field.
class catalog_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/**
 * What detection knows about binaries: the built-in tables (binaries.tsv and known_files.tsv),
 * plus the rows of an organisation's own catalog files (`--catalog FILE`, the format of either
 * table: `name, role, folder, source` rows are imitated binaries, `name, folder, kind, source`
 * rows are known files). One entry per name, sorted, its folders in row order (the built-in rows
 * first); a name in both tables is imitated and has the folders of both.
 */
class binary_catalog {
  public:
    /// The built-in tables only (built once, shared).
    static const binary_catalog& builtin();

    /// The built-in tables and the rows of `files`. Throws `catalog_error` naming the file, line
    /// and field of the first problem (a missing file, an unknown header, a row with the wrong
    /// number of fields, an upper-case name, a folder that is not normalised, an unknown role or
    /// kind).
    static binary_catalog with_files(std::span<const std::string> files);

    /// One catalog file's text, as read from it.
    struct file_text {
        std::string name; ///< for messages: `name:line: field 'x': ...`
        std::string text;
    };
    /// `with_files` on texts already read (Python, tests, the fuzz harness).
    static binary_catalog with_texts(std::span<const file_text> files);

    binary_catalog(binary_catalog&&) noexcept = default;
    binary_catalog& operator=(binary_catalog&&) noexcept = default;
    binary_catalog(const binary_catalog&) = delete; // entries point into strings_
    binary_catalog& operator=(const binary_catalog&) = delete;

    /// Every entry, sorted by name.
    std::span<const known_binary> binaries() const noexcept { return entries_; }
    /// The entry for a lower-cased file name, or nullptr.
    const known_binary* find(std::string_view name) const noexcept;
    /// Rows read from catalog files (0 for the built-in catalog).
    std::size_t added_rows() const noexcept { return added_rows_; }

  private:
    binary_catalog() = default;
    std::vector<known_binary> entries_;
    std::deque<std::string> strings_; ///< what the entries of added rows point into
    std::size_t added_rows_ = 0;
};

/// Every built-in catalog entry, sorted by name (`binary_catalog::builtin().binaries()`).
std::span<const known_binary> known_binaries();

/// The built-in entry for a lower-cased file name, or nullptr.
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
