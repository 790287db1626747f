// SPDX-License-Identifier: MIT
#include "masq/read.h"
#include "sources/azure_blob.h"
#include "sources/line_reader.h"
#include "sources/record.h"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <system_error>

namespace masq {
namespace {

/// Without regard to ASCII case: Windows collections hold `SECURITY.EVTX` and `Events.JSON`.
bool ends_with(std::string_view s, std::string_view suffix) {
    if (s.size() < suffix.size()) return false;
    const std::string_view tail = s.substr(s.size() - suffix.size());
    for (std::size_t i = 0; i < tail.size(); ++i) {
        const char c = tail[i] >= 'A' && tail[i] <= 'Z' ? static_cast<char>(tail[i] - 'A' + 'a') : tail[i];
        if (c != suffix[i]) return false;
    }
    return true;
}

bool is_event_file(std::string_view name) {
    return detail::has_event_extension(name, true);
}

/// Days since 1970-01-01 of a civil date (H. Hinnant, "chrono-Compatible Low-Level Date
/// Algorithms", days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

/// The time span an export folder path covers, from its `y=`, `m=`, `d=`, `h=`, `m=` components
/// (the second `m=` is the minute); nothing when the path has no `y=` component, or when one of
/// those components is out of range (a year of more than four digits, month 13, hour 24, …): such
/// a folder is not a time folder, and is never pruned because of what an overflow made of it.
std::optional<std::pair<timestamp, timestamp>> folder_span(std::string_view path) {
    int values[5] = {-1, -1, -1, -1, -1}; // year, month, day, hour, minute
    static constexpr char order[5] = {'y', 'm', 'd', 'h', 'm'};
    static constexpr int lowest[5] = {0, 1, 1, 0, 0};
    static constexpr int highest[5] = {9999, 12, 31, 23, 59};
    std::size_t next = 0;
    std::size_t i = 0;
    while (i < path.size()) {
        std::size_t j = path.find_first_of("/\\", i);
        if (j == std::string_view::npos) j = path.size();
        const std::string_view part = path.substr(i, j - i);
        i = j + 1;
        if (part.size() < 3 || part[1] != '=') continue;
        const char key = part[0];
        const std::string_view digits = part.substr(2);
        if (digits.find_first_not_of("0123456789") != std::string_view::npos) continue;
        if (next >= 5 || key != order[next]) continue;
        // At most four digits are read (no value in range needs more), so nothing overflows.
        if (digits.size() > 4) return std::nullopt;
        int value = 0;
        for (char c : digits)
            value = value * 10 + (c - '0');
        if (value < lowest[next] || value > highest[next]) return std::nullopt;
        values[next++] = value;
    }
    if (values[0] < 0) return std::nullopt;
    const int month = values[1] < 1 ? 1 : values[1], day = values[2] < 1 ? 1 : values[2];
    const timestamp hour = 3600 * ticks_per_second;
    timestamp start =
        days_from_civil(values[0], static_cast<unsigned>(month), static_cast<unsigned>(day)) * 24 * hour;
    timestamp end;
    if (values[1] < 1) {
        end = days_from_civil(values[0] + 1, 1, 1) * 24 * hour;
    } else if (values[2] < 1) {
        end = days_from_civil(values[1] == 12 ? values[0] + 1 : values[0],
                              values[1] == 12 ? 1u : static_cast<unsigned>(values[1] + 1), 1) *
              24 * hour;
    } else if (values[3] < 0) {
        end = start + 24 * hour;
    } else {
        start += values[3] * hour;
        // A minute folder holds a 5-minute or a whole-hour blob: take the hour.
        if (values[4] >= 0) start += values[4] * 60 * ticks_per_second;
        end = start - (values[4] >= 0 ? values[4] * 60 * ticks_per_second : 0) + hour;
    }
    return std::pair{start, end};
}

/// Whether a file's folder lies wholly outside the window. Folder times are ingestion times:
/// an event is written a little after it happens, sometimes much later, so only folders ending
/// more than an hour before `from` or starting more than a day after `to` are left out.
bool outside_window(std::string_view path, const time_window& window) {
    if (!window.set()) return false;
    const auto span = folder_span(path);
    if (!span) return false;
    const timestamp hour = 3600 * ticks_per_second;
    if (window.from && span->second + hour <= *window.from) return true;
    if (window.to && span->first >= *window.to + 24 * hour) return true;
    return false;
}

} // namespace

bool export_folder_outside(std::string_view path, const time_window& window) {
    return outside_window(path, window);
}

std::vector<std::string> expand_inputs(std::span<const std::string> inputs, diagnostics& diag) {
    return expand_inputs(inputs, diag, time_window{});
}

bool is_compressed_file(const std::string& path) {
    return detail::detect_compression(path) != detail::compression::none;
}

std::vector<std::string> expand_inputs(std::span<const std::string> inputs, diagnostics& diag,
                                       const time_window& window, std::uint64_t* pruned) {
    namespace fs = std::filesystem;
    std::vector<std::string> files;
    for (const std::string& input : inputs) {
        if (input == "-" || detail::is_blob_url(input)) {
            files.push_back(input);
            continue;
        }
        std::error_code ec;
        const fs::file_status status = fs::status(input, ec);
        if (ec || !fs::exists(status)) {
            diag.report(problem_kind::missing_file, input, 0, "", "no such file or directory");
            continue;
        }
        if (!fs::is_directory(status)) {
            files.push_back(input);
            continue;
        }
        std::vector<std::string> found;
        fs::recursive_directory_iterator it(input, fs::directory_options::skip_permission_denied, ec), end;
        if (ec) {
            diag.report(problem_kind::unreadable_file, input, 0, "",
                        "cannot list directory: " + ec.message());
            continue;
        }
        for (; it != end; it.increment(ec)) {
            if (ec) {
                diag.report(problem_kind::unreadable_file, input, 0, "",
                            "cannot list directory: " + ec.message());
                break;
            }
            if (it->is_directory(ec) && outside_window(it->path().string(), window)) {
                // A whole export folder outside the window: count its files without opening them.
                if (pruned != nullptr)
                    for (fs::recursive_directory_iterator sub(it->path(), ec), stop; !ec && sub != stop;
                         sub.increment(ec))
                        if (sub->is_regular_file(ec) && is_event_file(sub->path().filename().string()))
                            ++*pruned;
                it.disable_recursion_pending();
                continue;
            }
            if (it->is_regular_file(ec) && is_event_file(it->path().filename().string()))
                found.push_back(it->path().string());
        }
        std::sort(found.begin(), found.end());
        files.insert(files.end(), found.begin(), found.end());
    }
    return files;
}

std::vector<std::string> unusable_input(const read_stats& stats, const process_profile& profile,
                                        bool window_set) {
    std::vector<std::string> why;
    if (stats.files == 0) {
        why.push_back("no input file was read: masq reads .json, .jsonl, .ndjson, .csv and .evtx files "
                      "(optionally .gz or .zst), in any case, and folders of them");
        return why;
    }
    if (stats.events == 0 && stats.outside_window > 0) {
        why.push_back(fmt::format("all {} process-creation events are outside the time window{}",
                                  stats.outside_window, window_set ? " (--from/--to/--since)" : ""));
        return why;
    }
    if (stats.events == 0) {
        if (stats.records > 0)
            why.push_back(fmt::format(
                "none of the {} records read is a process creation (Security 4688 or Sysmon event 1); "
                "check --input-format and --map",
                stats.records));
        else
            why.push_back("no record could be read from the input");
        return why;
    }
    // Most events without a name, a host or a time: detection ranks them as one group, or works
    // but its alerts cannot say where or when, so the analyst cannot act on them.
    const std::uint64_t events = profile.events();
    const auto most_lack = [&](std::uint64_t lacking, std::string_view field, std::string_view where,
                               std::string_view consequence, std::string_view map_field) {
        if (2 * lacking > events)
            why.push_back(
                fmt::format("{} of {} events have no {} ({}): {}; name the field with --map {}=PATH", lacking,
                            events, field, where, consequence, map_field));
    };
    const name_stats* unnamed = profile.find(std::nullopt);
    most_lack(unnamed ? unnamed->count : 0, "process name",
              "SecurityEvent's Process; ECS process.name; Defender FileName; Sysmon Image",
              "they are ranked as one unnamed group", "process");
    most_lack(stats.events_without_host, "host",
              "SecurityEvent's Computer; ECS host.name; Defender DeviceName; Sysmon Computer",
              "alerts cannot say where", "host");
    most_lack(stats.events_without_time, "time",
              "SecurityEvent's TimeGenerated; ECS @timestamp; Defender Timestamp; Sysmon UtcTime",
              "alerts cannot say when", "time");
    return why;
}

void read_stats::merge(const read_stats& other) noexcept {
    files += other.files;
    bytes += other.bytes;
    lines += other.lines;
    records += other.records;
    events += other.events;
    other_events += other.other_events;
    skipped_lines += other.skipped_lines;
    outside_window += other.outside_window;
    pruned_files += other.pruned_files;
    duplicates += other.duplicates;
    names_from_path += other.names_from_path;
    events_without_host += other.events_without_host;
    events_without_time += other.events_without_time;
    recovered_records += other.recovered_records;
    recovered_dropped += other.recovered_dropped;
    merge_seconds += other.merge_seconds;
}

namespace detail {

/// Export blobs are `PT05M.json`, `PT1H.json` and overflow `PT05M_1.json`; local copies are often
/// `.jsonl`/`.ndjson`, and any of them may be gzipped or zstd-compressed.
bool has_event_extension(std::string_view name, bool evtx) noexcept {
    if (name.empty() || name.front() == '.') return false;
    if (ends_with(name, ".gz"))
        name.remove_suffix(3);
    else if (ends_with(name, ".zst"))
        name.remove_suffix(4);
    return ends_with(name, ".json") || ends_with(name, ".jsonl") || ends_with(name, ".ndjson") ||
           ends_with(name, ".csv") || (evtx && ends_with(name, ".evtx"));
}

} // namespace detail

} // namespace masq
