// SPDX-License-Identifier: MIT
#pragma once

/// @file text.h
/// Text as masq writes it: JSON string literals and display-safe strings for names an attacker
/// chose (bidi overrides, zero-width and control characters made visible).

#include <cstdint>
#include <string>
#include <string_view>
#include <unicode/umachine.h>
#include <unicode/utf8.h>

namespace masq {

/// Characters that change how text is displayed without being seen: controls, and format
/// characters (bidi overrides and isolates such as U+202E, zero-width joiners, BOM, soft hyphen).
bool is_invisible(UChar32 c) noexcept;

/// Calls `f(code_point, bytes)` for each UTF-8 code point of `s` (a negative code point for an
/// invalid sequence, with its bytes).
template <class F>
void for_each_code_point(std::string_view s, F&& f) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
    const auto n = static_cast<std::int32_t>(s.size());
    std::int32_t i = 0;
    while (i < n) {
        const std::int32_t start = i;
        UChar32 c;
        U8_NEXT(p, i, n, c);
        f(c, s.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(i - start)));
    }
}

/// JSON string literal for UTF-8 text (quotes included); bidi and invisible format characters are
/// written as \u escapes.
std::string json_quote(std::string_view text);
/// `json_quote(text)` appended to `out` (a writer's line, without a string per value).
void append_json_quoted(std::string& out, std::string_view text);
/// `json_quote` code point by code point: the slow reference its tests compare it with.
std::string json_quote_reference(std::string_view text);

/// `text` with control, bidi and invisible characters replaced by `<U+XXXX>` for display.
std::string display_safe(std::string_view text);

/// The text of a JSON string token (`"C:\\x \u00e9"`, quotes included) with its escapes
/// resolved (RFC 8259, section 7); an unpaired surrogate becomes U+FFFD. A token without quotes
/// is returned as it is.
std::string json_unescape(std::string_view token);

} // namespace masq
