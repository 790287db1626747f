// SPDX-License-Identifier: MIT
#pragma once

// The reader's accumulator: the same statistics as `process_profile`, built faster. Paths and
// hosts are interned once per reader (a few thousand distinct strings, which stay in cache), so
// each event costs integer-keyed map updates instead of string-keyed ones in per-name maps that
// do not; and per-name maps hold 16-byte entries instead of a string each, which is what grows
// with the data. `flush_into` turns it into an ordinary profile at the end.

#include "masq/profile.h"

#include <absl/container/flat_hash_map.h>
#include <deque>
#include <limits>
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

    /// Adds everything gathered to `profile` and leaves this builder empty. `line_offsets[t]`:
    /// the lines of the file before task `t`'s range (none given: every task starts its file).
    /// `task_files[t]`: the index of task `t`'s file among the inputs.
    void flush_into(process_profile& profile, std::span<const std::uint64_t> line_offsets = {},
                    std::span<const std::uint64_t> task_files = {});

  private:
    /// The last value seen for one field of one name, so a repeat (most names run from one path
    /// under one parent) costs a string comparison instead of a hash lookup.
    struct last_seen {
        std::string_view value;
        std::uint32_t id = 0;
        bool set = false;
    };
    static constexpr std::uint32_t none = 0xFFFFFFFFu; ///< a variant without that field
    /// A variant (profile.h, `variant_key`) as dictionary ids: path, parent, original name.
    struct variant_ids {
        std::uint32_t path = none, parent = none, original = none, image_hash = none;
        friend bool operator==(const variant_ids&, const variant_ids&) = default;
        template <class H>
        friend H AbslHashValue(H h, const variant_ids& v) {
            return H::combine(std::move(h), v.path, v.parent, v.original, v.image_hash);
        }
    };
    /// One variant's events: hosts by id, times, the earliest samples. The name's per-path,
    /// per-host and per-parent counts are summed from these when the builder is flushed, so an
    /// event costs one variant lookup (usually a repeat of the last) and one host count.
    struct variant_acc {
        std::uint64_t count = 0;
        absl::flat_hash_map<std::uint32_t, std::uint64_t> hosts;
        timestamp first_seen = std::numeric_limits<timestamp>::max();
        timestamp last_seen = std::numeric_limits<timestamp>::min();
        std::vector<variant_sample> samples; ///< their text points into `sample_text_`
    };
    struct slot {
        name_stats totals; // counts, times, command lines; the per-value maps are filled at flush
        absl::flat_hash_map<variant_ids, variant_acc> variants;
        last_seen last_path, last_parent;
        std::string last_hashes; ///< the last event's `hashes` text, and the id of its key
        std::uint32_t last_hash_id = none;
        variant_ids last_ids;
        variant_acc* last_variant = nullptr;
    };
    class dictionary {
      public:
        std::uint32_t id(std::string_view s);
        /// `id(s)`, remembering it in `last` (whose view points into this dictionary).
        std::uint32_t id(std::string_view s, last_seen& last) {
            if (last.set && last.value == s) return last.id;
            last.id = id(s);
            last.value = strings_[last.id];
            last.set = true;
            return last.id;
        }
        std::string_view at(std::uint32_t id) const { return strings_[id]; }

      private:
        absl::flat_hash_map<std::string_view, std::uint32_t> ids_;
        std::deque<std::string> strings_; // stable storage for the views above
    };

    slot& slot_for(const std::optional<std::string_view>& process);

    absl::flat_hash_map<std::string, std::uint32_t, string_hash, std::equal_to<>> by_raw_name_;
    absl::flat_hash_map<std::string, std::uint32_t, string_hash, std::equal_to<>> by_name_;
    std::vector<std::string> names_;
    std::deque<slot> slots_;
    std::unique_ptr<slot> null_slot_; // events without a name (seed mode), rare
    dictionary paths_, hosts_, parents_, original_names_, image_hashes_;
    string_pool sample_text_; // the samples' host, user, hashes and source, until the flush
    std::string lowered_;
    std::size_t sample_limit_;
    std::uint64_t task_ = 0;
    bool out_of_order_ = false; // a task came after a later one: samples are compared
    bool name_from_path_ = false;
    std::uint64_t names_from_path_ = 0;
    std::uint64_t without_host_ = 0, without_time_ = 0;
    void add_event(const process_event& event);
    /// Until the flush a sample's line is `task << task_shift | line in the range`, which orders
    /// the samples of one file as their lines in it do.
    static constexpr unsigned task_shift = 40;
};

} // namespace masq::detail
