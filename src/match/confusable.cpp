// SPDX-License-Identifier: MIT
#include "masq/match/confusable.h"

#include "masq/util/unicode.h"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <memory>
#include <optional>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>

namespace masq {
namespace {

struct spoof_closer {
    void operator()(USpoofChecker* sc) const noexcept { uspoof_close(sc); }
};

/// One checker per thread: ICU documents concurrent use of a checker only for const checks.
USpoofChecker* checker() {
    thread_local std::unique_ptr<USpoofChecker, spoof_closer> sc = [] {
        UErrorCode status = U_ZERO_ERROR;
        std::unique_ptr<USpoofChecker, spoof_closer> p(uspoof_open(&status));
        if (U_FAILURE(status)) p.reset();
        return p;
    }();
    return sc.get();
}

std::string icu_skeleton(std::string_view name) {
    USpoofChecker* sc = checker();
    if (sc == nullptr) return std::string(name);
    std::string out(name.size() * 4 + 16, '\0');
    UErrorCode status = U_ZERO_ERROR;
    int32_t n = uspoof_getSkeletonUTF8(sc, 0, name.data(), static_cast<int32_t>(name.size()), out.data(),
                                       static_cast<int32_t>(out.size()), &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
        out.assign(static_cast<std::size_t>(n) + 1, '\0');
        status = U_ZERO_ERROR;
        n = uspoof_getSkeletonUTF8(sc, 0, name.data(), static_cast<int32_t>(name.size()), out.data(),
                                   static_cast<int32_t>(out.size()), &status);
    }
    if (U_FAILURE(status)) return std::string(name);
    out.resize(static_cast<std::size_t>(n));
    return out;
}

bool is_hidden(char32_t c) noexcept {
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F ||
           c == 0x061C || (c >= 0x200B && c <= 0x200D) || c == 0x2060 || c == 0xFEFF || c == 0x180E ||
           c == 0x00AD;
}

/// The swaps attackers make on top of Unicode's confusables, applied left to right on the
/// lower-cased skeleton, the first matching row winning (data/catalog/character_swaps.tsv).
struct swap_row {
    std::string_view from, to;
};

constexpr swap_row character_swaps[] = {
#include "masq_data/catalog/character_swaps.inc"
};

/// ICU's lower-cased skeleton of each ASCII character where it is ASCII text, or nullopt. UTS #39's
/// skeleton is NFD, each code point's prototype, NFD again: NFD leaves ASCII text as it is and
/// ASCII prototypes carry no combining marks, so the skeleton of ASCII text whose characters all
/// have ASCII prototypes is the concatenation of theirs. Most process names are such text, and
/// ICU's own path was the costliest per-name step of full mode's context.
const std::array<std::optional<std::string>, 128>& ascii_skeletons() {
    static const std::array<std::optional<std::string>, 128> table = [] {
        std::array<std::optional<std::string>, 128> t;
        for (int c = 0; c < 128; ++c) {
            std::string one = to_lower_full(icu_skeleton(std::string(1, static_cast<char>(c))));
            if (std::all_of(one.begin(), one.end(),
                            [](char x) { return static_cast<unsigned char>(x) < 128; }))
                t[static_cast<std::size_t>(c)] = std::move(one);
        }
        return t;
    }();
    return table;
}

/// The lower-cased ICU skeleton of `name` from `ascii_skeletons`, or false when some character
/// has none (not ASCII, or a prototype that is not).
bool lowered_ascii_skeleton(std::string_view name, std::string& out) {
    const auto& table = ascii_skeletons();
    out.clear();
    out.reserve(name.size() + 4);
    for (const char c : name) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 128 || !table[u]) return false;
        out += *table[u];
    }
    return true;
}

/// The swaps of `character_swaps` applied left to right to a lower-cased skeleton.
std::string apply_character_swaps(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    const std::string_view view(s);
    for (std::size_t i = 0; i < s.size();) {
        const swap_row* swap = nullptr;
        for (const swap_row& w : character_swaps)
            if (!w.from.empty() && view.substr(i, w.from.size()) == w.from) {
                swap = &w;
                break;
            }
        if (swap != nullptr) {
            out += swap->to;
            i += swap->from.size();
        } else
            out += s[i++];
    }
    return out;
}

} // namespace

std::string confusable_skeleton(std::string_view name) {
    std::string lowered;
    if (!lowered_ascii_skeleton(name, lowered)) lowered = to_lower_full(icu_skeleton(name));
    return apply_character_swaps(lowered);
}

std::string confusable_skeleton_reference(std::string_view name) {
    return apply_character_swaps(to_lower_full(icu_skeleton(name)));
}

std::string code_point_name(char32_t c) {
    char buffer[256];
    UErrorCode status = U_ZERO_ERROR;
    const int32_t n =
        u_charName(static_cast<UChar32>(c), U_UNICODE_CHAR_NAME, buffer, sizeof buffer, &status);
    if (U_FAILURE(status) || n <= 0) return fmt::format("U+{:04X}", static_cast<std::uint32_t>(c));
    return fmt::format("U+{:04X} {}", static_cast<std::uint32_t>(c),
                       std::string_view(buffer, static_cast<std::size_t>(n)));
}

std::string describe_lookalikes(std::string_view name, std::string_view target) {
    const std::u32string a = decode_utf8(name), b = decode_utf8(target);
    std::string out;
    if (a.size() != b.size()) return out;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i] == b[i]) continue;
        if (!out.empty()) out += ", ";
        std::string from, to;
        from = encode_utf8(std::u32string(1, a[i]));
        to = encode_utf8(std::u32string(1, b[i]));
        out += a[i] < 128 ? fmt::format("{} for {} at {}", from, to, i + 1)
                          : fmt::format("{} ({}) for {} at {}", from, code_point_name(a[i]), to, i + 1);
    }
    return out;
}

bool is_mixed_script(std::string_view name) {
    // The stem only: a Cyrillic-locale tool is still called "пример.exe".
    if (const auto dot = name.rfind('.'); dot != std::string_view::npos) name = name.substr(0, dot);
    if (is_ascii(name)) return false; // Latin letters only
    bool latin = false, other = false;
    for (char32_t c : decode_utf8(name)) {
        if (!u_isalpha(static_cast<UChar32>(c))) continue;
        UErrorCode status = U_ZERO_ERROR;
        const UScriptCode script = uscript_getScript(static_cast<UChar32>(c), &status);
        if (script == USCRIPT_LATIN)
            latin = true;
        else if (script == USCRIPT_CYRILLIC || script == USCRIPT_GREEK || script == USCRIPT_ARMENIAN)
            other = true;
    }
    return latin && other;
}

std::vector<char32_t> hidden_characters(std::string_view name) {
    std::vector<char32_t> found;
    // Every hidden character is outside ASCII: most names are answered by a byte scan, without
    // decoding (the rlo and invisible detectors both ask about every name).
    if (std::none_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
        return found;
    for (char32_t c : decode_utf8(name))
        if (is_hidden(c)) found.push_back(c);
    return found;
}

} // namespace masq
