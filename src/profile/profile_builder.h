// SPDX-License-Identifier: MIT
#pragma once

// The reader's accumulator: the same statistics as `process_profile`, built faster. A thread
// reads into one without locks; its text (names, paths, hosts, samples) lives in arenas the
// profile adopts at `flush_into`, so the names' stats move into the profile as they are.

#include "masq/profile.h"

#include <absl/container/flat_hash_map.h>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace masq::detail {

class profile_builder final : public event_sink {
  public:
    explicit profile_builder(std::size_t sample_limit = 3) : sample_limit_(sample_limit) {}
    void on_event(const process_event& event) override;

    /// Full mode: an event without a process name is named by its path's file name (a KQL
    /// `project` often drops `Process`); `names_from_path()` counts them until the flush.
    void set_name_from_path(bool on) noexcept { name_from_path_ = on; }
    std::uint64_t names_from_path() const noexcept { return names_from_path_; }
    /// Events without a host, and without a time, until the flush (the driver's warnings).
    std::uint64_t without_host() const noexcept { return without_host_; }
    std::uint64_t without_time() const noexcept { return without_time_; }

    /// The events that follow come from read task `task` (the driver's unit: a file, or a byte
    /// range of one), whose lines are numbered from the start of the range. Samples remember the
    /// task until `flush_into` turns their lines into lines of the file.
    void begin_task(std::uint64_t task) noexcept {
        out_of_order_ = out_of_order_ || task < task_;
        task_ = task;
    }
    /// Distinct names gathered so far (the null-name group not counted).
    std::size_t distinct_names() const noexcept { return slots_.size(); }

    /// Puts every name's stats in the profile's form: samples in order and numbered by their line
    /// in the file. `line_offsets[t]`: the
    /// lines of the file before task `t`'s range (none given: every task starts its file).
    /// `task_files[t]`: the index of task `t`'s file among the inputs. Touches this builder only,
    /// so the threads' builders finish in parallel before the merge.
    void finish(std::span<const std::uint64_t> line_offsets = {},
                std::span<const std::uint64_t> task_files = {});

    /// Adds everything gathered to `profile` and leaves this builder empty (finishing it first,
    /// with these offsets, unless `finish` was called); the names the profile already has merge
    /// over `threads` (`process_profile::adopt_owned_stats`).
    void flush_into(process_profile& profile, std::span<const std::uint64_t> line_offsets = {},
                    std::span<const std::uint64_t> task_files = {}, unsigned threads = 1);

  private:
    /// A name's statistics as they will be in the profile, built in place: its variants' keys,
    /// host counts and samples hold views into this builder's `text_`, which the profile adopts
    /// whole at the flush, so a name moves into the profile without a copy (the per-name maps
    /// built twice, once with integer keys and once with strings, took a fifth of a run at a
    /// million names). The rest is the last event's key, so a repeat (most names run from one
    /// path under one parent) costs string comparisons instead of hash lookups.
    struct slot {
        /// In `stats_` (the profile adopts them at the flush).
        name_stats* stats = nullptr;
        /// The last event's variant; valid until the next insertion, which only `add_event` makes.
        std::pair<const variant_key, variant_stats>* last = nullptr;
        /// The last event's `hashes` text and its image key (empty: none), both in `text_`.
        std::string_view last_hashes, last_hash_key;
    };

    slot& slot_for(const std::optional<std::string_view>& process);

    // Names (lower-cased, and non-ASCII raw spellings) are stored once in `names_text_`; the maps
    // and `names_` hold views into it.
    text_arena names_text_;
    absl::flat_hash_map<std::string_view, std::uint32_t> by_raw_name_;
    absl::flat_hash_map<std::string_view, std::uint32_t> by_name_;
    std::vector<std::string_view> names_;
    std::deque<name_stats> stats_; // by slot, where they stay when the profile adopts them
    std::vector<slot> slots_;
    std::unique_ptr<name_stats> null_stats_; // events without a name (seed mode), rare
    std::unique_ptr<slot> null_slot_;
    // Paths, about one per name, stored without a table (`add_event`), apart from the text
    // events repeat across names (parents, hosts, users, original names, image hashes, the
    // samples' text), whose few thousand entries then stay in cache.
    text_arena paths_text_;
    string_pool text_;
    static constexpr std::size_t few_variants = 8; // searched for a new variant's path
    std::string lowered_;
    std::string_view last_source_; // the last event's input name, in `text_`: a task's events share it
    std::size_t sample_limit_;
    std::uint64_t task_ = 0;
    bool out_of_order_ = false; // a task came after a later one: samples are compared
    bool finished_ = false;     // `finish` ran: the slots hold the profile's form
    bool name_from_path_ = false;
    std::uint64_t names_from_path_ = 0;
    std::uint64_t without_host_ = 0, without_time_ = 0;
    void add_event(const process_event& event);
    /// Until the flush a sample's line is `task << task_shift | line in the range`, which orders
    /// the samples of one file as their lines in it do.
    static constexpr unsigned task_shift = 40;
};

} // namespace masq::detail
