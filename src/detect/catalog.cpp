// SPDX-License-Identifier: MIT
#include "masq/detect/catalog.h"

#include "masq/util/unicode.h"
#include "masq/util/windows_path.h"

#include <algorithm>
#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <optional>
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

/// One row of data/catalog/known_files.tsv: a file Windows or common software ships in a folder.
struct known_file_row {
    std::string_view name, folder, kind;
};

constexpr known_file_row known_file_rows[] = {
#include "masq_data/catalog/known_files.inc"
};

std::optional<binary_role> parse_role(std::string_view role) noexcept {
    if (role == "core") return binary_role::core;
    if (role == "system") return binary_role::system;
    if (role == "application") return binary_role::application;
    return std::nullopt;
}

std::optional<binary_role> parse_kind(std::string_view kind) noexcept {
    if (kind == "windows") return binary_role::system;
    if (kind == "application") return binary_role::application;
    return std::nullopt;
}

/// Collects rows into one entry per name: imitated rows (binaries.tsv) define the role; known-file
/// rows only add folders to a name that has one, or make a non-imitated entry.
class catalog_builder {
  public:
    void add_imitated(std::string_view name, binary_role role, std::string_view folder) {
        known_binary& b = entry(name, role);
        if (!b.imitated) { // known from known_files.tsv first: the imitated row decides the role
            b.imitated = true;
            b.role = role;
        }
        add_folder(b, folder);
    }
    void add_known(std::string_view name, binary_role role, std::string_view folder) {
        const auto [it, added] = index_.emplace(name, entries_.size());
        if (added) entries_.push_back({name, role, {}, false});
        add_folder(entries_[it->second], folder);
    }
    std::vector<known_binary> finish() && {
        std::sort(entries_.begin(), entries_.end(),
                  [](const known_binary& a, const known_binary& b) { return a.name < b.name; });
        return std::move(entries_);
    }

  private:
    known_binary& entry(std::string_view name, binary_role role) {
        const auto [it, added] = index_.emplace(name, entries_.size());
        if (added) entries_.push_back({name, role, {}, true});
        return entries_[it->second];
    }
    static void add_folder(known_binary& b, std::string_view folder) {
        if (folder == "-") return;
        if (std::find(b.folders.begin(), b.folders.end(), folder) == b.folders.end())
            b.folders.push_back(folder);
    }
    std::vector<known_binary> entries_;
    std::unordered_map<std::string_view, std::size_t> index_;
};

void add_builtin_rows(catalog_builder& builder) {
    for (const binary_row& row : binary_rows)
        builder.add_imitated(row.name, parse_role(row.role).value_or(binary_role::system), row.folder);
    for (const known_file_row& row : known_file_rows)
        builder.add_known(row.name, parse_kind(row.kind).value_or(binary_role::application), row.folder);
}

std::vector<std::string_view> split_tabs(std::string_view line) {
    std::vector<std::string_view> fields;
    for (std::size_t start = 0;;) {
        const std::size_t tab = line.find('\t', start);
        fields.push_back(
            line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
        if (tab == std::string_view::npos) return fields;
        start = tab + 1;
    }
}

/// A folder as the tables spell it (`?:\windows\system32\`): a user may write `C:\Tools` or
/// `D:/Tools/`; a pattern with `*` must already be in the normalised spelling.
std::optional<std::string> catalog_folder(std::string_view folder) {
    if (folder == "-") return std::string(folder);
    if (folder.find('*') != std::string_view::npos) {
        if (to_lower_full(folder) != folder || folder.back() != '\\') return std::nullopt;
        return std::string(folder);
    }
    std::string path(folder);
    if (path.back() != '\\' && path.back() != '/') path += '\\';
    normalized_path np = normalize_windows_path(path + "x");
    if (np.folder.empty()) return std::nullopt;
    return std::move(np.folder);
}

} // namespace

const binary_catalog& binary_catalog::builtin() {
    static const binary_catalog c = [] {
        binary_catalog built;
        catalog_builder builder;
        add_builtin_rows(builder);
        built.entries_ = std::move(builder).finish();
        return built;
    }();
    return c;
}

binary_catalog binary_catalog::with_files(std::span<const std::string> files) {
    std::vector<file_text> texts;
    for (const std::string& file : files) {
        std::ifstream in(file, std::ios::binary);
        if (!in) throw catalog_error(fmt::format("{}: cannot open the catalog file", file));
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (in.bad()) throw catalog_error(fmt::format("{}: read error", file));
        texts.push_back({file, std::move(text)});
    }
    return with_texts(texts);
}

binary_catalog binary_catalog::with_texts(std::span<const file_text> files) {
    binary_catalog c;
    catalog_builder builder;
    add_builtin_rows(builder);
    for (const file_text& f : files) {
        const std::string& file = f.name;
        std::string_view rest = f.text;
        std::size_t line_no = 0;
        std::string header_line;
        std::vector<std::string_view> header;
        int name_at = -1, folder_at = -1, role_at = -1, kind_at = -1;
        while (!rest.empty()) {
            const std::size_t end = rest.find('\n');
            std::string_view line = rest.substr(0, end);
            rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
            ++line_no;
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            if (line_no == 1 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
            if (line.empty() || line.front() == '#') continue;
            if (!is_valid_utf8(line))
                throw catalog_error(fmt::format("{}:{}: not UTF-8 text", file, line_no));
            if (header.empty()) {
                header_line = std::string(line);
                header = split_tabs(header_line);
                for (std::size_t i = 0; i < header.size(); ++i) {
                    const int at = static_cast<int>(i);
                    if (header[i] == "name") name_at = at;
                    if (header[i] == "folder") folder_at = at;
                    if (header[i] == "role") role_at = at;
                    if (header[i] == "kind") kind_at = at;
                }
                if (name_at < 0 || folder_at < 0 || (role_at < 0) == (kind_at < 0))
                    throw catalog_error(fmt::format(
                        "{}:{}: the header must name the columns name, folder and either role (an imitated "
                        "binary, as data/catalog/binaries.tsv) or kind (a known file, as known_files.tsv), "
                        "tab-separated",
                        file, line_no));
                continue;
            }
            const std::vector<std::string_view> fields = split_tabs(line);
            if (fields.size() != header.size())
                throw catalog_error(fmt::format("{}:{}: {} fields where the header has {}", file, line_no,
                                                fields.size(), header.size()));
            const std::string_view name = fields[static_cast<std::size_t>(name_at)];
            if (name.empty() || to_lower_full(name) != name ||
                name.find_first_of("\\/") != std::string_view::npos)
                throw catalog_error(fmt::format("{}:{}: field 'name': '{}' is not a lower-case file name",
                                                file, line_no, name));
            const std::string_view raw_folder = fields[static_cast<std::size_t>(folder_at)];
            const std::optional<std::string> folder =
                raw_folder.empty() ? std::nullopt : catalog_folder(raw_folder);
            if (!folder)
                throw catalog_error(fmt::format(
                    "{}:{}: field 'folder': '{}' is not a folder (write C:\\Tools\\ or a pattern such as "
                    "?:\\program files\\vendor\\*\\)",
                    file, line_no, raw_folder));
            std::optional<binary_role> role;
            if (role_at >= 0) {
                const std::string_view text = fields[static_cast<std::size_t>(role_at)];
                role = parse_role(text);
                if (!role)
                    throw catalog_error(fmt::format(
                        "{}:{}: field 'role': '{}' is not core, system or application", file, line_no, text));
            } else {
                const std::string_view text = fields[static_cast<std::size_t>(kind_at)];
                role = parse_kind(text);
                if (!role)
                    throw catalog_error(fmt::format("{}:{}: field 'kind': '{}' is not windows or application",
                                                    file, line_no, text));
            }
            const std::string_view stored_name = c.strings_.emplace_back(name);
            const std::string_view stored_folder = c.strings_.emplace_back(*folder);
            if (role_at >= 0)
                builder.add_imitated(stored_name, *role, stored_folder);
            else
                builder.add_known(stored_name, *role, stored_folder);
            ++c.added_rows_;
        }
        if (header.empty()) throw catalog_error(fmt::format("{}: empty catalog file (no header)", file));
    }
    c.entries_ = std::move(builder).finish();
    return c;
}

const known_binary* binary_catalog::find(std::string_view name) const noexcept {
    const auto it = std::lower_bound(entries_.begin(), entries_.end(), name,
                                     [](const known_binary& b, std::string_view n) { return b.name < n; });
    return it != entries_.end() && it->name == name ? &*it : nullptr;
}

namespace {

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
    return binary_catalog::builtin().binaries();
}

const known_binary* find_known_binary(std::string_view name) noexcept {
    return binary_catalog::builtin().find(name);
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
