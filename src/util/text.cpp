// SPDX-License-Identifier: MIT
#include "masq/util/text.h"

#include <fmt/format.h>
#include <unicode/uchar.h>

namespace masq {

bool is_invisible(UChar32 c) noexcept {
    const auto type = u_charType(c);
    return type == U_CONTROL_CHAR || type == U_FORMAT_CHAR || c == 0x2028 || c == 0x2029;
}

namespace {

/// json_quote's rule for each code point of `text`, appended to `out`.
void quote_code_points(std::string_view text, std::string& out) {
    for_each_code_point(text, [&](UChar32 c, std::string_view bytes) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c < 0) {
            out += "\\ufffd"; // invalid UTF-8 cannot reach here from the readers; be safe anyway
        } else if (c < 0x20 || c == 0x7F || (c >= 0x80 && is_invisible(c))) {
            if (c > 0xFFFF) {
                const UChar32 v = c - 0x10000;
                out += fmt::format("\\u{:04x}\\u{:04x}", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF));
            } else {
                out += fmt::format("\\u{:04x}", c);
            }
        } else {
            out += bytes;
        }
    });
}

bool plain_ascii(unsigned char b) noexcept {
    return b >= 0x20 && b < 0x7F && b != '"' && b != '\\';
}

} // namespace

std::string json_quote_reference(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out += '"';
    quote_code_points(text, out);
    out += '"';
    return out;
}

std::string json_quote(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    append_json_quoted(out, text);
    return out;
}

void append_json_quoted(std::string& out, std::string_view text) {
    // Runs of printable ASCII are copied whole and only the rest is decoded: writing 100k
    // findings spent most of its time decoding their paths code point by code point. UTF-8 never
    // uses an ASCII byte inside a multi-byte sequence, so decoding the non-ASCII runs apart
    // gives what decoding the whole text gives (json_quote_reference; tests compare them).
    out += '"';
    for (std::size_t i = 0; i < text.size();) {
        std::size_t j = i + 1;
        if (plain_ascii(static_cast<unsigned char>(text[i]))) {
            while (j < text.size() && plain_ascii(static_cast<unsigned char>(text[j])))
                ++j;
            out.append(text.substr(i, j - i));
        } else {
            if (static_cast<unsigned char>(text[i]) >= 0x80)
                while (j < text.size() && static_cast<unsigned char>(text[j]) >= 0x80)
                    ++j;
            quote_code_points(text.substr(i, j - i), out);
        }
        i = j;
    }
    out += '"';
}

std::string display_safe(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for_each_code_point(text, [&](UChar32 c, std::string_view bytes) {
        if (c < 0)
            out += "<invalid>";
        else if (is_invisible(c))
            out += fmt::format("<U+{:04X}>", c);
        else
            out += bytes;
    });
    return out;
}

namespace {

int hex_digit(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// The code unit of `\uXXXX` at `s[i]` (the backslash), or -1.
long utf16_escape(std::string_view s, std::size_t i) noexcept {
    if (i + 6 > s.size() || s[i] != '\\' || s[i + 1] != 'u') return -1;
    long v = 0;
    for (std::size_t k = i + 2; k < i + 6; ++k) {
        const int d = hex_digit(s[k]);
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

void append_utf8(std::string& out, std::uint32_t c) {
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

} // namespace

std::string json_unescape(std::string_view token) {
    if (token.size() < 2 || token.front() != '"' || token.back() != '"') return std::string(token);
    const std::string_view s = token.substr(1, token.size() - 2);
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\' || i + 1 >= s.size()) {
            out += s[i];
            continue;
        }
        const char e = s[i + 1];
        switch (e) {
        case 'n':
            out += '\n';
            ++i;
            continue;
        case 't':
            out += '\t';
            ++i;
            continue;
        case 'r':
            out += '\r';
            ++i;
            continue;
        case 'b':
            out += '\b';
            ++i;
            continue;
        case 'f':
            out += '\f';
            ++i;
            continue;
        case 'u':
            break;
        default:
            out += e;
            ++i;
            continue; // \" \\ \/
        }
        const long hi = utf16_escape(s, i);
        if (hi < 0) {
            out += s[i];
            continue;
        }
        std::uint32_t code = 0xFFFD;
        std::size_t used = 6;
        if (hi >= 0xD800 && hi <= 0xDBFF) {
            const long lo = utf16_escape(s, i + 6);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                code = 0x10000 + ((static_cast<std::uint32_t>(hi) - 0xD800) << 10) +
                       (static_cast<std::uint32_t>(lo) - 0xDC00);
                used = 12;
            }
        } else if (hi < 0xDC00 || hi > 0xDFFF) {
            code = static_cast<std::uint32_t>(hi);
        }
        append_utf8(out, code);
        i += used - 1;
    }
    return out;
}

} // namespace masq
