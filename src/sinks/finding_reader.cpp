// SPDX-License-Identifier: MIT
// The inverse of write_findings_jsonl, so that findings can be saved by one run and sent by another.
#include "masq/write.h"

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
            } else if (key == "path" || key == "host" || key == "value") {
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

/// Fills `f` from one line; returns the field that could not be read, or empty.
std::string read_finding(simdjson::ondemand::object o, finding& f, bool& is_finding) {
    is_finding = false;
    for (auto field : o) {
        std::string_view key, s;
        if (field.unescaped_key().get(key)) return "(key)";
        value v;
        if (field.value().get(v)) return std::string(key);
        bool ok = true;
        std::uint64_t u = 0;
        double d = 0;
        bool b = false;
        if (key == "type") {
            ok = !v.get_string().get(s);
            is_finding = ok && s == "finding";
        } else if (key == "detector") {
            ok = !v.get_string().get(s) && (f.detector = std::string(s), true);
        } else if (key == "suspicious_process") {
            ok = !v.get_string().get(s) && (f.suspicious_process = std::string(s), true);
        } else if (key == "normal_process") {
            if (!is_null(v, ok) && ok)
                ok = !v.get_string().get(s) && (f.normal_process = std::string(s), true);
        } else if (key == "score") {
            ok = !v.get_double().get(d) && (f.score = static_cast<float>(d), true);
        } else if (key == "similarity") {
            ok = !v.get_double().get(f.similarity);
        } else if (key == "distance") {
            ok = !v.get_uint64().get(u) && (f.distance = static_cast<std::size_t>(u), true);
        } else if (key == "suspicious_count") {
            ok = !v.get_uint64().get(f.suspicious_count);
        } else if (key == "normal_count") {
            ok = !v.get_uint64().get(f.normal_count);
        } else if (key == "suspicious_percent_rank") {
            ok = !v.get_double().get(f.suspicious_percent_rank);
        } else if (key == "normal_percent_rank") {
            ok = !v.get_double().get(f.normal_percent_rank);
        } else if (key == "suspicious_paths") {
            ok = read_counts(v, f.suspicious_paths);
        } else if (key == "normal_paths") {
            ok = read_counts(v, f.normal_paths);
        } else if (key == "hosts") {
            ok = read_counts(v, f.hosts);
        } else if (key == "suspicious_distinct_paths") {
            ok = !v.get_uint64().get(u) && (f.suspicious_distinct_paths = static_cast<std::size_t>(u), true);
        } else if (key == "normal_distinct_paths") {
            ok = !v.get_uint64().get(u) && (f.normal_distinct_paths = static_cast<std::size_t>(u), true);
        } else if (key == "distinct_hosts") {
            ok = !v.get_uint64().get(u) && (f.distinct_hosts = static_cast<std::size_t>(u), true);
        } else if (key == "first_seen") {
            ok = read_time(v, f.first_seen);
        } else if (key == "last_seen") {
            ok = read_time(v, f.last_seen);
        } else if (key == "in_user_data") {
            ok = !v.get_bool().get(b) && (f.in_user_data = b, true);
        } else if (key == "involves_synthetic") {
            ok = !v.get_bool().get(b) && (f.involves_synthetic = b, true);
        } else if (key == "reason") {
            ok = !v.get_string().get(s) && (f.reason = std::string(s), true);
        }
        if (!ok) return std::string(key);
    }
    return {};
}

} // namespace

std::vector<finding> read_findings_jsonl(std::string_view data, std::string_view name, diagnostics& diag) {
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
        out.push_back(std::move(f));
    }
    return out;
}

} // namespace masq
