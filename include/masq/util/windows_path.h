// SPDX-License-Identifier: MIT
#pragma once

/// @file windows_path.h
/// One spelling for every way Windows logs write the same folder, so "is this binary where it
/// belongs" is a string comparison: `C:\WINDOWS\system32`, `\Device\HarddiskVolume3\Windows\System32`,
/// `\SystemRoot\System32`, `%SystemRoot%\System32`, `\??\C:\Windows\System32` and
/// `D:/Windows/System32` all become `?:\windows\system32\` (folders end with a separator).

#include <string>
#include <string_view>

namespace masq {

struct normalized_path {
    std::string folder; ///< lower-cased, `?:` for any volume, ends with '\'; empty when the path has none
    std::string file;   ///< lower-cased file name
};

/**
 * Lower-cases (full Unicode), turns '/' into '\', drops `\\?\`, `\??\` and `\\.\` prefixes, maps
 * `\Device\HarddiskVolumeN\` and any drive letter to `?:\`, `\SystemRoot\`, `%SystemRoot%` and
 * `%windir%` to `?:\windows\`, and collapses repeated separators. Sources: Sigma PR #584
 * (`\SystemRoot\`), Elastic (`\Device\HarddiskVolume*`), Sigma PR #4654 (other drive letters).
 */
normalized_path normalize_windows_path(std::string_view raw);

/// The file name of a Windows or POSIX path (`C:\\x\\a.exe` -> `a.exe`), case kept.
inline std::string_view file_name_of(std::string_view path) {
    const auto slash = path.find_last_of("\\/");
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

/// Shell-style match of `text` against `pattern` with `*` (any run, separators included) and `?`
/// (one byte); no escapes, so backslashes are ordinary characters.
bool glob_match(std::string_view pattern, std::string_view text) noexcept;

} // namespace masq
