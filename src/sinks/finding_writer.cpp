// SPDX-License-Identifier: MIT
#include "masq/write.h"
#include "masq/util/text.h"
#include "masq/util/unicode.h"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

namespace masq {
namespace {


std::string shortest(double v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

std::string optional_time(const std::optional<timestamp>& t) {
    return t ? json_quote(format_iso8601(*t)) : "null";
}

void write_counts_json(std::string& out, const std::vector<value_count>& values, std::string_view key) {
    out += '[';
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) out += ',';
        out += fmt::format("{{\"{}\":{},\"count\":{}}}", key, json_quote(values[i].value), values[i].count);
    }
    out += ']';
}

std::string joined_counts(const std::vector<value_count>& values, std::size_t distinct) {
    std::string out;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) out += " | ";
        out += fmt::format("{} ({})", values[i].value, values[i].count);
    }
    if (distinct > values.size()) out += fmt::format(" | … {} more", distinct - values.size());
    return out;
}

std::string csv_field(std::string_view s) {
    if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

/// Display columns of already display-safe text: East Asian wide and full-width characters take two.
std::size_t display_width(std::string_view s) {
    std::size_t w = 0;
    for_each_code_point(s, [&](UChar32 c, std::string_view) {
        if (c < 0) {
            ++w;
            return;
        }
        const auto ea = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
        const auto type = u_charType(c);
        if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK) return;
        w += (ea == U_EA_WIDE || ea == U_EA_FULLWIDTH) ? 2 : 1;
    });
    return w;
}

/// Cuts display-safe text to `width` columns, marking the cut with an ellipsis.
std::string fit(std::string_view s, std::size_t width) {
    if (display_width(s) <= width) return std::string(s);
    std::string out;
    std::size_t w = 0;
    bool done = false;
    for_each_code_point(s, [&](UChar32 c, std::string_view bytes) {
        if (done) return;
        const std::size_t cw = display_width(bytes);
        if (w + cw + 1 > width) {
            done = true;
            return;
        }
        (void)c;
        out += bytes;
        w += cw;
    });
    return out + "…";
}

std::string pad(std::string s, std::size_t width, bool right_align = false) {
    const std::size_t w = display_width(s);
    if (w >= width) return s;
    const std::string spaces(width - w, ' ');
    return right_align ? spaces + s : s + spaces;
}

} // namespace

std::string format_score(float score) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, score);
    std::string s(buf, r.ptr);
    if (s.find_first_of(".en") == std::string::npos) s += ".0"; // Java's Float.toString always has a '.'
    return s;
}


void write_findings_jsonl(std::ostream& out, std::span<const finding> findings) {
    std::string line;
    for (const finding& f : findings) {
        line.clear();
        line += "{\"type\":\"finding\",\"detector\":" + json_quote(f.detector);
        line += ",\"suspicious_process\":" + json_quote(f.suspicious_process);
        line +=
            ",\"normal_process\":" + (f.normal_process ? json_quote(*f.normal_process) : std::string("null"));
        line += ",\"score\":" + format_score(f.score);
        line += ",\"similarity\":" + shortest(f.similarity);
        line += fmt::format(",\"distance\":{}", f.distance);
        line +=
            fmt::format(",\"suspicious_count\":{},\"normal_count\":{}", f.suspicious_count, f.normal_count);
        line += ",\"suspicious_percent_rank\":" + shortest(f.suspicious_percent_rank);
        line += ",\"normal_percent_rank\":" + shortest(f.normal_percent_rank);
        line += ",\"suspicious_paths\":";
        write_counts_json(line, f.suspicious_paths, "path");
        line += fmt::format(",\"suspicious_distinct_paths\":{}", f.suspicious_distinct_paths);
        line += ",\"normal_paths\":";
        write_counts_json(line, f.normal_paths, "path");
        line += fmt::format(",\"normal_distinct_paths\":{}", f.normal_distinct_paths);
        line += ",\"hosts\":";
        write_counts_json(line, f.hosts, "host");
        line += fmt::format(",\"distinct_hosts\":{}", f.distinct_hosts);
        line += ",\"first_seen\":" + optional_time(f.first_seen);
        line += ",\"last_seen\":" + optional_time(f.last_seen);
        line += fmt::format(",\"in_user_data\":{},\"involves_synthetic\":{}", f.in_user_data,
                            f.involves_synthetic);
        line += ",\"reason\":" + json_quote(f.reason);
        line += "}\n";
        out << line;
    }
}

void write_findings_csv(std::ostream& out, std::span<const finding> findings) {
    out << "detector,suspicious_process,normal_process,score,similarity,distance,suspicious_count,normal_"
           "count,"
           "suspicious_paths,normal_paths,hosts,first_seen,last_seen,in_user_data,involves_synthetic,"
           "reason\r\n";
    for (const finding& f : findings) {
        out << csv_field(f.detector) << ',' << csv_field(f.suspicious_process) << ','
            << csv_field(f.normal_process.value_or("")) << ',' << format_score(f.score) << ','
            << shortest(f.similarity) << ',' << f.distance << ',' << f.suspicious_count << ','
            << f.normal_count << ','
            << csv_field(joined_counts(f.suspicious_paths, f.suspicious_distinct_paths)) << ','
            << csv_field(joined_counts(f.normal_paths, f.normal_distinct_paths)) << ','
            << csv_field(joined_counts(f.hosts, f.distinct_hosts)) << ','
            << (f.first_seen ? format_iso8601(*f.first_seen) : "") << ','
            << (f.last_seen ? format_iso8601(*f.last_seen) : "") << ',' << (f.in_user_data ? "true" : "false")
            << ',' << (f.involves_synthetic ? "true" : "false") << ',' << csv_field(f.reason) << "\r\n";
    }
}

void write_findings_table(std::ostream& out, std::span<const finding> findings,
                          const table_options& options) {
    struct row {
        std::string score, suspicious, normal, paths, hosts, last_seen, reason;
    };
    std::vector<row> rows;
    rows.push_back(
        {"SCORE", "SUSPICIOUS (events)", "LOOKS LIKE (events)", "SUSPICIOUS PATHS", "HOSTS", "LAST SEEN", ""});
    for (const finding& f : findings) {
        row r;
        r.score = format_score(f.score);
        r.suspicious = fmt::format("{} ({})", display_safe(f.suspicious_process), f.suspicious_count);
        r.normal =
            f.normal_process ? fmt::format("{} ({})", display_safe(*f.normal_process), f.normal_count) : "-";
        std::vector<value_count> shown(
            f.suspicious_paths.begin(),
            f.suspicious_paths.begin() +
                static_cast<std::ptrdiff_t>(std::min(options.max_paths, f.suspicious_paths.size())));
        r.paths = display_safe(joined_counts(shown, f.suspicious_distinct_paths));
        if (r.paths.empty()) r.paths = "-";
        // A finding read back from a file may say one host and list none.
        r.hosts = f.distinct_hosts == 0                       ? "-"
                  : f.distinct_hosts == 1 && !f.hosts.empty() ? display_safe(f.hosts.front().value)
                  : f.distinct_hosts == 1                     ? "1 host"
                                                              : fmt::format("{} hosts", f.distinct_hosts);
        r.last_seen = f.last_seen ? format_iso8601(*f.last_seen).substr(0, 19) + "Z" : "-";
        if (options.show_reasons) r.reason = display_safe(fmt::format("{}: {}", f.detector, f.reason));
        rows.push_back(std::move(r));
    }
    std::size_t w_score = 0, w_susp = 0, w_norm = 0, w_hosts = 0, w_seen = 0;
    for (const row& r : rows) {
        w_score = std::max(w_score, display_width(r.score));
        w_susp = std::max(w_susp, std::min<std::size_t>(display_width(r.suspicious), 40));
        w_norm = std::max(w_norm, std::min<std::size_t>(display_width(r.normal), 40));
        w_hosts = std::max(w_hosts, std::min<std::size_t>(display_width(r.hosts), 24));
        w_seen = std::max(w_seen, display_width(r.last_seen));
    }
    const std::size_t fixed = w_score + w_susp + w_norm + w_hosts + w_seen + 5 * 2;
    const std::size_t w_paths = options.width > fixed + 16 ? options.width - fixed : 16;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const row& r = rows[i];
        std::string suspicious = pad(fit(r.suspicious, w_susp), w_susp);
        if (options.color && i > 0) suspicious = "\x1b[1;31m" + suspicious + "\x1b[0m";
        std::string header_on = options.color && i == 0 ? "\x1b[1m" : "",
                    header_off = header_on.empty() ? "" : "\x1b[0m";
        out << header_on << pad(r.score, w_score, i > 0) << "  " << suspicious << "  "
            << pad(fit(r.normal, w_norm), w_norm) << "  " << pad(fit(r.hosts, w_hosts), w_hosts) << "  "
            << pad(r.last_seen, w_seen) << "  " << fit(r.paths, w_paths) << header_off << '\n';
        if (!r.reason.empty())
            out << std::string(w_score + 2, ' ')
                << fit(r.reason, options.width > w_score + 2 ? options.width - w_score - 2 : 40) << '\n';
    }
}

} // namespace masq
