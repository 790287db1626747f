// SPDX-License-Identifier: MIT
#include "masq/source.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace masq {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

/// Export blobs are `PT05M.json`, `PT1H.json` and overflow `PT05M_1.json`; local copies are often
/// `.jsonl`/`.ndjson`, and any of them may be gzipped.
bool is_event_file(std::string_view name) {
    if (name.empty() || name.front() == '.') return false;
    if (ends_with(name, ".gz")) name.remove_suffix(3);
    return ends_with(name, ".json") || ends_with(name, ".jsonl") || ends_with(name, ".ndjson");
}

} // namespace

std::vector<std::string> expand_inputs(std::span<const std::string> inputs, diagnostics& diag) {
    namespace fs = std::filesystem;
    std::vector<std::string> files;
    for (const std::string& input : inputs) {
        if (input == "-") {
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
            if (it->is_regular_file(ec) && is_event_file(it->path().filename().string()))
                found.push_back(it->path().string());
        }
        std::sort(found.begin(), found.end());
        files.insert(files.end(), found.begin(), found.end());
    }
    return files;
}

void read_stats::merge(const read_stats& other) noexcept {
    files += other.files;
    bytes += other.bytes;
    lines += other.lines;
    records += other.records;
    events += other.events;
    other_events += other.other_events;
    skipped_lines += other.skipped_lines;
}

} // namespace masq
