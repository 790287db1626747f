// SPDX-License-Identifier: MIT
#include "masq/read.h"
#include "masq/util/timestamp.h"
#include "profile/profile_builder.h"
#include "sources/azure_blob.h"
#include "sources/formats/evtx.h"
#include "sources/line_reader.h"
#include "sources/record.h"

#include <absl/container/flat_hash_set.h>
#include <array>
#include <atomic>
#include <filesystem>
#include <fmt/format.h>
#include <limits>
#include <memory>
#include <mutex>
#include <simdjson.h>
#include <thread>
#include <xxhash.h>

namespace masq {
namespace {

using namespace simdjson;

std::string_view trim_right(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

bool is_blank(std::string_view s) {
    for (char c : s)
        if (c != ' ' && c != '\t' && c != '\r') return false;
    return true;
}

const char* type_name(ondemand::json_type t) {
    switch (t) {
    case ondemand::json_type::array:
        return "array";
    case ondemand::json_type::object:
        return "object";
    case ondemand::json_type::number:
        return "number";
    case ondemand::json_type::string:
        return "string";
    case ondemand::json_type::boolean:
        return "boolean";
    case ondemand::json_type::null:
        return "null";
    }
    return "unknown";
}

/// Parses one export line at a time. The `SecurityEvent` columns read are the notebook's four
/// (EventID, Process, NewProcessName, TimeGenerated) plus Computer for context.
class export_line_parser final : public detail::line_parser {
  public:
    export_line_parser(std::string_view file, event_sink& sink, diagnostics& diag, read_stats& stats,
                       const time_window& window = {}, detail::record_set* seen = nullptr)
        : file_(file), sink_(sink), diag_(diag), stats_(stats), window_(window), seen_(seen) {}

    void parse(const detail::padded_line& line) override {
        if (is_blank(line.text)) return;
        ++stats_.lines;
        line_ = line.number;
        if (!parse_record(line)) ++stats_.skipped_lines;
    }

  private:
    void problem(problem_kind kind, std::string_view field, std::string message) {
        diag_.report(kind, std::string(file_), line_, std::string(field), std::move(message));
    }

    /// A string column as Spark's JSON reader with a StringType schema sees it: strings as is,
    /// null as null, and scalars of another type as their JSON text (reported as a wrong type).
    bool string_column(ondemand::value& value, std::string_view field, std::optional<std::string_view>& out) {
        ondemand::json_type type;
        if (value.type().get(type)) return false;
        switch (type) {
        case ondemand::json_type::string: {
            std::string_view s;
            if (value.get_string().get(s)) return false;
            out = s;
            return true;
        }
        case ondemand::json_type::null:
            out.reset();
            return true;
        case ondemand::json_type::number:
        case ondemand::json_type::boolean:
            out = trim_right(value.raw_json_token());
            problem(
                problem_kind::wrong_type, field,
                fmt::format("expected a string, found a {}; using its text as Spark would", type_name(type)));
            return true;
        default:
            out.reset();
            problem(problem_kind::wrong_type, field,
                    fmt::format("expected a string, found an {}; treated as missing", type_name(type)));
            return true;
        }
    }

    bool parse_record(const detail::padded_line& line) {
        ondemand::document doc;
        if (auto err = parser_.iterate(line.text.data(), line.text.size(), line.capacity).get(doc)) {
            report_parse_error(err);
            return false;
        }
        ondemand::object object;
        if (auto err = doc.get_object().get(object)) {
            if (err == INCORRECT_TYPE)
                problem(problem_kind::malformed_record, "", "not a JSON object");
            else
                report_parse_error(err);
            return false;
        }
        std::optional<std::string_view> process, path, host, time_text, parent, original, user, command_line,
            new_process_id, process_id, hashes, record_id;
        bool is_4688 = false;
        for (auto field_result : object) {
            ondemand::field field;
            std::string_view key;
            if (auto err = std::move(field_result).get(field)) return report_parse_error(err), false;
            // Keys are compared raw (no unescaping copy) unless they contain an escape, which
            // export files never write but JSON allows ("Proc\u0065ss" is still "Process").
            const char* k = field.key().raw();
            std::size_t k_len = 0;
            while (k[k_len] != '"' && k[k_len] != '\\')
                ++k_len;
            if (k[k_len] == '"') {
                key = std::string_view(k, k_len);
            } else if (auto err = field.unescaped_key().get(key)) {
                return report_parse_error(err), false;
            }
            ondemand::value value = field.value();
            bool ok = true;
            // Dispatch on the length first: 34 columns per record, 5 of them read.
            switch (key.size()) {
            case 6:
                if (key == "Hashes") ok = string_column(value, key, hashes);
                break;
            case 7:
                if (key == "EventID")
                    ok = read_event_id(value, is_4688);
                else if (key == "Process")
                    ok = string_column(value, key, process);
                break;
            case 8:
                if (key == "Computer") ok = string_column(value, key, host);
                break;
            case 9:
                if (key == "ProcessId") process_id = raw_token(value);
                break;
            // The command line is kept as its JSON token: unescaping it for every event costs
            // 10-15 % of this path's throughput, and only the few events kept as an alert's
            // samples need its text (json_unescape).
            case 11:
                if (key == "CommandLine") command_line = raw_token(value);
                break;
            case 12:
                if (key == "NewProcessId") new_process_id = raw_token(value);
                break;
            case 13:
                if (key == "TimeGenerated")
                    ok = string_column(value, key, time_text);
                else if (key == "EventRecordId")
                    record_id = raw_token(value);
                break;
            case 14:
                if (key == "NewProcessName") ok = string_column(value, key, path);
                break;
            case 15:
                if (key == "SubjectUserName") ok = string_column(value, key, user);
                break;
            case 16:
                if (key == "OriginalFileName") ok = string_column(value, key, original);
                break;
            case 17:
                if (key == "ParentProcessName") ok = string_column(value, key, parent);
                break;
            default:
                break;
            }
            if (!ok) return report_parse_error(TAPE_ERROR), false;
        }
        // After a complete object the iterator must be at the end: anything left is trailing text.
        if (doc.current_location().error() != OUT_OF_BOUNDS) {
            problem(problem_kind::malformed_record, "", "unexpected text after the JSON object");
            return false;
        }
        ++stats_.records;
        if (seen_ != nullptr && !seen_->insert(line.text)) {
            ++stats_.duplicates;
            return true;
        }
        if (!is_4688) {
            ++stats_.other_events;
            return true;
        }
        std::optional<timestamp> time;
        if (time_text) {
            time = parse_iso8601(*time_text);
            if (!time)
                problem(problem_kind::bad_timestamp, "TimeGenerated",
                        fmt::format("'{}' is not an ISO-8601 time; event kept without a time", *time_text));
        }
        process_event event;
        event.process = process;
        event.path = path;
        event.host = host;
        event.time = time;
        event.parent_path = parent;
        event.original_file_name = original; // "-" and empty are none (record.h)
        event.user = user;
        if (command_line && command_line->front() == '"') event.command_line_json = command_line;
        if (new_process_id) event.process_id = detail::parse_id(*new_process_id);
        if (process_id) event.parent_process_id = detail::parse_id(*process_id);
        if (record_id) event.record_id = detail::parse_id(*record_id);
        event.hashes = hashes;
        event.source = file_;
        event.line = line_;
        detail::deliver(event, window_, stats_, sink_);
        return true;
    }

    /// A value's JSON text, unparsed (a string keeps its quotes and escapes); nothing for null.
    static std::optional<std::string_view> raw_token(ondemand::value& value) {
        const std::string_view t = trim_right(value.raw_json_token());
        if (t.empty() || t == "null") return std::nullopt;
        return t;
    }

    /// The notebook keeps rows where the string column EventID equals "4688": Spark's JSON reader
    /// turns the number 4688 into "4688", so both the number and the string match.
    bool read_event_id(ondemand::value& value, bool& is_4688) {
        ondemand::json_type type;
        if (value.type().get(type)) return false;
        is_4688 = false;
        if (type == ondemand::json_type::number) {
            is_4688 = trim_right(value.raw_json_token()) == "4688";
        } else if (type == ondemand::json_type::string) {
            std::string_view s;
            if (value.get_string().get(s)) return false;
            is_4688 = s == "4688";
        } else if (type != ondemand::json_type::null) {
            problem(problem_kind::wrong_type, "EventID",
                    fmt::format("expected a number, found a {}; record skipped", type_name(type)));
        }
        return true;
    }

    void report_parse_error(error_code err) { detail::report_json_error(diag_, file_, line_, err); }

    std::string_view file_;
    event_sink& sink_;
    diagnostics& diag_;
    read_stats& stats_;
    time_window window_;
    detail::record_set* seen_;
    ondemand::parser parser_;
    std::uint64_t line_ = 0;
};

} // namespace

namespace detail {

std::unique_ptr<line_parser> make_security_event_parser(const parser_context& c) {
    return std::make_unique<export_line_parser>(c.file, c.sink, c.diag, c.stats, c.window, c.seen);
}

} // namespace detail

} // namespace masq
