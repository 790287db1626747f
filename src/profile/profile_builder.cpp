// SPDX-License-Identifier: MIT
#include "profile/profile_builder.h"

#include "masq/util/unicode.h"

#include <algorithm>

namespace masq::detail {

std::uint32_t profile_builder::dictionary::id(std::string_view s) {
    if (const auto it = ids_.find(s); it != ids_.end()) return it->second;
    const auto id = static_cast<std::uint32_t>(strings_.size());
    strings_.emplace_back(s);
    ids_.emplace(strings_.back(), id);
    return id;
}

profile_builder::slot& profile_builder::slot_for(const std::optional<std::string_view>& process) {
    if (!process) {
        if (!null_slot_) null_slot_.emplace();
        return *null_slot_;
    }
    if (const auto it = by_raw_name_.find(*process); it != by_raw_name_.end()) return slots_[it->second];
    to_lower_full(*process, lowered_);
    auto it = by_name_.find(std::string_view(lowered_));
    if (it == by_name_.end()) {
        it = by_name_.emplace(lowered_, static_cast<std::uint32_t>(slots_.size())).first;
        slots_.emplace_back();
        names_.push_back(lowered_);
    }
    by_raw_name_.emplace(std::string(*process), it->second);
    return slots_[it->second];
}

void profile_builder::on_event(const process_event& event) {
    slot& s = slot_for(event.process);
    s.totals.tally(event);
    if (event.path) ++s.paths[paths_.id(*event.path, s.last_path)];
    if (event.host) ++s.hosts[hosts_.id(*event.host)];
    if (event.parent_path) ++s.parents[parents_.id(*event.parent_path, s.last_parent)];
    if (event.original_file_name) ++s.original_names[original_names_.id(*event.original_file_name)];
    if (event.user) ++s.users[users_.id(*event.user, s.last_user)];
    if (event.command_line && s.totals.command_lines.size() < name_stats::command_line_samples)
        s.totals.add_command_line(*event.command_line);
}

void profile_builder::flush_into(process_profile& profile) {
    auto materialise = [&](slot& s) {
        name_stats out = std::move(s.totals);
        out.paths.reserve(s.paths.size());
        for (const auto& [id, n] : s.paths)
            out.paths.emplace(std::string(paths_.at(id)), n);
        out.hosts.reserve(s.hosts.size());
        for (const auto& [id, n] : s.hosts)
            out.hosts.emplace(std::string(hosts_.at(id)), n);
        for (const auto& [id, n] : s.parents)
            out.parents.emplace(std::string(parents_.at(id)), n);
        for (const auto& [id, n] : s.original_names)
            out.original_names.emplace(std::string(original_names_.at(id)), n);
        for (const auto& [id, n] : s.users)
            out.users.emplace(std::string(users_.at(id)), n);
        return out;
    };
    if (null_slot_) profile.add_stats(std::nullopt, materialise(*null_slot_));
    for (std::size_t i = 0; i < slots_.size(); ++i)
        profile.add_stats(names_[i], materialise(slots_[i]));
    *this = profile_builder{};
}

} // namespace masq::detail
