// SPDX-License-Identifier: MIT
// Right-to-left override and other bidirectional or invisible characters in a process name
// (T1036.002): `Ann\u202Egepj.exe` displays as "Annexe.jpg". Flagged at any frequency.
#include "detect/context.h"
#include "masq/match/confusable.h"
#include "masq/util/unicode.h"

#include <fmt/format.h>
#include <unicode/ubidi.h>
#include <unicode/ustring.h>

namespace masq::detectors {
namespace {

/// How a name is displayed: the Unicode bidirectional algorithm (UAX #9, ICU ubidi) applied
/// with the controls removed; empty if ICU fails.
std::string displayed_as(std::string_view name) {
    UErrorCode status = U_ZERO_ERROR;
    std::u16string text(name.size() + 1, u'\0');
    int32_t length = 0;
    u_strFromUTF8(text.data(), static_cast<int32_t>(text.size()), &length, name.data(),
                  static_cast<int32_t>(name.size()), &status);
    if (U_FAILURE(status)) return {};
    text.resize(static_cast<std::size_t>(length));
    UBiDi* bidi = ubidi_openSized(length, 0, &status);
    if (U_FAILURE(status)) return {};
    ubidi_setPara(bidi, text.data(), length, UBIDI_DEFAULT_LTR, nullptr, &status);
    std::u16string visual(static_cast<std::size_t>(length) + 1, u'\0');
    const int32_t n = ubidi_writeReordered(bidi, visual.data(), static_cast<int32_t>(visual.size()),
                                           UBIDI_DO_MIRRORING | UBIDI_REMOVE_BIDI_CONTROLS, &status);
    ubidi_close(bidi);
    if (U_FAILURE(status)) return {};
    std::string out(static_cast<std::size_t>(n) * 4 + 1, '\0');
    int32_t written = 0;
    status = U_ZERO_ERROR;
    u_strToUTF8(out.data(), static_cast<int32_t>(out.size()), &written, visual.data(), n, &status);
    if (U_FAILURE(status)) return {};
    out.resize(static_cast<std::size_t>(written));
    return out;
}

bool is_bidi_control(char32_t c) {
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F ||
           c == 0x061C;
}

/// One pass for both detectors: a name with a bidirectional control is an `rlo` finding, one
/// with only invisible characters an `invisible` finding.
void run_for(const detector_context& ctx, std::vector<hit>& out, bool want_bidi) {
    for (const name_entry& e : ctx.names) {
        const std::vector<char32_t> hidden = masq::hidden_characters(e.name);
        if (hidden.empty()) continue;
        bool bidi = false;
        std::string which;
        for (char32_t c : hidden) {
            bidi = bidi || is_bidi_control(c);
            if (!which.empty()) which += ", ";
            which += code_point_name(c);
        }
        if (bidi != want_bidi) continue;
        std::string reason = fmt::format("contains {}", which);
        if (bidi) {
            std::string shown = displayed_as(e.name);
            std::erase_if(shown, [](char c) { return c == '\0'; });
            if (!shown.empty()) reason += fmt::format("; displays as \"{}\"", shown);
        }
        out.push_back(
            make_finding(ctx, e, nullptr, bidi ? "rlo" : "invisible", bidi ? 0.95 : 0.85, std::move(reason)));
    }
}

void run_rlo(const detector_context& ctx, std::vector<hit>& out) {
    run_for(ctx, out, true);
}
void run_invisible(const detector_context& ctx, std::vector<hit>& out) {
    run_for(ctx, out, false);
}

/// Each hidden character of the kind the detector looks for, by name.
void explain_for(const explain_request& request, std::vector<std::string>& lines, bool want_bidi) {
    for (char32_t c : masq::hidden_characters(request.name))
        if (is_bidi_control(c) == want_bidi)
            lines.push_back(fmt::format("hidden character: {}", code_point_name(c)));
}

void explain_rlo(const detector_context&, const explain_request& r, std::vector<std::string>& lines) {
    explain_for(r, lines, true);
}
void explain_invisible(const detector_context&, const explain_request& r, std::vector<std::string>& lines) {
    explain_for(r, lines, false);
}

} // namespace

const detector right_to_left_override{
    {"rlo", detector_category::name, "T1036.002",
     "a bidirectional control (right-to-left override) in a name, which makes it display as something else"},
    run_rlo,
    explain_rlo};

const detector invisible_characters{
    {"invisible", detector_category::name, "T1036",
     "an invisible character (zero-width space or joiner, BOM, soft hyphen) in a name"},
    run_invisible,
    explain_invisible};

} // namespace masq::detectors
