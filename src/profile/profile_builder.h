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
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace masq::detail {

class profile_builder final : public event_sink {
  public:
    void on_event(const process_event& event) override;

    /// Adds everything gathered to `profile` and leaves this builder empty.
    void flush_into(process_profile& profile);

  private:
    /// The last value seen for one field of one name, so a repeat (most names run from one path
    /// under one parent) costs a string comparison instead of a hash lookup.
    struct last_seen {
        std::string_view value;
        std::uint32_t id = 0;
        bool set = false;
    };
    struct slot {
        name_stats totals; // counts and times; paths and hosts stay empty here
        absl::flat_hash_map<std::uint32_t, std::uint64_t> paths, hosts, parents, original_names, users;
        last_seen last_path, last_parent, last_user;
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
    std::optional<slot> null_slot_;
    dictionary paths_, hosts_, parents_, original_names_, users_;
    std::string lowered_;
};

} // namespace masq::detail
