// SPDX-License-Identifier: MIT
#include "masq/detect/catalog.h"

#include "masq/util/windows_path.h"

#include <algorithm>
#include <unordered_map>

namespace masq {
namespace {

/// One row of data/catalog/binaries.tsv: a binary and one folder it belongs in (`-`: none, only
/// the servicing roots).
struct binary_row {
    std::string_view name, role, folder;
};

constexpr binary_row binary_rows[] = {
#include "masq_data/catalog/binaries.inc"
};

binary_role parse_role(std::string_view role) noexcept {
    if (role == "core") return binary_role::core;
    if (role == "application") return binary_role::application;
    return binary_role::system;
}

/// The rows grouped by name, folders in table order, sorted by name.
std::vector<known_binary> build_catalog() {
    std::vector<known_binary> c;
    std::unordered_map<std::string_view, std::size_t> index;
    for (const binary_row& row : binary_rows) {
        const auto [it, added] = index.emplace(row.name, c.size());
        if (added) c.push_back({row.name, parse_role(row.role), {}});
        if (row.folder != "-") c[it->second].folders.push_back(row.folder);
    }
    std::sort(c.begin(), c.end(),
              [](const known_binary& a, const known_binary& b) { return a.name < b.name; });
    return c;
}

const std::vector<known_binary>& catalog() {
    static const std::vector<known_binary> c = build_catalog();
    return c;
}

// Servicing locations every Windows binary may run from (data/catalog/servicing_roots.tsv).
struct root_row {
    std::string_view root;
};

constexpr root_row servicing_roots[] = {
#include "masq_data/catalog/servicing_roots.inc"
};

constexpr benign_lookalike benign[] = {
#include "masq_data/catalog/benign_lookalikes.inc"
};

} // namespace

std::span<const known_binary> known_binaries() {
    return catalog();
}

const known_binary* find_known_binary(std::string_view name) noexcept {
    const auto& c = catalog();
    const auto it = std::lower_bound(c.begin(), c.end(), name,
                                     [](const known_binary& b, std::string_view n) { return b.name < n; });
    return it != c.end() && it->name == name ? &*it : nullptr;
}

bool folder_expected(const known_binary& binary, std::string_view folder) noexcept {
    for (std::string_view f : binary.folders)
        if (f.find('*') != std::string_view::npos ? glob_match(f, folder) : f == folder) return true;
    if (binary.role != binary_role::application)
        for (const auto& [root] : servicing_roots)
            if (folder.substr(0, root.size()) == root) return true;
    return false;
}

std::span<const benign_lookalike> benign_lookalikes() {
    return benign;
}

namespace {

struct parent_rule {
    std::string_view child;
    std::vector<std::string_view> parents;
};

// data/catalog/parents.tsv, one row per (child, parent). "system" is how Sysmon and 4688 name the
// kernel (PID 4), the parent of the first smss.exe; smss.exe also starts a copy of itself per
// session, which starts csrss, wininit and winlogon and exits. lsass.exe started by lsass.exe is
// process reflection or forking (a credential-dumping technique), not a Windows behaviour, so it
// is not listed.
struct parent_row {
    std::string_view child, parent;
};

constexpr parent_row parent_rows[] = {
#include "masq_data/catalog/parents.inc"
};

/// The rows grouped by child, parents in table order, sorted by child.
std::vector<parent_rule> build_parent_rules() {
    std::vector<parent_rule> rules;
    std::unordered_map<std::string_view, std::size_t> index;
    for (const parent_row& row : parent_rows) {
        const auto [it, added] = index.emplace(row.child, rules.size());
        if (added) rules.push_back({row.child, {}});
        rules[it->second].parents.push_back(row.parent);
    }
    std::sort(rules.begin(), rules.end(),
              [](const parent_rule& a, const parent_rule& b) { return a.child < b.child; });
    return rules;
}

const std::vector<parent_rule>& parent_rules() {
    static const std::vector<parent_rule> rules = build_parent_rules();
    return rules;
}

} // namespace

std::span<const std::string_view> expected_parents(std::string_view name) noexcept {
    const auto& rules = parent_rules();
    const auto it = std::lower_bound(rules.begin(), rules.end(), name,
                                     [](const parent_rule& r, std::string_view n) { return r.child < n; });
    if (it == rules.end() || it->child != name) return {};
    return it->parents;
}

bool is_benign_lookalike(std::string_view a, std::string_view b) noexcept {
    for (const auto& p : benign)
        if ((p.a == a && p.b == b) || (p.a == b && p.b == a)) return true;
    return false;
}

} // namespace masq
