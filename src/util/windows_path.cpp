// SPDX-License-Identifier: MIT
#include "masq/util/windows_path.h"

#include "masq/util/unicode.h"

#include <cctype>

namespace masq {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

} // namespace

normalized_path normalize_windows_path(std::string_view raw) {
    std::string p = to_lower_full(raw);
    for (char& c : p)
        if (c == '/') c = '\\';
    // Collapse runs of separators, but keep a leading "\\" (UNC, \\?\) for the prefix checks.
    std::string collapsed;
    collapsed.reserve(p.size());
    for (std::size_t i = 0; i < p.size(); ++i) {
        if (p[i] == '\\' && i > 1 && p[i - 1] == '\\') continue;
        collapsed += p[i];
    }
    std::string_view s = collapsed;
    for (std::string_view prefix : {"\\\\?\\", "\\??\\", "\\\\.\\"})
        if (starts_with(s, prefix)) {
            s.remove_prefix(prefix.size());
            break;
        }
    std::string out;
    if (starts_with(s, "\\device\\harddiskvolume")) {
        std::size_t i = std::string_view("\\device\\harddiskvolume").size();
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
            ++i;
        out = "?:";
        s.remove_prefix(i);
    } else if (starts_with(s, "\\systemroot\\")) {
        out = "?:\\windows";
        s.remove_prefix(std::string_view("\\systemroot").size());
    } else if (starts_with(s, "%systemroot%") || starts_with(s, "%windir%")) {
        out = "?:\\windows";
        s.remove_prefix(s.find('%', 1) + 1);
    } else if (s.size() >= 2 && s[1] == ':' && std::isalpha(static_cast<unsigned char>(s[0]))) {
        out = "?:";
        s.remove_prefix(2);
    }
    out += s;
    normalized_path result;
    const auto slash = out.rfind('\\');
    if (slash == std::string::npos) {
        result.file = out;
        return result;
    }
    result.folder = out.substr(0, slash + 1);
    result.file = out.substr(slash + 1);
    return result;
}

bool glob_match(std::string_view pattern, std::string_view text) noexcept {
    // Iterative wildcard matching with one backtrack point (the last '*'): linear for patterns
    // with a single star, O(n·m) worst case, no recursion.
    std::size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size();
}

} // namespace masq
