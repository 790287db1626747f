// SPDX-License-Identifier: MIT
// CSV exports with a header row: a Log Analytics / Sentinel query export (TimeGenerated [UTC],
// Computer, EventID, Process, NewProcessName, ...) or a Defender advanced-hunting export
// (Timestamp, DeviceName, FileName, FolderPath, ActionType, ...). RFC 4180 through libcsv, fed
// line by line (quoted fields may span lines).
#include "sources/record.h"

#include <algorithm>
#include <charconv>
#include <csv.h>
#include <fmt/format.h>

namespace masq::detail {
namespace {

std::string normalise_header(std::string_view h) {
    std::string out;
    for (char c : h) {
        if (c == '[') break; // "TimeGenerated [UTC]"
        if (c == ' ' || c == '_' || c == '"' || c == '\xEF' || c == '\xBB' || c == '\xBF')
            continue; // spaces, BOM
        out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    return out;
}

/// The portal's US-style times, "11/20/2026, 5:03:12.123 AM" (UTC), as ISO-8601.
std::optional<timestamp> parse_portal_time(std::string_view s) {
    int month = 0, day = 0, year = 0, hour = 0, minute = 0, second = 0;
    char ampm[3] = {};
    char fraction[10] = {};
    const std::string text(s);
    if (std::sscanf(text.c_str(), "%d/%d/%d, %d:%d:%d.%9[0-9] %2s", &month, &day, &year, &hour, &minute,
                    &second, fraction, ampm) < 6 &&
        std::sscanf(text.c_str(), "%d/%d/%d, %d:%d:%d %2s", &month, &day, &year, &hour, &minute, &second,
                    ampm) < 6)
        return std::nullopt;
    if ((ampm[0] == 'P' || ampm[0] == 'p') && hour < 12) hour += 12;
    if ((ampm[0] == 'A' || ampm[0] == 'a') && hour == 12) hour = 0;
    return parse_iso8601(fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{}Z", year, month, day, hour,
                                     minute, second, fraction[0] ? "." : "", fraction));
}

class csv_line_parser final : public line_parser {
  public:
    explicit csv_line_parser(const parser_context& c) : c_(c) {
        csv_init(&csv_, CSV_APPEND_NULL | CSV_STRICT_FINI);
    }
    ~csv_line_parser() override {
        // A quote never closed swallows the rest of the file: report it rather than guess.
        if (csv_fini(&csv_, on_field, on_row, this) != 0) {
            problem(problem_kind::malformed_record, "", "the last record ends inside a quoted field");
            ++c_.stats.skipped_lines;
        }
        csv_free(&csv_);
    }
    csv_line_parser(const csv_line_parser&) = delete;
    csv_line_parser& operator=(const csv_line_parser&) = delete;

    void parse(const padded_line& line) override {
        if (fields_.empty() && !in_row_) {
            if (line.text.find_first_not_of(" \t") == std::string_view::npos) return;
            row_line_ = line.number;
            if (header_.empty()) choose_delimiter(line.text);
        }
        in_row_ = true;
        csv_parse(&csv_, line.text.data(), line.text.size(), on_field, on_row, this);
        csv_parse(&csv_, "\n", 1, on_field, on_row, this);
    }

  private:
    /// The header's most frequent separator outside quotes: a comma (RFC 4180), or the semicolon
    /// or tab of a spreadsheet export in a locale whose decimal mark is the comma.
    void choose_delimiter(std::string_view header) {
        std::size_t commas = 0, semicolons = 0, tabs = 0;
        bool quoted = false;
        for (char ch : header) {
            if (ch == '"') quoted = !quoted;
            if (quoted) continue;
            commas += ch == ',';
            semicolons += ch == ';';
            tabs += ch == '\t';
        }
        if (semicolons > commas && semicolons >= tabs)
            csv_set_delim(&csv_, ';');
        else if (tabs > commas && tabs > semicolons)
            csv_set_delim(&csv_, '\t');
    }

    static void on_field(void* data, std::size_t length, void* self) {
        static_cast<csv_line_parser*>(self)->fields_.emplace_back(data ? static_cast<const char*>(data) : "",
                                                                  length);
    }
    static void on_row(int, void* self) { static_cast<csv_line_parser*>(self)->row(); }

    void problem(problem_kind kind, std::string_view field, std::string message) {
        c_.diag.report(kind, std::string(c_.file), row_line_, std::string(field), std::move(message));
    }

    int column(std::initializer_list<std::string_view> names, const std::string& mapped) const {
        if (!mapped.empty()) {
            const std::string want = normalise_header(mapped.substr(mapped.rfind('/') + 1));
            for (std::size_t i = 0; i < header_.size(); ++i)
                if (header_[i] == want) return static_cast<int>(i);
            return -1;
        }
        for (std::string_view n : names)
            for (std::size_t i = 0; i < header_.size(); ++i)
                if (header_[i] == n) return static_cast<int>(i);
        return -1;
    }

    void row() {
        std::vector<std::string> fields = std::move(fields_);
        fields_.clear();
        in_row_ = false;
        if (header_.empty()) {
            for (const auto& f : fields)
                header_.push_back(normalise_header(f));
            const field_map none;
            const field_map& m = c_.fields != nullptr ? *c_.fields : none;
            process_ = column({"process", "filename"}, m.process);
            path_ = column({"newprocessname", "folderpath", "image", "processpath"}, m.path);
            host_ = column({"computer", "devicename", "hostname"}, m.host);
            time_ = column({"timegenerated", "timestamp", "utctime", "time"}, m.time);
            code_ = column({"eventid"}, m.code);
            action_ = column({"actiontype"}, "");
            parent_ = column({"parentprocessname", "initiatingprocessfolderpath", "parentimage"}, "");
            parent_file_ = column({"initiatingprocessfilename"}, "");
            original_ = column({"originalfilename", "processversioninfooriginalfilename"}, "");
            user_ = column({"subjectusername", "accountname", "user", "username"}, "");
            command_line_ = column({"commandline", "processcommandline"}, "");
            hashes_ = column({"hashes", "sha256"}, "");
            pid_ = column({"newprocessid", "processid"}, "");
            // A 4688 calls the parent's id ProcessId (its own is NewProcessId); Sysmon and
            // Defender call their own id ProcessId.
            parent_pid_ = column({"newprocessid"}, "") >= 0
                              ? column({"processid"}, "")
                              : column({"parentprocessid", "initiatingprocessid"}, "");
            record_id_ = column({"eventrecordid", "recordid", "reportid"}, "");
            if (process_ < 0 && path_ < 0) {
                // Its rows would all join the null-name group and change every name's rank.
                problem(problem_kind::unreadable_file, "",
                        "no process column in the header (Process, FileName, NewProcessName, FolderPath "
                        "or Image; see --map): the file's rows are not read");
                unusable_ = true;
            }
            return;
        }
        if (unusable_) {
            ++c_.stats.lines;
            ++c_.stats.skipped_lines;
            return;
        }
        ++c_.stats.lines;
        if (fields.size() != header_.size()) {
            problem(problem_kind::malformed_record, "",
                    fmt::format("{} fields where the header has {}", fields.size(), header_.size()));
            ++c_.stats.skipped_lines;
            return;
        }
        ++c_.stats.records;
        if (c_.seen != nullptr) {
            std::string joined;
            for (const auto& f : fields)
                joined += f + '\x1f';
            if (!c_.seen->insert(joined)) {
                ++c_.stats.duplicates;
                return;
            }
        }
        const auto get = [&](int i) -> std::optional<std::string> {
            if (i < 0 || fields[static_cast<std::size_t>(i)].empty()) return std::nullopt;
            return fields[static_cast<std::size_t>(i)];
        };
        const auto code = get(code_), action = get(action_);
        if ((code_ >= 0 && code != security_process_creation) || (action && *action != "ProcessCreated")) {
            ++c_.stats.other_events;
            return;
        }
        auto process = get(process_), path = get(path_);
        if (path && process && header_[static_cast<std::size_t>(path_)] == "folderpath")
            *path = image_path(*path, *process);
        if (!process && path) process = std::string(file_name_of(*path));
        const auto host = get(host_), time_text = get(time_);
        std::optional<timestamp> time;
        if (time_text) {
            time = parse_iso8601(*time_text);
            if (!time) time = parse_portal_time(*time_text);
            if (!time)
                problem(problem_kind::bad_timestamp, header_[static_cast<std::size_t>(time_)],
                        fmt::format("'{}' is not a time; event kept without a time", *time_text));
        }
        process_event e;
        if (process) e.process = *process;
        if (path) e.path = *path;
        if (host) e.host = *host;
        e.time = time;
        auto parent = get(parent_);
        const auto parent_file = get(parent_file_), original = get(original_);
        // Defender's InitiatingProcessFolderPath, like FolderPath, may hold the folder only.
        if (parent && parent_file) *parent = image_path(*parent, *parent_file);
        if (parent) e.parent_path = *parent;
        if (original) e.original_file_name = *original; // "-" and empty are none (record.h)
        const auto user = get(user_), command_line = get(command_line_);
        if (user) e.user = *user;
        if (command_line) e.command_line = *command_line;
        if (const auto hashes = get(hashes_)) e.hashes = *hashes;
        if (const auto pid = get(pid_)) e.process_id = parse_id(*pid);
        if (const auto ppid = get(parent_pid_)) e.parent_process_id = parse_id(*ppid);
        if (const auto record = get(record_id_)) e.record_id = parse_id(*record);
        e.source = c_.file;
        e.line = row_line_;
        deliver(e, c_.window, c_.stats, c_.sink);
    }

    parser_context c_;
    csv_parser csv_{};
    std::vector<std::string> fields_;
    std::vector<std::string> header_;
    int process_ = -1, path_ = -1, host_ = -1, time_ = -1, code_ = -1, action_ = -1, parent_ = -1,
        parent_file_ = -1, original_ = -1, user_ = -1, command_line_ = -1, hashes_ = -1, pid_ = -1,
        parent_pid_ = -1, record_id_ = -1;
    std::uint64_t row_line_ = 0;
    bool in_row_ = false;
    bool unusable_ = false; ///< the header names no process column
};

} // namespace

std::unique_ptr<line_parser> make_csv_parser(const parser_context& context) {
    return std::make_unique<csv_line_parser>(context);
}

} // namespace masq::detail
