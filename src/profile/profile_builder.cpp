// SPDX-License-Identifier: MIT
#include "profile/profile_builder.h"

#include "masq/util/unicode.h"
#include "masq/util/windows_path.h"

#include <algorithm>

namespace masq::detail {

profile_builder::slot& profile_builder::slot_for(const std::optional<std::string_view>& process) {
    if (!process) {
        if (!null_slot_) {
            null_stats_ = std::make_unique<name_stats>();
            null_slot_ = std::make_unique<slot>(slot{null_stats_.get()});
        }
        return *null_slot_;
    }
    // An ASCII spelling is lower-cased in a few cycles and looked up once; only other spellings
    // go through the raw-spelling map, which spares them the Unicode lower-casing (ICU).
    const bool ascii = is_ascii(*process);
    if (!ascii)
        if (const auto it = by_raw_name_.find(*process); it != by_raw_name_.end()) return slots_[it->second];
    to_lower_full(*process, lowered_);
    auto it = by_name_.find(std::string_view(lowered_));
    if (it == by_name_.end()) {
        const std::string_view stored = names_text_.store(lowered_);
        it = by_name_.emplace(stored, static_cast<std::uint32_t>(slots_.size())).first;
        slots_.push_back(slot{&stats_.emplace_back()});
        names_.push_back(stored);
    }
    if (!ascii) by_raw_name_.emplace(names_text_.store(*process), it->second);
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
    s.stats->tally(event);
    // The event's key as views into the event: a variant already seen (usually the last) is found
    // by content, and only a new one's text is stored, once.
    variant_key key{event.path, event.parent_path, event.original_file_name, std::nullopt};
    if (event.hashes && !event.hashes->empty()) {
        // Sources repeat one image's hashes on every event: the last string's key is reused.
        if (s.last_hashes != *event.hashes) {
            const std::string hash_key = image_hash_key(*event.hashes);
            s.last_hash_key = hash_key.empty() ? std::string_view() : text_.intern(hash_key);
            s.last_hashes = text_.intern(*event.hashes); // the samples keep it too
        }
        if (!s.last_hash_key.empty()) key.image_hash = s.last_hash_key;
    }
    if (s.last == nullptr || !(key == s.last->first)) {
        // A new name's first variant is new: no need to hash its key a second time to know.
        auto it = s.stats->variants.empty() ? s.stats->variants.end() : s.stats->variants.find(key);
        if (it == s.stats->variants.end()) {
            const auto store = [](string_pool& pool, const std::optional<std::string_view>& text) {
                return text ? std::optional<std::string_view>(pool.intern(*text)) : std::nullopt;
            };
            // A path is its name's own (the name is its file name): it is stored once per name,
            // found among the name's few variants, instead of interned in a table of every path
            // (a cache miss or three per new name in a table of a million). A name with many
            // variants (many parents) has few paths, and interns them among the repeated text.
            std::optional<std::string_view> path;
            if (key.path) {
                if (s.stats->variants.size() <= few_variants) {
                    for (const auto& [other, unused] : s.stats->variants)
                        if (other.path && *other.path == *key.path) path = other.path;
                    if (!path) path = paths_text_.store(*key.path);
                } else {
                    path = text_.intern(*key.path);
                }
            }
            it = s.stats->variants
                     .try_emplace(variant_key{path, store(text_, key.parent), store(text_, key.original_name),
                                              key.image_hash})
                     .first;
        }
        s.last = &*it;
    }
    variant_stats& v = s.last->second;
    ++v.count;
    std::string_view host; // in `text_`, for the sample
    if (event.host) {
        // By content: a host already counted costs one probe, and only a new one is interned.
        if (const auto it = v.hosts.find(*event.host); it != v.hosts.end()) {
            ++it->second;
            host = it->first;
        } else {
            host = text_.intern(*event.host);
            v.hosts.emplace(host, 1);
        }
    }
    if (event.time) {
        v.first_seen = std::min(v.first_seen, *event.time);
        v.last_seen = std::max(v.last_seen, *event.time);
    }
    // The first `sample_limit_` events of a variant in input order are kept. While a builder
    // reads its tasks in input order its first samples are final (no comparison per event); a
    // task earlier than one already read (the driver starts large tasks first) may displace the
    // latest kept sample.
    const std::uint64_t order = task_ << task_shift | event.line;
    const auto sample = [&] {
        // The host, hashes and input name are in `text_` already: no lookup of them again.
        if (event.source != last_source_) last_source_ = text_.intern(event.source);
        const bool hashed = event.hashes && !event.hashes->empty(); // then `last_hashes` are its
        variant_sample made = make_variant_sample(event, text_, host,
                                                  hashed ? s.last_hashes : std::string_view(), last_source_);
        made.order = order;
        return made;
    };
    if (v.samples.size() < sample_limit_) {
        v.samples.push_back(sample());
    } else if (out_of_order_ && sample_limit_ != 0) {
        const auto latest = std::max_element(v.samples.begin(), v.samples.end(),
                                             [](const auto& a, const auto& b) { return a.order < b.order; });
        if (order < latest->order) *latest = sample();
    }
}

void profile_builder::finish(std::span<const std::uint64_t> line_offsets,
                             std::span<const std::uint64_t> task_files) {
    if (finished_) return;
    finished_ = true;
    // (task, line in its range) -> the line in the file, and the order (file, line in it), which
    // is the same however the files were cut into tasks.
    const auto renumber = [&](variant_sample& sample) {
        const std::uint64_t task = sample.order >> task_shift;
        const std::uint64_t line = sample.order & ((std::uint64_t{1} << task_shift) - 1);
        const std::uint64_t file_line = (task < line_offsets.size() ? line_offsets[task] : 0) + line;
        if (sample.line != 0) sample.line = file_line;
        sample.order = (task < task_files.size() ? task_files[task] : task) << task_shift | file_line;
    };
    const auto finish_slot = [&](slot& s) {
        for (auto& [key, v] : s.stats->variants) {
            if (out_of_order_)
                std::sort(v.samples.begin(), v.samples.end(),
                          [](const auto& a, const auto& b) { return a.order < b.order; });
            for (variant_sample& sample : v.samples)
                renumber(sample);
        }
        s.last = nullptr; // the profile's form: no more events are added
    };
    if (null_slot_) finish_slot(*null_slot_);
    for (slot& s : slots_)
        finish_slot(s);
}

void profile_builder::flush_into(process_profile& profile, std::span<const std::uint64_t> line_offsets,
                                 std::span<const std::uint64_t> task_files, unsigned threads) {
    finish(line_offsets, task_files);
    // The profile keeps this builder's text whole (its arenas' blocks move, the views stay
    // valid), so the names' stats move in as they are, nothing copied or interned again.
    profile.adopt_text(std::move(text_).release());
    profile.adopt_text(std::move(paths_text_));
    profile.adopt_text(std::move(names_text_));
    // The stats themselves move to the profile, which keeps a new name's where they are; a name
    // it already has absorbs them (and frees them).
    if (null_stats_) profile.add_owned_stats(std::nullopt, std::move(*null_stats_));
    std::vector<name_stats*> stats;
    stats.reserve(slots_.size());
    for (const slot& s : slots_)
        stats.push_back(s.stats);
    profile.adopt_owned_stats(names_, stats, std::make_shared<std::deque<name_stats>>(std::move(stats_)),
                              threads);
    *this = profile_builder{sample_limit_};
}

} // namespace masq::detail
