// SPDX-License-Identifier: MIT
#include "masq/util/unicode.h"

#include <memory>
#include <unicode/ucasemap.h>
#include <unicode/utf8.h>

namespace masq {

bool is_ascii(std::string_view s) noexcept {
    for (unsigned char c : s)
        if (c >= 0x80) return false;
    return true;
}

bool is_valid_utf8(std::string_view s) noexcept {
    const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
    const auto n = static_cast<std::int32_t>(s.size());
    std::int32_t i = 0;
    while (i < n) {
        UChar32 c;
        U8_NEXT(p, i, n, c);
        if (c < 0) return false;
    }
    return true;
}

namespace {

struct ucasemap_deleter {
    void operator()(UCaseMap* m) const noexcept { ucasemap_close(m); }
};

/// One case map per thread: ICU case maps are not thread-safe for concurrent use.
UCaseMap* root_case_map() {
    thread_local std::unique_ptr<UCaseMap, ucasemap_deleter> map = [] {
        UErrorCode status = U_ZERO_ERROR;
        // The root locale: Java's toLowerCase() in a non-Turkic, non-Lithuanian default locale.
        return std::unique_ptr<UCaseMap, ucasemap_deleter>(ucasemap_open("", U_FOLD_CASE_DEFAULT, &status));
    }();
    return map.get();
}

} // namespace

void to_lower_full(std::string_view s, std::string& out) {
    out.clear();
    if (is_ascii(s)) {
        out.resize(s.size());
        for (std::size_t i = 0; i < s.size(); ++i) {
            const char c = s[i];
            out[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
        }
        return;
    }
    UCaseMap* map = root_case_map();
    if (map == nullptr || !is_valid_utf8(s)) {
        out.assign(s);
        return;
    }
    // Full case mapping can grow a string (U+0130 -> "i" + U+0307); retry once with the exact size.
    out.resize(s.size() + 16);
    for (int attempt = 0; attempt < 2; ++attempt) {
        UErrorCode status = U_ZERO_ERROR;
        const std::int32_t n = ucasemap_utf8ToLower(map, out.data(), static_cast<std::int32_t>(out.size()),
                                                    s.data(), static_cast<std::int32_t>(s.size()), &status);
        if (status == U_BUFFER_OVERFLOW_ERROR) {
            out.resize(static_cast<std::size_t>(n));
            continue;
        }
        if (U_FAILURE(status)) {
            out.assign(s);
            return;
        }
        out.resize(static_cast<std::size_t>(n));
        return;
    }
    out.assign(s);
}

std::string to_lower_full(std::string_view s) {
    std::string out;
    to_lower_full(s, out);
    return out;
}

void decode_utf8(std::string_view s, std::vector<char32_t>& out) {
    out.clear();
    const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
    const auto n = static_cast<std::int32_t>(s.size());
    std::int32_t i = 0;
    while (i < n) {
        UChar32 c;
        U8_NEXT(p, i, n, c);
        out.push_back(c < 0 ? U'\uFFFD' : static_cast<char32_t>(c));
    }
}

std::u32string decode_utf8(std::string_view s) {
    std::vector<char32_t> cps;
    decode_utf8(s, cps);
    return std::u32string(cps.begin(), cps.end());
}

std::size_t code_point_count(std::string_view s) noexcept {
    std::size_t n = 0;
    for (unsigned char c : s)
        n += (c & 0xC0) != 0x80;
    return n;
}

std::string encode_utf8(std::u32string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char32_t c : s) {
        if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) c = 0xFFFD;
        if (c < 0x80) {
            out += static_cast<char>(c);
        } else if (c < 0x800) {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            out += static_cast<char>(0xE0 | (c >> 12));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (c & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (c >> 18));
            out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
    return out;
}

} // namespace masq
