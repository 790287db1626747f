// SPDX-License-Identifier: MIT
#pragma once

/// @file unicode.h
/// The text rules the notebook inherits from Python and Spark: names are compared as Unicode
/// code points (Python `str` items) and lower-cased with full case mapping (Spark `lower()`, i.e.
/// `java.lang.String.toLowerCase()` in a non-Turkic default locale).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace masq {

/// True when every byte is ASCII (the fast path of Spark's `UTF8String.toLowerCase`).
bool is_ascii(std::string_view s) noexcept;

/// True when `s` is well-formed UTF-8.
bool is_valid_utf8(std::string_view s) noexcept;

/// Lower-cases `s` with Unicode full case mapping (root locale), as Spark's `lower()` does:
/// `İ` (U+0130) becomes `i̇` (two code points) and a word-final `Σ` becomes `ς`.
/// ASCII input takes a byte-wise fast path. Invalid UTF-8 is returned unchanged.
void to_lower_full(std::string_view s, std::string& out);
std::string to_lower_full(std::string_view s);

/// Decodes UTF-8 into code points (what a Python `str` indexes). Invalid sequences decode to
/// U+FFFD, one per maximal invalid subpart, as Python's "replace" error handler does.
void decode_utf8(std::string_view s, std::vector<char32_t>& out);
std::u32string decode_utf8(std::string_view s);

/// UTF-8 for code points (invalid ones become U+FFFD).
std::string encode_utf8(std::u32string_view s);

/// Number of code points in `s` (Python `len(str)`).
std::size_t code_point_count(std::string_view s) noexcept;

} // namespace masq
