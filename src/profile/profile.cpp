// SPDX-License-Identifier: MIT
#include "masq/profile.h"

#include "masq/util/unicode.h"

#include <algorithm>

namespace masq {
namespace {

void add_count(string_count_map& map, std::string_view key, std::uint64_t n) {
    if (auto it = map.find(key); it != map.end())
        it->second += n;
    else
        map.emplace(std::string(key), n);
}

} // namespace

void name_stats::merge(const name_stats& other) {
    count += other.count;
    user_count += other.user_count;
    synthetic_count += other.synthetic_count;
    for (const auto& [path, n] : other.paths)
        add_count(paths, path, n);
    for (const auto& [host, n] : other.hosts)
        add_count(hosts, host, n);
    for (const auto& [parent, n] : other.parents)
        add_count(parents, parent, n);
    for (const auto& [original, n] : other.original_names)
        add_count(original_names, original, n);
    for (const auto& [user, n] : other.users)
        add_count(users, user, n);
    for (const auto& line : other.command_lines)
        add_command_line(line);
    first_seen = std::min(first_seen, other.first_seen);
    last_seen = std::max(last_seen, other.last_seen);
}

void name_stats::tally(const process_event& event) {
    ++count;
    if (event.origin == event_origin::synthetic)
        ++synthetic_count;
    else
        ++user_count;
    if (event.time) {
        first_seen = std::min(first_seen, *event.time);
        last_seen = std::max(last_seen, *event.time);
    }
}

void name_stats::add_command_line(std::string_view line) {
    if (command_lines.size() >= command_line_samples || line.empty()) return;
    if (std::find(command_lines.begin(), command_lines.end(), line) == command_lines.end())
        command_lines.emplace_back(line);
}

std::vector<value_count> top_values(const string_count_map& values, std::size_t limit) {
    std::vector<value_count> out;
    out.reserve(values.size());
    for (const auto& [value, count] : values)
        out.push_back({value, count});
    auto order = [](const value_count& a, const value_count& b) {
        return a.count != b.count ? a.count > b.count : a.value < b.value;
    };
    if (limit != 0 && limit < out.size()) {
        std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(limit), out.end(), order);
        out.resize(limit);
    } else {
        std::sort(out.begin(), out.end(), order);
    }
    return out;
}

process_profile::process_profile(const process_profile& other)
    : names_(other.names_), null_name_(other.null_name_), events_(other.events_) {}

process_profile& process_profile::operator=(const process_profile& other) {
    if (this != &other) {
        names_ = other.names_;
        null_name_ = other.null_name_;
        events_ = other.events_;
        by_raw_name_.clear();
    }
    return *this;
}

name_stats& process_profile::stats_for(const std::optional<std::string_view>& process) {
    if (!process) {
        if (!null_name_) null_name_.emplace();
        return *null_name_;
    }
    if (auto cached = by_raw_name_.find(*process); cached != by_raw_name_.end()) return *cached->second;
    to_lower_full(*process, lowered_);
    auto it = names_.find(std::string_view(lowered_));
    if (it == names_.end()) it = names_.emplace(lowered_, name_stats{}).first;
    by_raw_name_.emplace(std::string(*process), &it->second);
    return it->second;
}

void process_profile::add(const process_event& event) {
    name_stats& stats = stats_for(event.process);
    ++events_;
    stats.tally(event);
    if (event.path) add_count(stats.paths, *event.path, 1);
    if (event.host) add_count(stats.hosts, *event.host, 1);
    if (event.parent_path) add_count(stats.parents, *event.parent_path, 1);
    if (event.original_file_name) add_count(stats.original_names, *event.original_file_name, 1);
    if (event.user) add_count(stats.users, *event.user, 1);
    if (event.command_line) stats.add_command_line(*event.command_line);
}

void process_profile::add_stats(std::optional<std::string_view> lowered_name, const name_stats& stats) {
    events_ += stats.count;
    if (!lowered_name) {
        if (!null_name_) null_name_.emplace();
        null_name_->merge(stats);
        return;
    }
    auto it = names_.find(*lowered_name);
    if (it == names_.end()) it = names_.emplace(std::string(*lowered_name), name_stats{}).first;
    it->second.merge(stats);
}

void process_profile::merge(const process_profile& other) {
    events_ += other.events_;
    if (other.null_name_) {
        if (!null_name_) null_name_.emplace();
        null_name_->merge(*other.null_name_);
    }
    for (const auto& [name, stats] : other.names_) {
        if (auto it = names_.find(std::string_view(name)); it != names_.end())
            it->second.merge(stats);
        else
            names_.emplace(name, stats);
    }
}

const name_stats* process_profile::find(std::optional<std::string_view> name) const {
    if (!name) return null_name_ ? &*null_name_ : nullptr;
    const auto it = names_.find(*name);
    return it == names_.end() ? nullptr : &it->second;
}

} // namespace masq
