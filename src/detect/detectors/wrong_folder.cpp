// SPDX-License-Identifier: MIT
// Windows binaries started from a folder they never live in: `svchost.exe` in Downloads,
// `lsass.exe` in a temp folder, `mmc.exe` in a fake `...\Temp\system32\`. Exact folders, not
// prefixes (MITRE CAR: `system32\srv\svchost.exe` must not pass), after normalising every
// spelling of a volume and of the Windows folder. Browser and cache decorations (`[1]consent.exe`,
// `svchost (1).exe`, `svchost - Copy.exe`) are looked through.
#include "detect/context.h"
#include "masq/util/windows_path.h"

#include <fmt/format.h>
#include <regex>

namespace masq::detectors {
namespace {

/// The name without the decorations copies and caches add, or empty when there are none.
std::string undecorated(std::string_view name) {
    static const std::regex decorated(R"(^(?:\[\d+\])?(.+?)(?: \(\d+\)| - copy)?(\.[a-z0-9]+)$)");
    std::smatch m;
    const std::string s(name);
    if (!std::regex_match(s, m, decorated)) return {};
    std::string plain = m[1].str() + m[2].str();
    return plain == s ? std::string() : plain;
}

void run(const detector_context& ctx, std::vector<finding>& out) {
    for (const name_entry& e : ctx.names) {
        const known_binary* known = e.known;
        std::string plain;
        if (known == nullptr) {
            plain = undecorated(e.name);
            if (!plain.empty()) known = find_known_binary(plain);
        }
        if (known == nullptr) continue;
        std::vector<value_count> wrong;
        std::uint64_t wrong_events = 0;
        bool writable = false;
        for (const value_count& p : top_values(e.stats->paths)) {
            const normalized_path np = normalize_windows_path(p.value);
            if (np.folder.empty() || folder_expected(*known, np.folder)) continue;
            writable = writable || user_writable_folder(np.folder);
            wrong.push_back(p);
            wrong_events += p.count;
        }
        if (wrong.empty()) continue;
        const target* imitated = find_target(ctx, known->name);
        double score = known->role == binary_role::core     ? 0.9
                       : known->role == binary_role::system ? 0.75
                                                            : 0.55;
        if (writable) score += 0.05;
        std::string expected;
        for (std::string_view f : known->folders)
            expected += (expected.empty() ? "" : " or ") + std::string(f);
        if (expected.empty()) expected = "a Windows servicing folder";
        std::string reason = fmt::format("{}{} runs from {} ({} of {} event{}); expected {}", e.name,
                                         plain.empty() ? "" : fmt::format(" (a copy of {})", known->name),
                                         normalize_windows_path(wrong[0].value).folder, wrong_events,
                                         e.stats->count, e.stats->count == 1 ? "" : "s", expected);
        if (wrong.size() > 1) reason += fmt::format("; {} unexpected folders", wrong.size());
        finding f = make_finding(ctx, e, imitated, "path", score, std::move(reason));
        f.suspicious_distinct_paths = wrong.size();
        if (ctx.options.max_paths != 0 && wrong.size() > ctx.options.max_paths)
            wrong.resize(ctx.options.max_paths);
        f.suspicious_paths = std::move(wrong);
        out.push_back(std::move(f));
    }
}


/// The folders the catalog expects and, for a path given with --path, its normal form.
void explain(const detector_context&, const explain_request& request, std::vector<std::string>& lines) {
    if (request.path.empty()) return;
    const normalized_path np = normalize_windows_path(request.path);
    lines.push_back(fmt::format("path normalised to {}{}", np.folder, np.file));
}

} // namespace

const detector wrong_folder{
    {"path", detector_category::path, "T1036.005",
     "a Windows binary run from a folder it never lives in, after normalising the path"},
    run,
    explain};

} // namespace masq::detectors
