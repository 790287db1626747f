// SPDX-License-Identifier: MIT
// The reviewed data tables (data/catalog/*.tsv, data/mappings/*.tsv) as the library compiles them
// (the initialisers the build generates, masq_data/...): normalised the way the code compares,
// no duplicate keys, only known values in the closed columns, and the lookups built from them at
// load (sorted by name, grouped per key in table order) agreeing with the rows.
#include "detect/context.h"
#include "masq/detect/catalog.h"
#include "masq/match/confusable.h"
#include "masq/util/unicode.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

// The same row shapes as the .cpp files that include these tables.
struct binary_row {
    std::string_view name, role, folder;
};
constexpr binary_row binary_rows[] = {
#include "masq_data/catalog/binaries.inc"
};

struct known_file_row {
    std::string_view name, folder, kind;
};
constexpr known_file_row known_file_rows[] = {
#include "masq_data/catalog/known_files.inc"
};

struct parent_row {
    std::string_view child, parent;
};
constexpr parent_row parent_rows[] = {
#include "masq_data/catalog/parents.inc"
};

struct lookalike_row {
    std::string_view a, b, why;
};
constexpr lookalike_row lookalike_rows[] = {
#include "masq_data/catalog/benign_lookalikes.inc"
};

struct one_column {
    std::string_view value;
};
constexpr one_column servicing_roots[] = {
#include "masq_data/catalog/servicing_roots.inc"
};
constexpr one_column dual_use_tools[] = {
#include "masq_data/catalog/dual_use_tools.inc"
};
constexpr one_column program_files[] = {
#include "masq_data/catalog/program_files.inc"
};

struct two_columns {
    std::string_view first, second;
};
constexpr two_columns writable_folders[] = {
#include "masq_data/catalog/writable_folders.inc"
};
constexpr two_columns extensions[] = {
#include "masq_data/catalog/extensions.inc"
};
constexpr two_columns character_swaps[] = {
#include "masq_data/catalog/character_swaps.inc"
};
constexpr two_columns ecs_mapping[] = {
#include "masq_data/mappings/ecs.inc"
};
constexpr two_columns defender_mapping[] = {
#include "masq_data/mappings/defender.inc"
};
constexpr two_columns sysmon_mapping[] = {
#include "masq_data/mappings/sysmon.inc"
};

bool lower_case(std::string_view s) {
    return masq::to_lower_full(s) == s;
}

/// A normalised folder (see windows_path.h): `?:\...\`, or a glob ending in `*`.
bool normalised_folder(std::string_view f) {
    return f.starts_with("?:\\") && (f.ends_with('\\') || f.ends_with('*')) && lower_case(f) &&
           f.find('/') == std::string_view::npos && f.find("\\\\") == std::string_view::npos;
}

/// A lower-cased file name with an extension and no folder.
bool file_name(std::string_view n) {
    const auto dot = n.rfind('.');
    return !n.empty() && lower_case(n) && dot != std::string_view::npos && dot > 0 && dot + 1 < n.size() &&
           n.find('\\') == std::string_view::npos && n.find('/') == std::string_view::npos;
}

} // namespace

TEST(catalog_data, binaries_are_lower_cased_names_with_normalised_folders) {
    for (const binary_row& r : binary_rows) {
        EXPECT_TRUE(file_name(r.name)) << r.name;
        EXPECT_TRUE(r.role == "core" || r.role == "system" || r.role == "application")
            << r.name << " " << r.role;
        EXPECT_TRUE(r.folder == "-" || normalised_folder(r.folder)) << r.name << " " << r.folder;
    }
}

TEST(catalog_data, binaries_have_one_row_per_name_and_folder_and_one_role_per_name) {
    std::set<std::pair<std::string_view, std::string_view>> seen;
    std::map<std::string_view, std::string_view> role;
    std::map<std::string_view, int> rows, no_folder;
    for (const binary_row& r : binary_rows) {
        EXPECT_TRUE(seen.emplace(r.name, r.folder).second) << "duplicate row " << r.name << " " << r.folder;
        const auto [it, added] = role.emplace(r.name, r.role);
        EXPECT_EQ(it->second, r.role) << r.name << " has two roles";
        ++rows[r.name];
        if (r.folder == "-") ++no_folder[r.name];
    }
    // `-` (no folder of its own, only the servicing roots) is the name's only row.
    for (const auto& [name, n] : no_folder)
        EXPECT_EQ(rows[name], 1) << name;
}

TEST(catalog_data, known_binaries_are_the_rows_grouped_and_sorted_by_name) {
    const auto known = masq::known_binaries();
    EXPECT_TRUE(std::ranges::adjacent_find(
                    known, [](const auto& a, const auto& b) { return a.name >= b.name; }) == known.end())
        << "not strictly sorted by name";
    // binaries.tsv rows first, then known_files.tsv rows adding folders the name does not have yet.
    std::map<std::string_view, std::vector<std::string_view>> folders;
    std::set<std::string_view> imitated;
    for (const binary_row& r : binary_rows) {
        auto& f = folders[r.name];
        imitated.insert(r.name);
        if (r.folder != "-") f.push_back(r.folder);
    }
    for (const known_file_row& r : known_file_rows) {
        auto& f = folders[r.name];
        if (std::ranges::find(f, r.folder) == f.end()) f.push_back(r.folder);
    }
    ASSERT_EQ(known.size(), folders.size());
    for (const masq::known_binary& k : known) {
        ASSERT_TRUE(folders.contains(k.name)) << k.name;
        EXPECT_EQ(k.imitated, imitated.contains(k.name)) << k.name;
        EXPECT_EQ(k.folders, folders[k.name]) << k.name << ": folders not in table order";
        EXPECT_EQ(masq::find_known_binary(k.name), &k) << k.name;
        for (std::string_view f : k.folders)
            if (f.find('*') == std::string_view::npos) EXPECT_TRUE(masq::folder_expected(k, f)) << k.name;
    }
    EXPECT_EQ(masq::find_known_binary("not-in-the-catalog.exe"), nullptr);
}

TEST(catalog_data, parents_are_lower_cased_without_duplicates_and_looked_up_in_table_order) {
    std::set<std::pair<std::string_view, std::string_view>> seen;
    std::map<std::string_view, std::vector<std::string_view>> parents;
    for (const parent_row& r : parent_rows) {
        EXPECT_TRUE(file_name(r.child)) << r.child;
        // "system" is how Sysmon and 4688 name the kernel, the only parent without an extension.
        EXPECT_TRUE(r.parent == "system" || file_name(r.parent)) << r.parent;
        EXPECT_TRUE(seen.emplace(r.child, r.parent).second) << "duplicate row " << r.child << " " << r.parent;
        parents[r.child].push_back(r.parent);
    }
    for (const auto& [child, expected] : parents) {
        const auto found = masq::expected_parents(child);
        EXPECT_EQ(std::vector<std::string_view>(found.begin(), found.end()), expected) << child;
        EXPECT_NE(masq::find_known_binary(child), nullptr)
            << child << " has parent rules but no catalog entry";
    }
    EXPECT_TRUE(masq::expected_parents("cmd.exe").empty());
}

TEST(catalog_data, benign_lookalikes_are_distinct_unordered_pairs_with_a_reason) {
    std::set<std::pair<std::string_view, std::string_view>> seen;
    for (const lookalike_row& r : lookalike_rows) {
        EXPECT_TRUE(file_name(r.a)) << r.a;
        EXPECT_TRUE(file_name(r.b)) << r.b;
        EXPECT_NE(r.a, r.b);
        EXPECT_FALSE(r.why.empty()) << r.a << " " << r.b;
        EXPECT_TRUE(seen.emplace(std::min(r.a, r.b), std::max(r.a, r.b)).second)
            << "duplicate pair " << r.a << " " << r.b;
        EXPECT_TRUE(masq::is_benign_lookalike(r.a, r.b));
        EXPECT_TRUE(masq::is_benign_lookalike(r.b, r.a));
    }
    EXPECT_EQ(masq::benign_lookalikes().size(), std::size(lookalike_rows));
}

TEST(catalog_data, folder_tables_are_normalised_and_unique) {
    std::set<std::string_view> roots;
    for (const auto& [root] : servicing_roots) {
        EXPECT_TRUE(normalised_folder(root) && root.ends_with('\\')) << root;
        EXPECT_TRUE(roots.insert(root).second) << "duplicate " << root;
    }
    std::set<std::string_view> prefixes;
    for (const auto& [prefix] : program_files) {
        EXPECT_TRUE(normalised_folder(prefix) && prefix.ends_with('\\')) << prefix;
        EXPECT_TRUE(prefixes.insert(prefix).second) << "duplicate " << prefix;
    }
    std::set<std::string_view> parts;
    for (const auto& [folder, match] : writable_folders) {
        EXPECT_TRUE(match == "contains" || match == "exact") << folder << " " << match;
        EXPECT_TRUE(lower_case(folder) && folder.ends_with('\\')) << folder;
        if (match == "exact") EXPECT_TRUE(normalised_folder(folder)) << folder;
        if (match == "contains") EXPECT_TRUE(folder.starts_with('\\')) << folder;
        EXPECT_TRUE(parts.insert(folder).second) << "duplicate " << folder;
        EXPECT_TRUE(masq::detectors::user_writable_folder(match == "exact" ? std::string(folder)
                                                                           : "?:\\x" + std::string(folder)))
            << folder;
    }
    EXPECT_FALSE(masq::detectors::user_writable_folder("?:\\windows\\system32\\"));
}

TEST(catalog_data, extensions_are_lower_cased_without_a_dot_and_unique_per_kind) {
    std::set<std::pair<std::string_view, std::string_view>> seen;
    for (const auto& [ext, kind] : extensions) {
        EXPECT_TRUE(kind == "executable" || kind == "decoy") << ext << " " << kind;
        EXPECT_TRUE(!ext.empty() && lower_case(ext) && ext.find('.') == std::string_view::npos) << ext;
        EXPECT_TRUE(seen.emplace(ext, kind).second) << "duplicate " << ext << " " << kind;
        EXPECT_TRUE(kind == "executable" ? masq::detectors::executable_extension(ext)
                                         : masq::detectors::decoy_extension(ext))
            << ext;
    }
    EXPECT_FALSE(masq::detectors::executable_extension("dll"));
    EXPECT_FALSE(masq::detectors::decoy_extension("scr"));
}

TEST(catalog_data, dual_use_tools_are_lower_cased_and_unique) {
    std::set<std::string_view> seen;
    for (const auto& [tool] : dual_use_tools) {
        EXPECT_TRUE(!tool.empty() && lower_case(tool)) << tool;
        EXPECT_TRUE(seen.insert(tool).second) << "duplicate " << tool;
    }
}

TEST(catalog_data, character_swaps_apply_to_lower_cased_text_once_each) {
    std::set<std::string_view> seen;
    for (const auto& [from, to] : character_swaps) {
        // Applied after lower-casing: an upper-case `from` would never match.
        EXPECT_TRUE(!from.empty() && lower_case(from)) << from;
        EXPECT_TRUE(!to.empty() && lower_case(to)) << to;
        EXPECT_NE(from, to);
        EXPECT_TRUE(seen.insert(from).second) << "duplicate " << from;
    }
    // The swaps as the former literals applied them (docs/full-mode.md).
    EXPECT_EQ(masq::confusable_skeleton("svch0st.exe"), masq::confusable_skeleton("svchost.exe"));
    EXPECT_EQ(masq::confusable_skeleton("expIorer.exe"), masq::confusable_skeleton("explorer.exe"));
    EXPECT_EQ(masq::confusable_skeleton("rnmc.exe"), masq::confusable_skeleton("mmc.exe"));
    EXPECT_EQ(masq::confusable_skeleton("vvinword.exe"), masq::confusable_skeleton("winword.exe"));
    EXPECT_EQ(masq::confusable_skeleton("5vch3st.exe"), masq::confusable_skeleton("svchest.exe"));
}

TEST(catalog_data, mappings_name_dialect_fields_with_json_pointers) {
    const std::set<std::string_view> pointer_fields = {
        "code",        "action",   "process", "path",         "host",   "time", "alt_time",   "parent",
        "parent_file", "original", "user",    "command_line", "hashes", "pid",  "parent_pid", "record_id"};
    const std::pair<const char*, std::span<const two_columns>> dialects[] = {
        {"ecs", ecs_mapping}, {"defender", defender_mapping}, {"sysmon", sysmon_mapping}};
    for (const auto& [name, rows] : dialects) {
        std::set<std::string_view> fields;
        std::set<std::string_view> codes;
        for (const auto& [field, value] : rows) {
            EXPECT_FALSE(value.empty()) << name << " " << field;
            if (field == "codes") {
                EXPECT_TRUE(codes.insert(value).second) << name << ": duplicate code " << value;
                EXPECT_TRUE(std::ranges::all_of(value, [](char c) { return c >= '0' && c <= '9'; }))
                    << name << " " << value;
            } else if (field == "action_value") {
                EXPECT_TRUE(fields.insert(field).second) << name << ": duplicate " << field;
            } else {
                EXPECT_TRUE(pointer_fields.contains(field)) << name << ": unknown field " << field;
                EXPECT_TRUE(value.starts_with('/')) << name << " " << field << " " << value;
                EXPECT_TRUE(fields.insert(field).second) << name << ": duplicate " << field;
            }
        }
        EXPECT_TRUE(fields.contains("path")) << name;
        EXPECT_TRUE(fields.contains("host")) << name;
        EXPECT_TRUE(fields.contains("time")) << name;
        EXPECT_EQ(fields.contains("code"), !codes.empty()) << name << ": codes without a code field";
        EXPECT_EQ(fields.contains("action"), fields.contains("action_value")) << name;
    }
}

// A few entries as the former C++ literals had them, so a transcription slip shows here as well as
// in the goldens (tests/golden).
TEST(catalog_data, transcribed_entries_keep_their_folders_and_parents) {
    const masq::known_binary* svchost = masq::find_known_binary("svchost.exe");
    ASSERT_NE(svchost, nullptr);
    EXPECT_EQ(svchost->role, masq::binary_role::core);
    EXPECT_EQ(svchost->folders,
              (std::vector<std::string_view>{"?:\\windows\\system32\\", "?:\\windows\\syswow64\\"}));
    const masq::known_binary* tiworker = masq::find_known_binary("tiworker.exe");
    ASSERT_NE(tiworker, nullptr);
    EXPECT_TRUE(tiworker->folders.empty());
    EXPECT_TRUE(masq::folder_expected(*tiworker, "?:\\windows\\winsxs\\amd64_x\\"));
    EXPECT_FALSE(masq::folder_expected(*tiworker, "?:\\windows\\softwaredistribution\\"));
    const masq::known_binary* chrome = masq::find_known_binary("chrome.exe");
    ASSERT_NE(chrome, nullptr);
    EXPECT_EQ(chrome->role, masq::binary_role::application);
    EXPECT_TRUE(
        masq::folder_expected(*chrome, "?:\\users\\bob\\appdata\\local\\google\\chrome\\application\\"));
    EXPECT_FALSE(masq::folder_expected(*chrome, "?:\\windows\\winsxs\\"));
    const auto lsass = masq::expected_parents("lsass.exe");
    EXPECT_EQ(std::vector<std::string_view>(lsass.begin(), lsass.end()),
              std::vector<std::string_view>{"wininit.exe"});
    EXPECT_TRUE(masq::detectors::user_writable_folder("?:\\"));
    EXPECT_FALSE(masq::detectors::user_writable_folder("d:\\"));
}
