// SPDX-License-Identifier: MIT
#pragma once

// What every line format shares: one parser per reader per file turns padded lines into events
// for a sink, counting and reporting as it goes.

#include "masq/read.h"
#include "masq/util/windows_path.h" // file_name_of
#include "sources/line_reader.h"

#include <absl/container/flat_hash_set.h>
#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <mutex>
#include <simdjson.h>
#include <xxhash.h>

namespace masq::detail {

/// Hashes of the records seen, shared by the reading threads (for --dedupe): 64 shards, each
/// with its lock, so threads rarely wait for each other.
class record_set {
  public:
    /// True the first time a line is seen.
    bool insert(std::string_view line) {
        const XXH128_hash_t h = XXH3_128bits(line.data(), line.size());
        shard& s = shards_[h.low64 & 63];
        std::lock_guard lock(s.mutex);
        return s.seen.insert({h.low64, h.high64}).second;
    }

  private:
    struct shard {
        std::mutex mutex;
        absl::flat_hash_set<std::pair<std::uint64_t, std::uint64_t>> seen;
    };
    std::array<shard, 64> shards_;
};

class line_parser {
  public:
    virtual ~line_parser() = default;
    virtual void parse(const padded_line& line) = 0;
};

/// Everything a parser needs besides the lines.
struct parser_context {
    std::string_view file;
    event_sink& sink;
    diagnostics& diag;
    read_stats& stats;
    time_window window;
    record_set* seen = nullptr;
    const field_map* fields = nullptr; ///< user overrides (--map)
};

/// Whether a file or blob name is one masq reads when it walks a folder or lists a container:
/// `.json`, `.jsonl`, `.ndjson`, `.csv` (and `.evtx` when `evtx`), optionally `.gz`/`.zst`,
/// without regard to case (input_files.cpp).
bool has_event_extension(std::string_view name, bool evtx) noexcept;

/// Defender's FolderPath holds the folder, or the whole image path: the image path either way
/// (file names compared without regard to ASCII case).
inline std::string image_path(const std::string& folder_path, std::string_view file_name) {
    const std::string_view last = file_name_of(folder_path);
    const bool has_file =
        last.size() == file_name.size() &&
        std::equal(last.begin(), last.end(), file_name.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        });
    if (has_file) return folder_path;
    return folder_path + (folder_path.empty() || folder_path.back() == '\\' ? "" : "\\") +
           std::string(file_name);
}

/// How every JSON reader reports a simdjson error: invalid UTF-8 on its own, the rest as malformed.
inline void report_json_error(diagnostics& diag, std::string_view file, std::uint64_t line,
                              simdjson::error_code err) {
    if (err == simdjson::UTF8_ERROR)
        diag.report(problem_kind::invalid_utf8, std::string(file), line, "", "the line is not valid UTF-8");
    else
        diag.report(problem_kind::malformed_record, std::string(file), line, "",
                    std::string("not valid JSON (") + simdjson::error_message(err) + ")");
}

/// The process-creation codes masq reads: Security 4688 (the notebook's `EventID == "4688"`,
/// as a number or a string) and Sysmon event 1.
inline constexpr std::string_view security_process_creation = "4688";
inline constexpr std::string_view sysmon_process_creation = "1";

/// The rule every format shares for the context fields: Windows writes `-` for "none" (a 4688
/// without a user, an image without version info), so an empty value or `-` is no value. An empty
/// parent is none; a `-` parent is kept, as the notebook's data has it (the parent detector treats
/// it as unknown). The name, path and host stay as recorded: seed mode counts them as the
/// notebook does.
inline void normalise_context(process_event& event) noexcept {
    const auto none = [](const std::optional<std::string_view>& v) { return v && (v->empty() || *v == "-"); };
    if (event.parent_path && event.parent_path->empty()) event.parent_path.reset();
    if (none(event.original_file_name)) event.original_file_name.reset();
    if (none(event.user)) event.user.reset();
    if (none(event.command_line)) event.command_line.reset();
    if (event.command_line_json &&
        (*event.command_line_json == "\"\"" || *event.command_line_json == "\"-\""))
        event.command_line_json.reset();
    if (none(event.hashes)) event.hashes.reset();
}

/// A process or record id as sources write it: decimal (`4242`), hexadecimal as 4688 writes it
/// (`0x1a4`), optionally a JSON string's quotes around either. Anything else is no id.
inline std::optional<std::uint64_t> parse_id(std::string_view text) noexcept {
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"') text = text.substr(1, text.size() - 2);
    int base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        text.remove_prefix(2);
        base = 16;
    }
    if (text.empty() || text.size() > 20) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : text) {
        int d = c >= '0' && c <= '9' ? c - '0' : -1;
        if (base == 16 && d < 0)
            d = c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) return std::nullopt;
        const std::uint64_t next = v * static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(d);
        if (next / static_cast<std::uint64_t>(base) != v) return std::nullopt; // overflow
        v = next;
    }
    return v;
}

/// The end every reader shares: the context rule above, then the window, which keeps what a time
/// filter in KQL or Spark keeps — events with a time inside it; the others are counted, not handed on.
inline void deliver(process_event event, const time_window& window, read_stats& stats, event_sink& sink) {
    normalise_context(event);
    if (window.set() && (!event.time || !window.contains(*event.time))) {
        ++stats.outside_window;
        return;
    }
    ++stats.events;
    sink.on_event(event);
}

/// The parser for `format`; `input_format::auto_detect` looks at the first record of the file.
std::unique_ptr<line_parser> make_line_parser(input_format format, const parser_context& context);

/// The SecurityEvent export parser (sentinel_json.cpp), the fast path.
std::unique_ptr<line_parser> make_security_event_parser(const parser_context& context);

/// A CSV export with a header row (csv_export.cpp).
std::unique_ptr<line_parser> make_csv_parser(const parser_context& context);

/// A JSON dialect parser (json_dialects.cpp) for ECS/winlogbeat, Defender and Sysmon JSON.
std::unique_ptr<line_parser> make_dialect_parser(input_format format, const parser_context& context);

} // namespace masq::detail
