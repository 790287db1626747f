// SPDX-License-Identifier: MIT
#pragma once

/// @file allow_list.h
/// Site-specific suppression: findings an organisation has reviewed and accepted. Following
/// Elastic's triage guidance, a rule should pin more than the name — a path and, where it helps,
/// hosts — so an attacker reusing the name elsewhere is still reported.
///
/// File format: JSON lines, one rule per line, `#` comments and blank lines allowed:
///
///     {"name": "notepad2.exe", "path": "C:\\Tools\\Notepad2\\*", "reason": "editor used by IT"}
///     {"name": "svch*.exe", "detector": "name-similarity", "host": "LAB-*", "reason": "malware lab"}
///
/// `name` (required) and `host` are globs (`*`, `?`), case-insensitive; `path` is a glob over the
/// normalised path (see windows_path.h: `C:\Windows\` and `\Device\HarddiskVolume2\Windows\`
/// match alike); `detector` is a detector name or absent for all; `reason` is required.

#include <string>
#include <string_view>
#include <vector>

namespace masq {

struct finding;

struct allow_rule {
    std::string name;     ///< lower-cased glob
    std::string path;     ///< normalised glob, empty for any
    std::string host;     ///< lower-cased glob, empty for any
    std::string detector; ///< empty for any
    std::string reason;
    std::string origin; ///< "file:line", for messages
};

class allow_list {
  public:
    /// Reads rules from a file; throws `input_error` naming the file, line and field of the first
    /// bad rule (a suppression list that half loads would silently hide or show findings).
    static allow_list load(const std::string& path);
    /// Parses rules from text (`origin` names it in errors).
    static allow_list parse(std::string_view text, const std::string& origin);

    void add(allow_rule rule);
    std::size_t size() const noexcept { return rules_.size(); }
    const std::vector<allow_rule>& rules() const noexcept { return rules_; }

    /// The rule that suppresses `f`, or nullptr: the name and detector match, every suspicious
    /// path matches `path` (when given), every host matches `host` (when given).
    const allow_rule* match(const finding& f) const;

  private:
    std::vector<allow_rule> rules_;
};

} // namespace masq
