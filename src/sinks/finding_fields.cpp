// SPDX-License-Identifier: MIT
#include "finding_fields.h"

#include "masq/util/text.h"
#include "masq/write.h"

#include <charconv>
#include <fmt/format.h>

namespace masq::detail {
namespace {

template <class Member, class Record>
struct binding {
    std::string_view name;
    Member (*member)(Record&);
};

// The schema names bound to members; the order is the schema's (data/schema/finding.tsv).
constexpr binding<finding_member, finding> finding_bindings[] = {
    {"level", [](finding& f) -> finding_member { return &f.level; }},
    {"detector", [](finding& f) -> finding_member { return &f.detector; }},
    {"technique", [](finding& f) -> finding_member { return &f.technique; }},
    {"suspicious_process", [](finding& f) -> finding_member { return &f.suspicious_process; }},
    {"normal_process", [](finding& f) -> finding_member { return &f.normal_process; }},
    {"expected", [](finding& f) -> finding_member { return &f.expected; }},
    {"score", [](finding& f) -> finding_member { return &f.score; }},
    {"similarity", [](finding& f) -> finding_member { return &f.similarity; }},
    {"distance", [](finding& f) -> finding_member { return &f.distance; }},
    {"detections", [](finding& f) -> finding_member { return &f.detections; }},
    {"suspicious_count", [](finding& f) -> finding_member { return &f.suspicious_count; }},
    {"normal_count", [](finding& f) -> finding_member { return &f.normal_count; }},
    {"suspicious_percent_rank", [](finding& f) -> finding_member { return &f.suspicious_percent_rank; }},
    {"normal_percent_rank", [](finding& f) -> finding_member { return &f.normal_percent_rank; }},
    {"suspicious_paths", [](finding& f) -> finding_member { return &f.suspicious_paths; }},
    {"suspicious_distinct_paths", [](finding& f) -> finding_member { return &f.suspicious_distinct_paths; }},
    {"normal_paths", [](finding& f) -> finding_member { return &f.normal_paths; }},
    {"normal_distinct_paths", [](finding& f) -> finding_member { return &f.normal_distinct_paths; }},
    {"hosts", [](finding& f) -> finding_member { return &f.hosts; }},
    {"distinct_hosts", [](finding& f) -> finding_member { return &f.distinct_hosts; }},
    {"normal_distinct_hosts", [](finding& f) -> finding_member { return &f.normal_distinct_hosts; }},
    {"first_seen", [](finding& f) -> finding_member { return &f.first_seen; }},
    {"last_seen", [](finding& f) -> finding_member { return &f.last_seen; }},
    {"parents", [](finding& f) -> finding_member { return &f.parents; }},
    {"samples", [](finding& f) -> finding_member { return &f.samples; }},
    {"in_user_data", [](finding& f) -> finding_member { return &f.in_user_data; }},
    {"involves_synthetic", [](finding& f) -> finding_member { return &f.involves_synthetic; }},
    {"reason", [](finding& f) -> finding_member { return &f.reason; }},
};

constexpr binding<sample_member, event_sample> sample_bindings[] = {
    {"time", [](event_sample& s) -> sample_member { return &s.time; }},
    {"host", [](event_sample& s) -> sample_member { return &s.host; }},
    {"user", [](event_sample& s) -> sample_member { return &s.user; }},
    {"path", [](event_sample& s) -> sample_member { return &s.path; }},
    {"parent", [](event_sample& s) -> sample_member { return &s.parent; }},
    {"command_line", [](event_sample& s) -> sample_member { return &s.command_line; }},
    {"original_file_name", [](event_sample& s) -> sample_member { return &s.original_file_name; }},
    {"hashes", [](event_sample& s) -> sample_member { return &s.hashes; }},
    {"process_id", [](event_sample& s) -> sample_member { return &s.process_id; }},
    {"parent_process_id", [](event_sample& s) -> sample_member { return &s.parent_process_id; }},
    {"source", [](event_sample& s) -> sample_member { return &s.source; }},
    {"line", [](event_sample& s) -> sample_member { return &s.line; }},
    {"record_id", [](event_sample& s) -> sample_member { return &s.record_id; }},
};

/// `text` cut to at most `limit` bytes (0: none) without splitting a UTF-8 sequence.
std::string_view cut_utf8(std::string_view text, std::size_t limit) {
    if (limit == 0 || text.size() <= limit) return text;
    std::size_t n = limit;
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80)
        --n;
    return text.substr(0, n);
}

void append_quoted(std::string& out, std::string_view text, const json_style& style) {
    append_json_quoted(out, cut_utf8(text, style.max_text_bytes));
}

/// An ISO 8601 time is digits and separators: quoted as it is.
void append_time(std::string& out, const std::optional<timestamp>& t) {
    if (!t) {
        out += "null";
        return;
    }
    out += '"';
    out += format_iso8601(*t);
    out += '"';
}

void append_number(std::string& out, std::uint64_t n) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, n);
    out.append(buf, r.ptr);
}

/// A list, keeping whole entries while it stays under the style's limit.
template <class T, class Entry>
void append_list(std::string& out, const std::vector<T>& items, const json_style& style, Entry entry) {
    const std::size_t start = out.size();
    out += '[';
    bool first = true;
    std::string one;
    for (const T& item : items) {
        one.clear();
        entry(one, item);
        if (style.max_text_bytes != 0 && out.size() - start + one.size() + 2 > style.max_text_bytes) break;
        if (!first) out += ',';
        first = false;
        out += one;
    }
    out += ']';
}

} // namespace

namespace {

/// The binding of `name`. Writers ask for the fields in schema order, which is the bindings'
/// order, so the search starts after the last one found (a thread's own cursor): a lookup costs
/// one comparison instead of a scan of the table per field of every finding and sample.
template <class Binding, std::size_t N>
const Binding* find_binding(const Binding (&bindings)[N], std::string_view name) noexcept {
    thread_local std::size_t cursor = 0;
    for (std::size_t k = 0; k < N; ++k) {
        const std::size_t i = (cursor + k) % N;
        if (bindings[i].name == name) {
            cursor = i + 1;
            return &bindings[i];
        }
    }
    return nullptr;
}

} // namespace

std::optional<finding_member> finding_member_of(finding& f, std::string_view name) noexcept {
    const auto* b = find_binding(finding_bindings, name);
    return b != nullptr ? std::optional<finding_member>(b->member(f)) : std::nullopt;
}

std::optional<sample_member> sample_member_of(event_sample& s, std::string_view name) noexcept {
    const auto* b = find_binding(sample_bindings, name);
    return b != nullptr ? std::optional<sample_member>(b->member(s)) : std::nullopt;
}

std::string shortest(double value) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, value);
    return std::string(buf, r.ptr);
}

void append_samples_json(std::string& out, const std::vector<event_sample>& samples,
                         const json_style& style) {
    append_list(out, samples, style, [&](std::string& o, const event_sample& given) {
        event_sample& s = const_cast<event_sample&>(given); // the members are only read
        o += '{';
        bool first = true;
        for (const sample_field& field : sample_schema()) {
            const auto member = sample_member_of(s, field.name);
            if (!member) continue;
            if (!first) o += ',';
            first = false;
            append_json_quoted(o, field.name);
            o += ':';
            std::visit(overloaded{
                           [&](const std::string* v) {
                               if (v->empty())
                                   o += "null";
                               else
                                   append_quoted(o, *v, style);
                           },
                           [&](const std::optional<timestamp>* v) { append_time(o, *v); },
                           [&](const std::optional<std::uint64_t>* v) {
                               if (*v)
                                   append_number(o, **v);
                               else
                                   o += "null";
                           },
                           [&](const std::uint64_t* v) {
                               if (*v == 0)
                                   o += "null";
                               else
                                   append_number(o, *v);
                           },
                       },
                       *member);
        }
        o += '}';
    });
}

void append_json(std::string& out, const finding& given, const schema_field& field, const json_style& style) {
    finding& f = const_cast<finding&>(given); // the members are only read
    const auto member = finding_member_of(f, field.name);
    if (!member) {
        out += "null";
        return;
    }
    const std::string_view key = style.counts_as_value ? std::string_view("value") : field.key;
    std::visit(overloaded{
                   [&](const std::string* v) { append_quoted(out, *v, style); },
                   [&](const std::optional<std::string>* v) {
                       if (*v)
                           append_quoted(out, **v, style);
                       else
                           out += "null";
                   },
                   [&](const float* v) { out += format_score(*v); },
                   [&](const double* v) { out += shortest(*v); },
                   [&](const std::uint64_t* v) { append_number(out, *v); },
                   [&](const bool* v) { out += *v ? "true" : "false"; },
                   [&](const std::optional<timestamp>* v) { append_time(out, *v); },
                   [&](const alert_level* v) { append_json_quoted(out, level_name(*v)); },
                   [&](const std::vector<value_count>* v) {
                       append_list(out, *v, style, [&](std::string& o, const value_count& c) {
                           o += '{';
                           append_json_quoted(o, key);
                           o += ':';
                           append_quoted(o, c.value, style);
                           o += ",\"count\":";
                           append_number(o, c.count);
                           o += '}';
                       });
                   },
                   [&](const std::vector<detection>* v) {
                       append_list(out, *v, style, [&](std::string& o, const detection& d) {
                           o += "{\"detector\":";
                           append_json_quoted(o, d.detector);
                           o += ",\"technique\":";
                           append_json_quoted(o, d.technique);
                           o += ",\"score\":";
                           o += format_score(d.score);
                           o += ",\"reason\":";
                           append_quoted(o, d.reason, style);
                           o += '}';
                       });
                   },
                   [&](const std::vector<event_sample>* v) { append_samples_json(out, *v, style); },
               },
               *member);
}

std::string field_text(const finding& given, const schema_field& field) {
    finding& f = const_cast<finding&>(given); // the members are only read
    const auto member = finding_member_of(f, field.name);
    if (!member) return {};
    return std::visit(
        overloaded{
            [](const std::string* v) { return *v; },
            [](const std::optional<std::string>* v) { return v->value_or(""); },
            [](const float* v) { return format_score(*v); },
            [](const double* v) { return shortest(*v); },
            [](const std::uint64_t* v) { return std::to_string(*v); },
            [](const bool* v) { return std::string(*v ? "true" : "false"); },
            [](const std::optional<timestamp>* v) { return *v ? format_iso8601(**v) : ""; },
            [](const alert_level* v) { return std::string(level_name(*v)); },
            [](const std::vector<value_count>* v) {
                std::string out;
                for (const value_count& c : *v)
                    out += fmt::format("{}{} ({})", out.empty() ? "" : " | ", c.value, c.count);
                return out;
            },
            [](const std::vector<detection>* v) {
                std::string out;
                for (const detection& d : *v)
                    out += fmt::format("{}{} {} {}", out.empty() ? "" : " | ", d.detector,
                                       d.technique.empty() ? "-" : d.technique, format_score(d.score));
                return out;
            },
            [](const std::vector<event_sample>* v) { return fmt::format("{} samples", v->size()); },
        },
        *member);
}

} // namespace masq::detail
