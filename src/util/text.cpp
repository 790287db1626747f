// SPDX-License-Identifier: MIT
#include "masq/util/text.h"

#include <fmt/format.h>
#include <unicode/uchar.h>

namespace masq {

bool is_invisible(UChar32 c) noexcept {
    const auto type = u_charType(c);
    return type == U_CONTROL_CHAR || type == U_FORMAT_CHAR || c == 0x2028 || c == 0x2029;
}

std::string json_quote(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out += '"';
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
    out += '"';
    return out;
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

} // namespace masq
