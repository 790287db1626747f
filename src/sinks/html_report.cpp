// SPDX-License-Identifier: MIT
// The HTML report (html_report.h). The page, its style and its script are reviewed files in
// data/report/, compiled in by cmake/text_to_inc.cmake; the page has four markers, each replaced
// once, in one pass, so nothing substituted is ever scanned for markers again. The alerts go in
// as the JSON of write_finding_json inside a <script type="application/json"> element.
#include "masq/html_report.h"

#include "masq/util/text.h"
#include "masq/version.h"
#include "masq/write.h"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <limits>
#include <string_view>

namespace masq {
namespace {

constexpr std::string_view page_template =
#include "masq_data/report/report.html.inc"
    ;
constexpr std::string_view page_style =
#include "masq_data/report/report.css.inc"
    ;
constexpr std::string_view page_script =
#include "masq_data/report/report.js.inc"
    ;

void append_time(std::string& out, const std::optional<timestamp>& t) {
    out += t ? json_quote(format_iso8601(*t)) : std::string("null");
}

std::string data_island(std::span<const finding> findings, const report_run& run) {
    std::string out = "{\"run\":{\"version\":";
    out += json_quote(std::string_view(MASQ_VERSION_STRING));
    out += ",\"mode\":";
    out += json_quote(run.mode);
    out += ",\"generated\":";
    out += json_quote(run.generated);
    out += fmt::format(",\"files\":{},\"records\":{},\"events\":{},\"distinct_names\":{},\"hosts\":{},"
                       "\"suppressed\":{},\"below_level\":{}",
                       run.files, run.records, run.events, run.distinct_names, run.hosts, run.suppressed,
                       run.below_level);
    out += ",\"first_seen\":";
    append_time(out, run.first_seen);
    out += ",\"last_seen\":";
    append_time(out, run.last_seen);
    out += fmt::format(",\"thresholds\":{{\"frequent\":{},\"infrequent\":{}}}", run.thresholds.frequent,
                       run.thresholds.infrequent);
    out += ",\"curve\":[";
    for (std::size_t i = 0; i < run.curve.size(); ++i)
        out += fmt::format("{}[{:.6g},{}]", i ? "," : "", run.curve[i].first, run.curve[i].second);
    out += "]},\"alerts\":[";
    for (std::size_t i = 0; i < findings.size(); ++i) {
        if (i) out += ",\n";
        write_finding_json(out, findings[i]);
    }
    out += "]}";
    // Inside <script>, "</script" or "<!--" would end or change the element (HTML Living
    // Standard, 4.12.1.3 "Restrictions for contents of script elements"). '<' only occurs inside
    // JSON strings, where \u003c means the same character.
    std::string safe;
    safe.reserve(out.size());
    for (char c : out) {
        if (c == '<')
            safe += "\\u003c";
        else
            safe += c;
    }
    return safe;
}

} // namespace

void describe_profile(const process_profile& profile, report_run& run, std::size_t curve_points) {
    run.distinct_names = profile.distinct_names();
    run.hosts = profile.hosts().size();
    timestamp first = std::numeric_limits<timestamp>::max(), last = std::numeric_limits<timestamp>::min();
    std::vector<std::uint64_t> counts;
    counts.reserve(profile.distinct_names());
    profile.for_each_sorted([&](const std::optional<std::string_view>&, const name_stats& s) {
        counts.push_back(s.count);
        if (s.first_seen <= s.last_seen) {
            first = std::min(first, s.first_seen);
            last = std::max(last, s.last_seen);
        }
    });
    if (first <= last) {
        run.first_seen = first;
        run.last_seen = last;
    }
    const std::vector<double> ranks = spark_percent_rank(counts);
    std::vector<std::pair<double, std::uint64_t>> all;
    all.reserve(counts.size());
    for (std::size_t i = 0; i < counts.size(); ++i)
        all.emplace_back(ranks[i], counts[i]);
    std::sort(all.begin(), all.end());
    run.curve.clear();
    if (all.size() <= curve_points || curve_points < 2) {
        run.curve = std::move(all);
        return;
    }
    for (std::size_t k = 0; k < curve_points; ++k)
        run.curve.push_back(all[k * (all.size() - 1) / (curve_points - 1)]);
}

void write_html_report(std::ostream& out, std::span<const finding> findings, const report_run& run) {
    const std::string data = data_island(findings, run);
    const std::array<std::pair<std::string_view, std::string_view>, 4> markers{{
        {"{{version}}", std::string_view(MASQ_VERSION_STRING)},
        {"{{style}}", page_style},
        {"{{script}}", page_script},
        {"{{data}}", data},
    }};
    std::string_view rest = page_template;
    while (!rest.empty()) {
        std::size_t at = std::string_view::npos;
        const std::pair<std::string_view, std::string_view>* which = nullptr;
        for (const auto& m : markers) {
            if (m.first.empty()) continue;
            const std::size_t p = rest.find(m.first);
            if (p < at) {
                at = p;
                which = &m;
            }
        }
        if (!which) {
            out << rest;
            break;
        }
        out << rest.substr(0, at) << which->second;
        rest.remove_prefix(at + which->first.size());
    }
}

} // namespace masq
