// SPDX-License-Identifier: MIT
#include "profile/profile_builder.h"

#include "masq/util/unicode.h"
#include "masq/util/windows_path.h"

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
        if (!null_slot_) null_slot_ = std::make_unique<slot>();
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
    without_host_ += !names_a_host(event);
    without_time_ += !names_a_time(event);
    if (name_from_path_ && !event.process && event.path) {
        const std::string_view file = file_name_of(*event.path);
        if (!file.empty()) {
            process_event named = event;
            named.process = file;
            ++names_from_path_;
            add_event(named);
            return;
        }
    }
    add_event(event);
}

void profile_builder::add_event(const process_event& event) {
    slot& s = slot_for(event.process);
    s.totals.tally(event);
    variant_ids ids;
    if (event.path) ids.path = paths_.id(*event.path, s.last_path);
    if (event.parent_path) ids.parent = parents_.id(*event.parent_path, s.last_parent);
    if (event.original_file_name) ids.original = original_names_.id(*event.original_file_name);
    if (event.hashes && !event.hashes->empty()) {
        // Sources repeat one image's hashes on every event: the last string's key is reused.
        if (s.last_hashes != *event.hashes) {
            const std::string key = image_hash_key(*event.hashes);
            s.last_hash_id = key.empty() ? none : image_hashes_.id(key);
            s.last_hashes.assign(*event.hashes);
        }
        ids.image_hash = s.last_hash_id;
    }
    if (s.last_variant == nullptr || !(ids == s.last_ids)) {
        s.last_variant = &s.variants[ids];
        s.last_ids = ids; // valid until the next insertion, which only this line makes
    }
    variant_acc& v = *s.last_variant;
    ++v.count;
    if (event.host) ++v.hosts[hosts_.id(*event.host)];
    if (event.time) {
        v.first_seen = std::min(v.first_seen, *event.time);
        v.last_seen = std::max(v.last_seen, *event.time);
    }
    // The first `sample_limit_` events of a variant in input order are kept. While a builder
    // reads its tasks in input order its first samples are final (no comparison per event); a
    // task earlier than one already read (the driver starts large tasks first) may displace the
    // latest kept sample.
    const std::uint64_t order = task_ << task_shift | event.line;
    if (v.samples.size() < sample_limit_) {
        v.samples.push_back(make_variant_sample(event, sample_text_));
        v.samples.back().order = order;
    } else if (out_of_order_ && sample_limit_ != 0) {
        const auto latest = std::max_element(v.samples.begin(), v.samples.end(),
                                             [](const auto& a, const auto& b) { return a.order < b.order; });
        if (order < latest->order) {
            *latest = make_variant_sample(event, sample_text_);
            latest->order = order;
        }
    }
}

void profile_builder::flush_into(process_profile& profile, std::span<const std::uint64_t> line_offsets,
                                 std::span<const std::uint64_t> task_files) {
    // Views into this builder's dictionaries: the profile interns them (`name_stats::absorb`).
    const auto text = [](const dictionary& d, std::uint32_t id) {
        return id == none ? std::nullopt : std::optional<std::string_view>(d.at(id));
    };
    // (task, line in its range) -> the line in the file, and the order (file, line in it), which
    // is the same however the files were cut into tasks.
    const auto renumber = [&](variant_sample& sample) {
        const std::uint64_t task = sample.order >> task_shift;
        const std::uint64_t line = sample.order & ((std::uint64_t{1} << task_shift) - 1);
        const std::uint64_t file_line = (task < line_offsets.size() ? line_offsets[task] : 0) + line;
        if (sample.line != 0) sample.line = file_line;
        sample.order = (task < task_files.size() ? task_files[task] : task) << task_shift | file_line;
    };
    auto materialise = [&](slot& s) {
        name_stats out = std::move(s.totals);
        // Most names have one variant, whose counts are the name's: the per-value sums (three
        // maps allocated per name, a tenth of the merge) are only needed for the others.
        const bool one = s.variants.size() == 1;
        absl::flat_hash_map<std::uint32_t, std::uint64_t> paths, parents, originals;
        if (one) {
            const auto& [ids, acc] = *s.variants.begin();
            if (ids.path != none) out.paths.emplace(paths_.at(ids.path), acc.count);
            if (ids.parent != none) out.parents.emplace(parents_.at(ids.parent), acc.count);
            if (ids.original != none) out.original_names.emplace(original_names_.at(ids.original), acc.count);
        }
        out.variants.reserve(s.variants.size());
        for (auto& [ids, acc] : s.variants) {
            if (!one) {
                if (ids.path != none) paths[ids.path] += acc.count;
                if (ids.parent != none) parents[ids.parent] += acc.count;
                if (ids.original != none) originals[ids.original] += acc.count;
            }
            variant_stats v;
            v.count = acc.count;
            v.first_seen = acc.first_seen;
            v.last_seen = acc.last_seen;
            v.hosts.reserve(acc.hosts.size());
            for (const auto& [id, n] : acc.hosts) // views into this builder, interned by add_stats
                v.hosts.emplace(hosts_.at(id), n);
            v.samples = std::move(acc.samples);
            if (out_of_order_)
                std::sort(v.samples.begin(), v.samples.end(),
                          [](const auto& a, const auto& b) { return a.order < b.order; });
            for (variant_sample& sample : v.samples)
                renumber(sample);
            out.variants.emplace(variant_key{text(paths_, ids.path), text(parents_, ids.parent),
                                             text(original_names_, ids.original),
                                             text(image_hashes_, ids.image_hash)},
                                 std::move(v));
        }
        out.paths.reserve(paths.size());
        for (const auto& [id, n] : paths)
            out.paths.emplace(paths_.at(id), n);
        for (const auto& [id, n] : parents)
            out.parents.emplace(parents_.at(id), n);
        for (const auto& [id, n] : originals)
            out.original_names.emplace(original_names_.at(id), n);
        return out;
    };
    // Each slot is freed once the profile has it, so the builders and the profile are not all at
    // their largest at once (the peak of a run is here).
    const auto add = [&](std::optional<std::string_view> name, slot& s) {
        profile.add_stats(name, materialise(s));
        s = slot{};
    };
    if (null_slot_) add(std::nullopt, *null_slot_);
    for (std::size_t i = 0; i < slots_.size(); ++i)
        add(names_[i], slots_[i]);
    *this = profile_builder{sample_limit_};
}

} // namespace masq::detail
