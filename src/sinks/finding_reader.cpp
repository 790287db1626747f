// SPDX-License-Identifier: MIT
// The inverse of write_findings_jsonl, so that findings can be saved by one run and sent by another.
#include "finding_fields.h"
#include "masq/write.h"
#include "sources/line_reader.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <simdjson.h>

namespace masq {
namespace {

using simdjson::ondemand::value;

bool read_counts(value v, std::vector<value_count>& out) {
    simdjson::ondemand::array a;
    if (v.get_array().get(a)) return false;
    for (auto element : a) {
        simdjson::ondemand::object o;
        if (element.get_object().get(o)) return false;
        value_count vc;
        for (auto field : o) {
            std::string_view key, s;
            if (field.unescaped_key().get(key)) return false;
            if (key == "count") {
                if (field.value().get_uint64().get(vc.count)) return false;
            } else if (key == "path" || key == "host" || key == "parent" || key == "value") {
                if (field.value().get_string().get(s)) return false;
                vc.value = std::string(s);
            }
        }
        out.push_back(std::move(vc));
    }
    return true;
}

/// Whether `v` is null; an error (e.g. the bare word `n`) is not "not null": it sets `ok` to false.
/// (Converting the simdjson_result<bool> of is_null() to bool would throw instead.)
bool is_null(value& v, bool& ok) {
    bool null = false;
    if (v.is_null().get(null)) ok = false;
    return null;
}

bool read_time(value v, std::optional<timestamp>& out) {
    bool ok = true;
    if (is_null(v, ok)) return true;
    if (!ok) return false;
    std::string_view s;
    if (v.get_string().get(s)) return false;
    out = parse_iso8601(s);
    return out.has_value();
}

bool read_string(value v, std::string& out) {
    std::string_view s;
    if (v.get_string().get(s)) return false;
    out = std::string(s);
    return true;
}

bool read_optional_string(value v, std::optional<std::string>& out) {
    bool ok = true;
    if (is_null(v, ok)) return ok;
    if (!ok) return false;
    std::string s;
    if (!read_string(v, s)) return false;
    out = std::move(s);
    return true;
}

bool read_detections(value v, std::vector<detection>& out) {
    simdjson::ondemand::array a;
    if (v.get_array().get(a)) return false;
    for (auto element : a) {
        simdjson::ondemand::object o;
        if (element.get_object().get(o)) return false;
        detection d;
        for (auto field : o) {
            std::string_view key;
            value x;
            if (field.unescaped_key().get(key) || field.value().get(x)) return false;
            double score = 0;
            if (key == "detector") {
                if (!read_string(x, d.detector)) return false;
            } else if (key == "technique") {
                if (!read_string(x, d.technique)) return false;
            } else if (key == "reason") {
                if (!read_string(x, d.reason)) return false;
            } else if (key == "score") {
                if (x.get_double().get(score)) return false;
                d.score = static_cast<float>(score);
            }
        }
        out.push_back(std::move(d));
    }
    return true;
}

bool read_samples(value v, std::vector<event_sample>& out) {
    simdjson::ondemand::array a;
    if (v.get_array().get(a)) return false;
    for (auto element : a) {
        simdjson::ondemand::object o;
        if (element.get_object().get(o)) return false;
        event_sample s;
        for (auto field : o) {
            std::string_view key;
            value x;
            if (field.unescaped_key().get(key) || field.value().get(x)) return false;
            const auto member = detail::sample_member_of(s, key);
            if (!member) continue; // a field of a later version
            bool ok = true;
            if (is_null(x, ok)) continue;
            if (!ok) return false;
            ok = std::visit(detail::overloaded{
                                [&](std::string* m) { return read_string(x, *m); },
                                [&](std::optional<timestamp>* m) { return read_time(x, *m); },
                                [&](std::optional<std::uint64_t>* m) {
                                    std::uint64_t u = 0;
                                    if (x.get_uint64().get(u)) return false;
                                    *m = u;
                                    return true;
                                },
                                [&](std::uint64_t* m) { return !x.get_uint64().get(*m); },
                            },
                            *member);
            if (!ok) return false;
        }
        out.push_back(std::move(s));
    }
    return true;
}

/// Reads one field's value into its member; the schema's bindings say which (finding_fields.h).
bool read_member(value v, detail::finding_member member) {
    return std::visit(detail::overloaded{
                          [&](std::string* m) { return read_string(v, *m); },
                          [&](std::optional<std::string>* m) { return read_optional_string(v, *m); },
                          [&](float* m) {
                              double d = 0;
                              if (v.get_double().get(d)) return false;
                              *m = static_cast<float>(d);
                              return true;
                          },
                          [&](double* m) { return !v.get_double().get(*m); },
                          [&](std::uint64_t* m) { return !v.get_uint64().get(*m); },
                          [&](bool* m) { return !v.get_bool().get(*m); },
                          [&](std::optional<timestamp>* m) { return read_time(v, *m); },
                          [&](alert_level* m) {
                              std::string_view s;
                              if (v.get_string().get(s)) return false;
                              const auto level = parse_level(s);
                              if (level) *m = *level;
                              return level.has_value();
                          },
                          [&](std::vector<value_count>* m) { return read_counts(v, *m); },
                          [&](std::vector<detection>* m) { return read_detections(v, *m); },
                          [&](std::vector<event_sample>* m) { return read_samples(v, *m); },
                      },
                      member);
}

/// Fills `f` from one line; returns the field that could not be read, or empty. Keys the schema
/// does not know (a later version's) are passed over; fields a file lacks (an earlier version's)
/// keep their defaults, and an older file's alert gets one detection from its detector and reason.
std::string read_finding(simdjson::ondemand::object o, finding& f, bool& is_finding) {
    is_finding = false;
    bool has_detections = false;
    for (auto field : o) {
        std::string_view key, s;
        if (field.unescaped_key().get(key)) return "(key)";
        has_detections = has_detections || key == "detections";
        value v;
        if (field.value().get(v)) return std::string(key);
        if (key == "type") {
            if (v.get_string().get(s)) return std::string(key);
            is_finding = s == "finding";
            continue;
        }
        const auto member = detail::finding_member_of(f, key);
        if (!member) continue;
        if (!read_member(v, *member)) return std::string(key);
    }
    if (!has_detections && !f.detector.empty())
        f.detections.push_back({f.detector, f.technique, f.score, f.reason});
    return {};
}

} // namespace

std::vector<finding> read_findings_jsonl(std::string_view data, std::string_view name, diagnostics& diag) {
    findings_read_stats stats;
    return read_findings_jsonl(data, name, diag, stats);
}

std::vector<finding> read_findings_jsonl(std::string_view data, std::string_view name, diagnostics& diag,
                                         findings_read_stats& stats) {
    std::vector<finding> out;
    simdjson::ondemand::parser parser;
    std::uint64_t line_no = 0;
    std::size_t at = 0;
    while (at < data.size()) {
        std::size_t end = data.find('\n', at);
        if (end == std::string_view::npos) end = data.size();
        std::string_view line = data.substr(at, end - at);
        at = end + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
        simdjson::padded_string padded(line);
        simdjson::ondemand::document doc;
        simdjson::ondemand::object o;
        if (parser.iterate(padded).get(doc) || doc.get_object().get(o)) {
            diag.report(problem_kind::malformed_record, std::string(name), line_no, "", "not a JSON object");
            continue;
        }
        ++stats.records;
        finding f;
        bool is_finding = false;
        std::string bad;
        try {
            bad = read_finding(o, f, is_finding);
        } catch (const simdjson::simdjson_error&) {
            // Every lookup above checks its error code; should one slip through, it is this
            // line's problem, not the caller's (a library caller would otherwise terminate).
            bad = "(record)";
        }
        if (!bad.empty()) {
            diag.report(problem_kind::wrong_type, std::string(name), line_no, bad,
                        "unexpected value in a finding");
            continue;
        }
        if (!is_finding) continue;
        if (f.suspicious_process.empty()) {
            diag.report(problem_kind::malformed_record, std::string(name), line_no, "suspicious_process",
                        "a finding without a suspicious process");
            continue;
        }
        ++stats.findings;
        out.push_back(std::move(f));
    }
    return out;
}

std::vector<finding> read_findings_file(const std::string& path, diagnostics& diag,
                                        findings_read_stats& stats, std::uint64_t max_expansion) {
    const bool from_stdin = path == "-";
    const std::string shown = from_stdin ? "<stdin>" : path;
    std::string data;
    if (from_stdin) {
        data.assign(std::istreambuf_iterator<char>(std::cin), {});
    } else {
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            diag.report(problem_kind::unreadable_file, shown, 0, "", std::strerror(errno));
            return {};
        }
        data.assign(std::istreambuf_iterator<char>(in), {});
    }
    if (detail::buffer_compression(data) == detail::compression::none)
        return read_findings_jsonl(data, shown, diag, stats);
    std::string plain;
    detail::decompress_or_report(data, plain, max_expansion, diag, shown, "findings");
    return read_findings_jsonl(plain, shown, diag, stats);
}

} // namespace masq
