// SPDX-License-Identifier: MIT
#pragma once

/// @file confusable.h
/// Characters that make one name look like another: UTS #39 confusable skeletons (through ICU's
/// spoof checker), the ASCII swaps attackers use, mixed scripts, and the invisible or
/// direction-changing characters that hide a name's real spelling.

#include <string>
#include <string_view>
#include <vector>

namespace masq {

/**
 * A key equal for names that look alike: the UTS #39 skeleton (Unicode Technical Standard #39,
 * "Unicode Security Mechanisms", §4; ICU `uspoof_getSkeleton`), which maps Cyrillic `о` and
 * Greek `ο` to `o`, `0` to `O`, `1`/`I` to `l` and `m` to `rn`, then lower-cased (the skeleton is
 * case-sensitive, Windows names are not), then the swaps confusables.txt leaves out but attackers
 * use (dnstwist's ASCII glyphs): `i`→`l`, `5`→`s`, `3`→`e`, `vv`→`w`.
 */
std::string confusable_skeleton(std::string_view name);

/// `confusable_skeleton` through ICU for every name: the slow reference of the ASCII path
/// `confusable_skeleton` takes (per character, from a table of ICU's answers).
std::string confusable_skeleton_reference(std::string_view name);

/// Human description of the characters of `name` that differ from `target` while looking alike,
/// e.g. "о (U+043E CYRILLIC SMALL LETTER O) for o at 5"; empty when none are found.
std::string describe_lookalikes(std::string_view name, std::string_view target);

/// Letters from Latin together with Cyrillic, Greek or Armenian in one name's stem (a
/// single-script Cyrillic name is normal in a Cyrillic locale, even with ".exe"; mixing inside
/// the stem is what spoofing needs).
bool is_mixed_script(std::string_view name);

/// Bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C) and invisible
/// characters (U+200B–U+200D, U+2060, U+FEFF, U+180E, U+00AD) in `name`.
std::vector<char32_t> hidden_characters(std::string_view name);

/// "U+202E RIGHT-TO-LEFT OVERRIDE".
std::string code_point_name(char32_t c);

} // namespace masq
