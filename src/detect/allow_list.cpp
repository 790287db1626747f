// SPDX-License-Identifier: MIT
#include "masq/allow_list.h"

#include "masq/diagnostics.h"
#include "masq/finding.h"
#include "masq/util/unicode.h"
#include "masq/util/windows_path.h"

#include <fstream>
#include <simdjson.h>
#include <sstream>

namespace masq {
namespace {

[[noreturn]] void fail(const std::string& origin, std::uint64_t line, std::string field,
                       std::string message) {
    throw input_error({problem_kind::malformed_record, origin, line, std::move(field), std::move(message)});
}

std::string normalised_path_glob(std::string_view pattern) {
    const normalized_path p = normalize_windows_path(pattern);
    return p.folder + p.file;
}

} // namespace

allow_list allow_list::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw input_error({problem_kind::unreadable_file, path, 0, "", "cannot open the allow-list"});
    std::stringstream buffer;
    buffer << in.rdbuf();
    return parse(buffer.str(), path);
}

allow_list allow_list::parse(std::string_view text, const std::string& origin) {
    allow_list list;
    simdjson::ondemand::parser parser;
    std::uint64_t line_number = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        std::string_view line = text.substr(start, end - start);
        start = end + 1;
        ++line_number;
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
            line.remove_suffix(1);
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
            line.remove_prefix(1);
        if (line.empty() || line.front() == '#') {
            if (end == text.size()) break;
            continue;
        }
        simdjson::padded_string padded(line);
        simdjson::ondemand::document doc;
        simdjson::ondemand::object object;
        if (parser.iterate(padded).get(doc) != simdjson::SUCCESS ||
            doc.get_object().get(object) != simdjson::SUCCESS)
            fail(origin, line_number, "", "not a JSON object");
        allow_rule rule;
        rule.origin = origin + ":" + std::to_string(line_number);
        for (auto field : object) {
            std::string_view key, value;
            if (field.unescaped_key().get(key) != simdjson::SUCCESS)
                fail(origin, line_number, "", "not a JSON object");
            if (field.value().get_string().get(value) != simdjson::SUCCESS)
                fail(origin, line_number, std::string(key), "must be a string");
            if (key == "name")
                rule.name = to_lower_full(value);
            else if (key == "path")
                rule.path = normalised_path_glob(value);
            else if (key == "host")
                rule.host = to_lower_full(value);
            else if (key == "detector")
                rule.detector = std::string(value);
            else if (key == "reason")
                rule.reason = std::string(value);
            else
                fail(origin, line_number, std::string(key),
                     "unknown field (name, path, host, detector, reason)");
        }
        if (rule.name.empty()) fail(origin, line_number, "name", "is required");
        if (rule.reason.empty()) fail(origin, line_number, "reason", "is required: say why this is accepted");
        list.add(std::move(rule));
        if (end == text.size()) break;
    }
    return list;
}

void allow_list::add(allow_rule rule) {
    rules_.push_back(std::move(rule));
}

const allow_rule* allow_list::match(const finding& f) const {
    for (const allow_rule& r : rules_) {
        if (!r.detector.empty() && r.detector != f.detector) continue;
        if (!glob_match(r.name, f.suspicious_process)) continue;
        bool ok = true;
        if (!r.path.empty()) {
            if (f.suspicious_paths.empty()) ok = false;
            for (const value_count& p : f.suspicious_paths) {
                const normalized_path np = normalize_windows_path(p.value);
                if (!glob_match(r.path, np.folder + np.file)) ok = false;
            }
        }
        if (ok && !r.host.empty()) {
            if (f.hosts.empty()) ok = false;
            for (const value_count& h : f.hosts)
                if (!glob_match(r.host, to_lower_full(h.value))) ok = false;
        }
        if (ok) return &r;
    }
    return nullptr;
}

} // namespace masq
