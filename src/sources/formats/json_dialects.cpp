// SPDX-License-Identifier: MIT
// Process-creation events in the JSON shapes other tools write: Elastic Common Schema /
// winlogbeat, Microsoft Defender `DeviceProcessEvents`, Sysmon event 1 as JSON (evtx_dump), and
// any of them with fields moved (`--map`). Each field is found by JSON pointer; the SecurityEvent
// export keeps its own faster parser (sentinel_json.cpp).
#include "sources/record.h"

#include <fmt/format.h>
#include <simdjson.h>
#include <span>

namespace masq {

std::optional<input_format> parse_input_format(std::string_view name) {
    if (name == "auto") return input_format::auto_detect;
    if (name == "sentinel") return input_format::sentinel;
    if (name == "ecs") return input_format::ecs;
    if (name == "defender") return input_format::defender;
    if (name == "sysmon") return input_format::sysmon;
    if (name == "csv") return input_format::csv;
    return std::nullopt;
}

namespace {

/// "process.name" and "/process/name" both become the JSON pointer "/process/name".
std::string to_pointer(std::string_view path) {
    if (!path.empty() && path.front() == '/') return std::string(path);
    std::string out = "/";
    for (char c : path) {
        if (c == '.')
            out += '/';
        else if (c == '~')
            out += "~0";
        else if (c == '/')
            out += "~1";
        else
            out += c;
    }
    return out;
}

} // namespace

bool field_map::set(std::string_view assignment) {
    const auto eq = assignment.find('=');
    if (eq == std::string_view::npos || eq + 1 == assignment.size()) return false;
    const std::string_view field = assignment.substr(0, eq);
    std::string pointer = to_pointer(assignment.substr(eq + 1));
    if (field == "process")
        process = std::move(pointer);
    else if (field == "path")
        path = std::move(pointer);
    else if (field == "host")
        host = std::move(pointer);
    else if (field == "time")
        time = std::move(pointer);
    else if (field == "code")
        code = std::move(pointer);
    else
        return false;
    return true;
}

namespace detail {
namespace {

using namespace simdjson;

struct dialect {
    const char* name;
    std::string code;                 ///< pointer to the event code; empty: every record is a process start
    std::vector<std::string> codes;   ///< accepted codes
    std::string action, action_value; ///< Defender's ActionType, when present
    std::string process, path, host, time, alt_time;
    std::string parent, parent_file, original, user, command_line;
    std::string hashes, pid, parent_pid, record_id;
};

/// data/mappings/<dialect>.tsv: a dialect field and its JSON pointer (`codes`: one accepted event
/// code a row; `action_value`: the value of `action` that marks a process start).
struct mapping_row {
    std::string_view field, value;
};

constexpr mapping_row ecs_mapping[] = {
#include "masq_data/mappings/ecs.inc"
};
constexpr mapping_row defender_mapping[] = {
#include "masq_data/mappings/defender.inc"
};
constexpr mapping_row sysmon_mapping[] = {
#include "masq_data/mappings/sysmon.inc"
};

std::string* mapped_field(dialect& d, std::string_view field) {
    if (field == "code") return &d.code;
    if (field == "action") return &d.action;
    if (field == "action_value") return &d.action_value;
    if (field == "process") return &d.process;
    if (field == "path") return &d.path;
    if (field == "host") return &d.host;
    if (field == "time") return &d.time;
    if (field == "alt_time") return &d.alt_time;
    if (field == "parent") return &d.parent;
    if (field == "parent_file") return &d.parent_file;
    if (field == "original") return &d.original;
    if (field == "user") return &d.user;
    if (field == "command_line") return &d.command_line;
    if (field == "hashes") return &d.hashes;
    if (field == "pid") return &d.pid;
    if (field == "parent_pid") return &d.parent_pid;
    if (field == "record_id") return &d.record_id;
    return nullptr;
}

void apply_mapping(dialect& d, std::span<const mapping_row> rows) {
    for (const auto& [field, value] : rows)
        if (field == "codes")
            d.codes.emplace_back(value);
        else if (std::string* member = mapped_field(d, field))
            *member = value;
}

dialect dialect_for(input_format format, const field_map* overrides) {
    dialect d;
    switch (format) {
    case input_format::ecs:
        d.name = "ECS";
        apply_mapping(d, ecs_mapping);
        break;
    case input_format::defender:
        d.name = "Defender";
        apply_mapping(d, defender_mapping);
        break;
    case input_format::sysmon:
        d.name = "Sysmon";
        apply_mapping(d, sysmon_mapping);
        break;
    default:
        d.name = "SecurityEvent";
        d.code = "/EventID";
        d.codes = {std::string(security_process_creation)};
        d.process = "/Process";
        d.path = "/NewProcessName";
        d.host = "/Computer";
        d.time = "/TimeGenerated";
        d.parent = "/ParentProcessName";
        d.original = "/OriginalFileName";
        d.user = "/SubjectUserName";
        d.command_line = "/CommandLine";
        d.hashes = "/Hashes";
        d.pid = "/NewProcessId";
        d.parent_pid = "/ProcessId";
        d.record_id = "/EventRecordId";
        break;
    }
    if (overrides != nullptr) {
        if (!overrides->process.empty()) d.process = overrides->process;
        if (!overrides->path.empty()) d.path = overrides->path;
        if (!overrides->host.empty()) d.host = overrides->host;
        if (!overrides->time.empty()) d.time = overrides->time, d.alt_time.clear();
        if (!overrides->code.empty()) d.code = overrides->code;
    }
    return d;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

class dialect_parser final : public line_parser {
  public:
    dialect_parser(dialect d, const parser_context& c) : d_(std::move(d)), c_(c) {}

    void parse(const padded_line& line) override {
        if (trim(line.text).empty()) return;
        ++c_.stats.lines;
        line_ = line.number;
        if (!parse_record(line)) ++c_.stats.skipped_lines;
    }

  private:
    void problem(problem_kind kind, std::string_view field, std::string message) {
        c_.diag.report(kind, std::string(c_.file), line_, std::string(field), std::move(message));
    }

    /// A string or scalar at `pointer` (numbers as their text); nothing when absent or null.
    std::optional<std::string_view> value_at(ondemand::document& doc, const std::string& pointer, bool& ok) {
        if (pointer.empty()) return std::nullopt;
        ondemand::value v;
        const auto err = doc.at_pointer(pointer).get(v);
        if (err == NO_SUCH_FIELD || err == INDEX_OUT_OF_BOUNDS || err == INCORRECT_TYPE) return std::nullopt;
        if (err) {
            ok = false;
            report(err);
            return std::nullopt;
        }
        ondemand::json_type type;
        if (auto type_err = v.type().get(type)) {
            ok = false;
            report(type_err);
            return std::nullopt;
        }
        if (type == ondemand::json_type::string) {
            std::string_view s;
            if (auto string_err = v.get_string().get(s)) {
                ok = false;
                report(string_err);
                return std::nullopt;
            }
            return s;
        }
        if (type == ondemand::json_type::number || type == ondemand::json_type::boolean)
            return trim(v.raw_json_token());
        if (type != ondemand::json_type::null)
            problem(problem_kind::wrong_type, pointer, "expected a string or a number; treated as missing");
        return std::nullopt;
    }

    void report(error_code err) { report_json_error(c_.diag, c_.file, line_, err); }

    bool parse_record(const padded_line& line) {
        ondemand::document doc;
        if (auto err = c_.parser.iterate(line.text.data(), line.text.size(), line.capacity).get(doc)) {
            report(err);
            return false;
        }
        ondemand::object object;
        if (auto err = doc.get_object().get(object)) {
            if (err == INCORRECT_TYPE)
                problem(problem_kind::malformed_record, "", "not a JSON object");
            else
                report(err);
            return false;
        }
        bool ok = true;
        // Owned copies: at_pointer rewinds the document, and unescaped strings live in the
        // parser's buffer only until the next string is read.
        // Once simdjson has reported an error it has abandoned the document: another at_pointer
        // would dereference its released state, so the remaining fields are not looked up.
        const auto take = [&](const std::string& pointer) -> std::optional<std::string> {
            if (!ok) return std::nullopt;
            auto v = value_at(doc, pointer, ok);
            return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
        };
        const auto code = take(d_.code);
        const auto action = take(d_.action);
        auto path = take(d_.path);
        auto process = take(d_.process);
        const auto host = take(d_.host);
        auto time_text = take(d_.time);
        auto parent = take(d_.parent);
        const auto parent_file = take(d_.parent_file);
        const auto original = take(d_.original);
        const auto user = take(d_.user);
        const auto command_line = take(d_.command_line);
        const auto hashes = take(d_.hashes);
        const auto pid = take(d_.pid);
        const auto parent_pid = take(d_.parent_pid);
        const auto record_id = take(d_.record_id);
        if (!time_text) time_text = take(d_.alt_time);
        if (!ok) return false;
        ++c_.stats.records;
        if (c_.seen != nullptr && !c_.seen->insert(line.text)) {
            ++c_.stats.duplicates;
            return true;
        }
        bool is_start =
            d_.code.empty() || (code && std::find(d_.codes.begin(), d_.codes.end(), *code) != d_.codes.end());
        if (!d_.action.empty() && action && *action != d_.action_value) is_start = false;
        if (!is_start) {
            ++c_.stats.other_events;
            return true;
        }
        // Defender's FolderPath is sometimes the folder only; make it the image path.
        if (d_.name == std::string_view("Defender") && path && process) *path = image_path(*path, *process);
        if (parent && parent_file && !parent->empty()) *parent = image_path(*parent, *parent_file);
        if (!process && path) process = std::string(file_name_of(*path));
        std::optional<timestamp> time;
        if (time_text) {
            time = parse_iso8601(*time_text);
            if (!time)
                problem(problem_kind::bad_timestamp, d_.time,
                        fmt::format("'{}' is not an ISO-8601 time; event kept without a time", *time_text));
        }
        process_event event;
        if (process) event.process = *process;
        if (path) event.path = *path;
        if (host) event.host = *host;
        event.time = time;
        if (parent && !parent->empty()) event.parent_path = *parent;
        if (original) event.original_file_name = *original; // "-" and empty are none (record.h)
        if (user) event.user = *user;
        if (command_line && !command_line->empty()) event.command_line = *command_line;
        if (hashes) event.hashes = *hashes;
        if (pid) event.process_id = parse_id(*pid);
        if (parent_pid) event.parent_process_id = parse_id(*parent_pid);
        if (record_id) event.record_id = parse_id(*record_id);
        event.source = c_.file;
        event.line = line_;
        deliver(event, c_.window, c_.stats, c_.sink);
        return true;
    }

    struct context_with_parser : parser_context {
        explicit context_with_parser(const parser_context& c) : parser_context(c) {}
        ondemand::parser parser;
    };

    dialect d_;
    context_with_parser c_;
    std::uint64_t line_ = 0;
};

/// Picks the format from the first record of a file, then hands every line to that parser.
class auto_parser final : public line_parser {
  public:
    explicit auto_parser(const parser_context& c) : c_(c) {}

    void parse(const padded_line& line) override {
        if (!chosen_) {
            if (trim(line.text).empty()) return;
            chosen_ = make_line_parser(detect(line), c_);
        }
        chosen_->parse(line);
    }

  private:
    input_format detect(const padded_line& line) {
        const auto first = line.text.find_first_not_of(" \t\xEF\xBB\xBF");
        if (first != std::string_view::npos && line.text[first] != '{' && line.text[first] != '[' &&
            line.text.find_first_of(",;\t") != std::string_view::npos)
            return input_format::csv; // the CSV reader chooses the separator from this header
        ondemand::parser parser;
        ondemand::document doc;
        ondemand::object object;
        if (parser.iterate(line.text.data(), line.text.size(), line.capacity).get(doc) ||
            doc.get_object().get(object))
            return input_format::sentinel; // let the main parser report the problem
        bool ecs = false, defender = false, sysmon = false;
        for (auto field : object) {
            std::string_view key;
            if (field.unescaped_key().get(key)) break;
            if (key == "Event")
                sysmon = true;
            else if (key == "@timestamp" || key == "ecs" || key == "winlog" || key == "process")
                ecs = true;
            else if (key == "DeviceName" || key == "FolderPath" || key == "InitiatingProcessFileName")
                defender = true;
        }
        return sysmon     ? input_format::sysmon
               : ecs      ? input_format::ecs
               : defender ? input_format::defender
                          : input_format::sentinel;
    }

    parser_context c_;
    std::unique_ptr<line_parser> chosen_;
};

} // namespace

std::unique_ptr<line_parser> make_dialect_parser(input_format format, const parser_context& context) {
    return std::make_unique<dialect_parser>(dialect_for(format, context.fields), context);
}

std::unique_ptr<line_parser> make_line_parser(input_format format, const parser_context& context) {
    if (format == input_format::auto_detect) return std::make_unique<auto_parser>(context);
    if (format == input_format::csv) return make_csv_parser(context);
    if (format == input_format::sentinel && (context.fields == nullptr || context.fields->empty()))
        return make_security_event_parser(context);
    return make_dialect_parser(format, context);
}

} // namespace detail
} // namespace masq
