// SPDX-License-Identifier: MIT
#include "finding_fields.h"
#include "masq/schema.h"
#include "masq/util/text.h"
#include "masq/util/unicode.h"
#include "masq/write.h"
#include "util/parallel.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <fmt/format.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

namespace masq {
namespace {

/// A CSV cell as a spreadsheet will not run it: a cell that begins with `=`, `+`, `-`, `@`, tab
/// or carriage return is a formula to Excel, LibreOffice and Google Sheets, and process and host
/// names are attacker-controlled, so such a cell is prefixed with `'` (OWASP, "CSV Injection").
std::string neutralised(std::string s) {
    if (!s.empty() && std::string_view("=+-@\t\r").find(s.front()) != std::string_view::npos)
        s.insert(0, 1, '\'');
    return s;
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

void write_finding_json(std::string& line, const finding& f) {
    line += "{\"type\":\"finding\"";
    for (const schema_field& field : finding_schema()) {
        line += ',';
        append_json_quoted(line, field.name);
        line += ':';
        detail::append_json(line, f, field, {});
    }
    line += '}';
}

void write_findings_jsonl(std::ostream& out, std::span<const finding> findings, unsigned threads) {
    // Blocks of lines are formatted over the threads, a round of them at a time (a few megabytes
    // in memory whatever the count of findings), and written in order.
    constexpr std::size_t per_block = 512;
    const std::size_t workers = detail::thread_count(threads);
    std::vector<std::string> blocks(workers * 4);
    for (std::size_t round = 0; round < findings.size(); round += blocks.size() * per_block) {
        const std::size_t n = std::min(findings.size() - round, blocks.size() * per_block);
        detail::parallel_blocks(n, per_block, workers,
                                [&](std::size_t, std::size_t begin, std::size_t end, std::size_t block) {
                                    std::string& lines = blocks[block];
                                    lines.clear();
                                    for (std::size_t i = round + begin; i < round + end; ++i) {
                                        write_finding_json(lines, findings[i]);
                                        lines += '\n';
                                    }
                                });
        for (std::size_t b = 0; b * per_block < n; ++b)
            out << blocks[b];
    }
}

void write_findings_csv(std::ostream& out, std::span<const finding> findings) {
    bool first = true;
    for (const schema_field& field : finding_schema()) {
        if (!field.csv) continue;
        out << (first ? "" : ",") << field.name;
        first = false;
    }
    out << "\r\n";
    for (const finding& f : findings) {
        first = true;
        for (const schema_field& field : finding_schema()) {
            if (!field.csv) continue;
            // Escaped for display as in the table, so that a right-to-left override cannot
            // disguise a name in a spreadsheet either; the JSON lines keep the bytes.
            out << (first ? "" : ",") << csv_field(neutralised(display_safe(detail::field_text(f, field))));
            first = false;
        }
        out << "\r\n";
    }
}

namespace {

/// The longest head of `word` that fits `width` columns (at least one code point).
std::string head_fitting(std::string_view word, std::size_t width) {
    std::string head;
    std::size_t w = 0;
    bool full = false;
    for_each_code_point(word, [&](UChar32, std::string_view bytes) {
        if (full) return;
        const std::size_t cw = display_width(bytes);
        if (!head.empty() && w + cw > width) {
            full = true;
            return;
        }
        head += bytes;
        w += cw;
    });
    return head;
}

/// `text` cut into lines of at most `width` columns, at spaces where it can be (a path has none,
/// so it is cut where it must be); `width` 0 keeps it one line.
std::vector<std::string> wrapped(std::string_view text, std::size_t width) {
    std::vector<std::string> lines;
    if (width == 0 || display_width(text) <= width) {
        lines.emplace_back(text);
        return lines;
    }
    std::string line;
    std::size_t line_width = 0;
    std::size_t at = 0;
    while (at <= text.size()) {
        std::size_t end = text.find(' ', at);
        if (end == std::string_view::npos) end = text.size();
        std::string_view word = text.substr(at, end - at);
        at = end + 1;
        while (!word.empty()) {
            const std::size_t ww = display_width(word);
            if (line_width + (line.empty() ? 0 : 1) + ww <= width) {
                if (!line.empty()) line += ' ';
                line += word;
                line_width += (line_width ? 1 : 0) + ww;
                word = {};
            } else if (!line.empty()) {
                lines.push_back(std::move(line));
                line.clear();
                line_width = 0;
            } else {
                const std::string head = head_fitting(word, width);
                lines.push_back(head);
                word.remove_prefix(head.size());
            }
        }
    }
    if (!line.empty()) lines.push_back(std::move(line));
    return lines;
}

/// ANSI colour of a level: the worst stand out, the least recede (not every row bold red).
std::string_view level_colour(alert_level level) {
    switch (level) {
    case alert_level::critical:
        return "\x1b[1;31m";
    case alert_level::high:
        return "\x1b[31m";
    case alert_level::medium:
        return "\x1b[33m";
    case alert_level::low:
        return "\x1b[36m";
    case alert_level::informational:
        return "\x1b[2m";
    }
    return "";
}

std::string day_of(const std::optional<timestamp>& t) {
    return t ? format_iso8601(*t).substr(0, 10) : "-";
}

} // namespace

void write_findings_table(std::ostream& out, std::span<const finding> findings,
                          const table_options& options) {
    struct row {
        std::string level, name, imitates, hosts, seen;
        alert_level severity = alert_level::informational;
        std::vector<std::string> details;
    };
    constexpr std::size_t columns = 5;
    std::vector<row> rows;
    rows.push_back({options.score_column ? "SCORE" : "LEVEL",
                    "NAME (events)",
                    "IMITATES / EXPECTED",
                    "HOSTS",
                    "SEEN (UTC)",
                    {},
                    {}});
    for (const finding& f : findings) {
        row r;
        r.severity = f.level;
        r.level = options.score_column                    ? format_score(f.score)
                  : f.level == alert_level::informational ? "info"
                                                          : std::string(level_name(f.level));
        r.name = fmt::format("{} ({})", display_safe(f.suspicious_process), f.suspicious_count);
        // What it imitates, or what was expected of it; never the name itself again.
        r.imitates = f.normal_process
                         ? fmt::format("{} ({})", display_safe(*f.normal_process), f.normal_count)
                     : !f.expected.empty() ? display_safe(f.expected)
                                           : "-";
        // A finding read back from a file may say one host and list none.
        r.hosts = f.distinct_hosts == 0                       ? "-"
                  : f.distinct_hosts == 1 && !f.hosts.empty() ? display_safe(f.hosts.front().value)
                  : f.distinct_hosts == 1                     ? "1 host"
                                                              : fmt::format("{} hosts", f.distinct_hosts);
        // First and last day, one when they are the same; the samples below have the times.
        const std::string first = day_of(f.first_seen), last = day_of(f.last_seen);
        r.seen = first == last
                     ? first
                     : first + ".." + (first.substr(0, 5) == last.substr(0, 5) ? last.substr(5) : last);
        // The paths as logged, one per line, then what each detection found.
        const std::size_t shown = std::min(options.max_paths, f.suspicious_paths.size());
        for (std::size_t i = 0; i < shown; ++i)
            r.details.push_back(display_safe(
                fmt::format("{} ({})", f.suspicious_paths[i].value, f.suspicious_paths[i].count)));
        if (f.suspicious_distinct_paths > shown && shown > 0)
            r.details.push_back(fmt::format("… {} more path{}", f.suspicious_distinct_paths - shown,
                                            f.suspicious_distinct_paths - shown == 1 ? "" : "s"));
        if (options.show_reasons) {
            if (f.detections.empty())
                r.details.push_back(display_safe(fmt::format("{}: {}", f.detector, f.reason)));
            for (const detection& d : f.detections)
                r.details.push_back(display_safe(fmt::format(
                    "{}{}: {}", d.detector, d.technique.empty() ? "" : " " + d.technique, d.reason)));
            // The first event, to pivot on: when, where, who, and how it was started.
            for (std::size_t i = 0; i < std::min(options.max_samples, f.samples.size()); ++i) {
                const event_sample& e = f.samples[i];
                std::string text = "event";
                if (e.time) text += " " + format_iso8601(*e.time).substr(0, 19) + "Z";
                if (!e.host.empty()) text += " on " + e.host;
                if (!e.user.empty()) text += " by " + e.user;
                if (e.process_id) text += fmt::format(" pid {}", *e.process_id);
                if (!e.source.empty())
                    text += " (" + e.source + (e.line ? fmt::format(":{}", e.line) : "") +
                            (e.record_id ? fmt::format(" record {}", *e.record_id) : "") + ")";
                if (!e.command_line.empty()) text += ": " + e.command_line;
                r.details.push_back(display_safe(text));
            }
        }
        rows.push_back(std::move(r));
    }
    const auto cells = [](row& r) {
        return std::array<std::string*, columns>{&r.level, &r.name, &r.imitates, &r.hosts, &r.seen};
    };
    std::array<std::size_t, columns> w{};
    for (row& r : rows) {
        const auto c = cells(r);
        for (std::size_t i = 0; i < columns; ++i)
            w[i] = std::max(w[i], display_width(*c[i]));
    }
    // On a terminal the row fits its width: what it imitates and the hosts give way first, then
    // the name (cut with "…"; nothing is lost, the lines below say it in full). Elsewhere (a
    // file, a pipe) nothing is cut.
    if (options.fit) {
        const auto total = [&] {
            std::size_t t = 2 * (columns - 1);
            for (std::size_t x : w)
                t += x;
            return t;
        };
        for (const std::size_t floor : {std::size_t{14}, std::size_t{8}}) {
            while (total() > options.width) {
                std::size_t* widest = w[2] >= w[3] ? &w[2] : &w[3];
                if (floor == 8 && w[1] > *widest) widest = &w[1];
                if (*widest <= floor) break;
                --*widest;
            }
        }
    }
    const std::size_t indent = w[0] + 2;
    const std::size_t detail_width =
        options.fit ? (options.width > indent + 20 ? options.width - indent : 20) : 0;
    for (std::size_t n = 0; n < rows.size(); ++n) {
        row& r = rows[n];
        const auto c = cells(r);
        std::string line;
        for (std::size_t i = 0; i < columns; ++i) {
            std::string cell = options.fit ? fit(*c[i], w[i]) : *c[i];
            if (i + 1 < columns) cell = pad(std::move(cell), w[i]);
            if (i == 0 && options.color)
                cell = (n == 0 ? std::string("\x1b[1m") : std::string(level_colour(r.severity))) + cell +
                       "\x1b[0m";
            if (i > 0) line += "  ";
            line += cell;
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        out << line << '\n';
        // A detail that does not fit goes on under a hanging indent, so each starts at the margin.
        for (const std::string& d : r.details) {
            const auto parts = wrapped(d, detail_width > 2 ? detail_width - 2 : detail_width);
            for (std::size_t i = 0; i < parts.size(); ++i)
                out << std::string(indent + (i > 0 ? 2 : 0), ' ') << parts[i] << '\n';
        }
    }
}

} // namespace masq
