// SPDX-License-Identifier: MIT
#pragma once

/// @file profile.h
/// The per-name profile: the only structure that grows with the data, and it grows with distinct
/// names (and their distinct paths and hosts), not with events. Profiles merge, so threads, files
/// and days can each build one.
///
/// Abseil appears in this public header deliberately, and only here: the profile's maps are
/// Abseil Swiss tables (`string_count_map`), probed once per event on the reader's hot path, and
/// the detectors and bindings iterate them directly. Hiding them behind an opaque type would cost
/// a call per probe; instead the installed package's masqConfig.cmake finds Abseil for callers.

#include "masq/event.h"
#include "masq/util/timestamp.h"

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <absl/hash/hash.h>
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace masq {

/// Transparent hashing so maps keyed by std::string can be probed with a string_view.
struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return absl::Hash<std::string_view>{}(s); }
};

/// Text stored back to back in blocks that never move, so a view of it stays valid for the
/// arena's life (and across a move of it, or of its blocks into another arena). A profile holds a
/// fleet's paths, a million at a million names: one std::string each cost its 32 bytes and an
/// allocation besides the characters.
class text_arena {
  public:
    text_arena() = default;
    text_arena(const text_arena&) = delete; // views into it would point into the original
    text_arena& operator=(const text_arena&) = delete;
    text_arena(text_arena&&) noexcept = default;
    text_arena& operator=(text_arena&&) noexcept = default;

    /// A copy of `s` in the arena.
    std::string_view store(std::string_view s) {
        if (s.empty()) return std::string_view("", 0);
        if (s.size() > block_bytes / 4) {
            // A block of its own, placed before the block being filled, which stays the last.
            auto block = std::make_unique_for_overwrite<char[]>(s.size());
            std::memcpy(block.get(), s.data(), s.size());
            const std::string_view view(block.get(), s.size());
            const bool filling = !blocks_.empty();
            blocks_.insert(filling ? blocks_.end() - 1 : blocks_.end(), std::move(block));
            if (!filling) used_ = block_bytes; // the next small string starts a block
            return view;
        }
        if (blocks_.empty() || block_bytes - used_ < s.size()) {
            blocks_.push_back(std::make_unique_for_overwrite<char[]>(block_bytes));
            used_ = 0;
        }
        char* at = blocks_.back().get() + used_;
        std::memcpy(at, s.data(), s.size());
        used_ += s.size();
        return {at, s.size()};
    }
    /// Takes `other`'s blocks: views into them stay valid for this arena's life.
    void adopt(text_arena&& other) {
        if (other.blocks_.empty()) return;
        if (blocks_.empty()) {
            *this = std::move(other);
            return;
        }
        blocks_.insert(blocks_.end() - 1, std::make_move_iterator(other.blocks_.begin()),
                       std::make_move_iterator(other.blocks_.end()));
        other = text_arena{};
    }

  private:
    static constexpr std::size_t block_bytes = std::size_t{64} << 10;
    std::vector<std::unique_ptr<char[]>> blocks_; // the last is the one being filled
    std::size_t used_ = 0;
};

/// One copy of each distinct string, handed out as views that stay valid for the pool's life
/// (and across a move of it): a fleet's host names recur in the variants of thousands of process
/// names, and a view costs 16 bytes where each copy in a map would cost 32 and a heap block.
class string_pool {
  public:
    string_pool() = default;
    string_pool(const string_pool&) = delete; // views into it would point into the original
    string_pool& operator=(const string_pool&) = delete;
    string_pool(string_pool&&) noexcept = default;
    string_pool& operator=(string_pool&&) noexcept = default;

    std::string_view intern(std::string_view s) {
        if (const auto it = views_.find(s); it != views_.end()) return *it;
        const std::string_view view = arena_.store(s);
        views_.insert(view);
        return view;
    }
    /// A copy of `s` kept for the pool's life without indexing it: text that rarely repeats (a
    /// command line), which interning would only add to the table.
    std::string_view store(std::string_view s) { return arena_.store(s); }
    /// Distinct strings interned.
    std::size_t size() const noexcept { return views_.size(); }

    /// Keeps the text of `arena` for this pool's life, so that views into it may be held as if
    /// interned here (a thread's profile handing its text over whole, instead of string by
    /// string). It is not indexed: interning one of its strings later stores a copy, which only
    /// costs the copy (views compare by content).
    void adopt(text_arena&& arena) { arena_.adopt(std::move(arena)); }
    /// The pool's text, whose views stay valid in the arena's new owner; the pool is left empty.
    text_arena release() && {
        views_.clear();
        return std::move(arena_);
    }

  private:
    text_arena arena_;
    absl::flat_hash_set<std::string_view> views_;
};

/// Text with event counts: a name's paths, parents and original names, a variant's hosts. The
/// keys are views into the owning profile's `string_pool`: a path is held once however many
/// names, variants and counts refer to it. Open addressing (Abseil's Swiss table): one probe
/// usually touches one cache line, where a node-based map chases a pointer per entry.
using string_count_map = absl::flat_hash_map<std::string_view, std::uint64_t>;
using host_count_map = string_count_map;

/// A value with how often it was seen, e.g. a path and its event count.
struct value_count {
    std::string value;
    std::uint64_t count = 0;
    friend bool operator==(const value_count&, const value_count&) = default;
};

/// The part of an event's identity that decides whether it is evidence: where it ran from, what
/// started it, what the PE says it is. Alerts are built from sets of variants (docs/alerts.md).
///
/// Its text is a view into the owning profile's string pool (`process_profile::hosts()`), as the
/// samples' is: a fleet's paths and parents recur across names and variants, and a key of its
/// own strings held each path a second time beside the name's path counts.
struct variant_key {
    std::optional<std::string_view> path, parent, original_name;
    /// The image's identity when the source hashes it (`image_hash_key`, event.h): the copy of a
    /// binary under another name is found by it.
    std::optional<std::string_view> image_hash;
    friend bool operator==(const variant_key&, const variant_key&) = default;
    friend auto operator<=>(const variant_key&, const variant_key&) = default;
    template <class H>
    friend H AbslHashValue(H h, const variant_key& k) {
        return H::combine(std::move(h), k.path, k.parent, k.original_name, k.image_hash);
    }
};

/// One of a variant's first events as a profile keeps it; `sample_in` makes the `event_sample`
/// (event.h) an alert shows. The text a fleet's events repeat — host, user, the image's hashes,
/// the input's name — is a view into the owning profile's string pool, as host counts are: held
/// as strings of their own, the samples of a million names took a gigabyte and four allocations
/// each (docs/performance.md). Path, parent and original name are the variant's key.
struct variant_sample {
    std::optional<timestamp> time;
    std::string_view host, user, hashes, source; ///< empty: not logged
    std::string_view command_line; ///< stored in the pool's arena but not interned: mostly one per event
    std::optional<std::uint64_t> process_id, parent_process_id, record_id;
    std::uint64_t line = 0;  ///< as `event_sample::line`
    std::uint64_t order = 0; ///< as `event_sample::order`
    friend bool operator==(const variant_sample&, const variant_sample&) = default;
};

/// The events of one name with one variant: counts, hosts and times over those events only, and
/// the earliest few of them (`variant_sample`) for an alert to show.
struct variant_stats {
    std::uint64_t count = 0;
    host_count_map hosts; ///< views into the owning profile's pool (`process_profile::hosts()`)
    timestamp first_seen = std::numeric_limits<timestamp>::max();
    timestamp last_seen = std::numeric_limits<timestamp>::min();
    /// The first in input order (`variant_sample::order`); their text points into the same pool.
    std::vector<variant_sample> samples;
    bool has_time() const noexcept { return first_seen <= last_seen; }
    /// Adds `other`'s events; its host names and sample text are interned in `pool` (this
    /// variant's profile's), or kept as they are when `pool` is null: `other`'s text already
    /// lives as long as this variant's (an adopted arena).
    void merge(const variant_stats& other, std::size_t sample_limit, string_pool* pool);
    /// Points the host names and sample text of this variant, wherever they point, into `pool`.
    void intern_in(string_pool& pool);
};

/// Whether sample `a` comes before `b` in the input: by `order`, then source, line and record id.
bool sample_before(const event_sample& a, const event_sample& b) noexcept;
bool sample_before(const variant_sample& a, const variant_sample& b) noexcept;

/// Whether sample `a` happened before `b`: by time (untimed last), then as `sample_before`.
bool sample_earlier(const event_sample& a, const event_sample& b) noexcept;

/// Keeps `sample` among the `limit` earliest of `samples` (sorted by `sample_before`).
void keep_sample(std::vector<event_sample>& samples, event_sample sample, std::size_t limit);
void keep_sample(std::vector<variant_sample>& samples, variant_sample sample, std::size_t limit);

/// The sample of an event (strings copied).
event_sample make_sample(const process_event& event);

/// The sample a variant keeps of an event, its recurring text interned in `pool`: without the
/// path, parent and original name, which are its variant's key; `sample_in` puts them back.
variant_sample make_variant_sample(const process_event& event, string_pool& pool);
/// `make_variant_sample` of an event whose host, hashes and input name are already in `pool`
/// (these views, empty: not logged): the reader has them at hand from counting the host and
/// keying the variant, and a million names' samples spared three hash lookups an event.
variant_sample make_variant_sample(const process_event& event, string_pool& pool, std::string_view host,
                                   std::string_view hashes, std::string_view source);

/// The event sample of a variant's sample: its text copied, and its key's path, parent and
/// original name.
event_sample sample_in(const variant_sample& stored, const variant_key& key);

/// Everything known about one lower-cased process name.
struct name_stats {
    std::uint64_t count = 0;           ///< events (the notebook's groupBy count)
    std::uint64_t user_count = 0;      ///< of which from the user's data
    std::uint64_t synthetic_count = 0; ///< of which injected synthetic rows
    /// Counts one event of this name and widens the time span; its variant is the caller's.
    void tally(const process_event& event);
    timestamp first_seen = std::numeric_limits<timestamp>::max();
    timestamp last_seen = std::numeric_limits<timestamp>::min();
    /// The name's events by variant. Its paths, parents, original names and hosts with their
    /// counts are sums over the variants (`paths_of`, `parents_of`, `original_names_of`,
    /// `hosts_of`), not kept beside them: most names have one variant, and a map of one entry
    /// for each kind cost a name about 190 bytes (docs/performance.md).
    absl::flat_hash_map<variant_key, variant_stats> variants;

    bool has_time() const noexcept { return first_seen <= last_seen; }
    /// `sample_limit`: samples kept per variant (`read_options::samples`); host names of `other`
    /// are interned in `hosts_pool`, the pool of the profile this name belongs to.
    void merge(const name_stats& other, std::size_t sample_limit, string_pool& hosts_pool);
    /// `merge`, taking `other`'s maps and variants instead of copying them (it is left empty).
    /// `text_owned`: `other`'s text already lives as long as `hosts_pool` (an adopted arena), so
    /// its views are kept instead of interned.
    void absorb(name_stats&& other, std::size_t sample_limit, string_pool& hosts_pool,
                bool text_owned = false);
};

/// The hosts of all of a name's events, with counts (the sum over its variants).
host_count_map hosts_of(const name_stats& stats);
/// The distinct paths (NewProcessName values) of a name's events, with counts.
string_count_map paths_of(const name_stats& stats);
/// The distinct parent paths of a name's events that record one, with counts.
string_count_map parents_of(const name_stats& stats);
/// The distinct PE original file names (Sysmon, Defender) of a name's events, with counts.
string_count_map original_names_of(const name_stats& stats);

/// Sorted by count (descending), then value; at most `limit` entries (0 = all).
std::vector<value_count> top_values(const string_count_map& values, std::size_t limit = 0);

/// Per-name statistics of a set of process events, keyed by the lower-cased `Process` field
/// (Spark `lower()`); events without a `Process` form the null-name group the notebook ranks too.
class process_profile final : public event_sink {
  public:
    process_profile() = default;
    process_profile(const process_profile& other);
    process_profile& operator=(const process_profile& other);
    process_profile(process_profile&&) noexcept = default;
    process_profile& operator=(process_profile&&) noexcept = default;
    ~process_profile() override = default;

    void add(const process_event& event);
    void on_event(const process_event& event) override { add(event); }

    void merge(const process_profile& other);

    /// Samples kept per name and variant (default 3; `read_options::samples`).
    void set_sample_limit(std::size_t limit) noexcept { sample_limit_ = limit; }
    std::size_t sample_limit() const noexcept { return sample_limit_; }

    /// Adds what is known of one lower-cased name (`std::nullopt`: the null-name group), e.g. from
    /// a faster accumulator; its `count` is added to `events()`. The host names of its variants
    /// may point anywhere: they are interned in this profile's pool.
    void add_stats(std::optional<std::string_view> lowered_name, const name_stats& stats);
    /// `add_stats`, taking what `stats` holds instead of copying it.
    void add_stats(std::optional<std::string_view> lowered_name, name_stats&& stats);
    /// `add_stats` of stats whose text lives in an arena this profile has adopted (`adopt_text`):
    /// nothing is copied or interned (a thread's profile merged into this one). `lowered_name` must
    /// live there too.
    void add_owned_stats(std::optional<std::string_view> lowered_name, name_stats&& stats);
    /// Keeps `arena`'s text for this profile's life, for `add_owned_stats`.
    void adopt_text(text_arena&& arena) { hosts_.adopt(std::move(arena)); }
    /// `add_owned_stats(names[i], std::move(*stats[i]))` for each name in order, except that a
    /// name new to the profile keeps its stats where they are: `owner` holds them and lives as
    /// long as the profile. A thread's profile so merges with a hash insertion per name instead
    /// of an allocation and a move, and the names both have merge over `threads` (0: all cores;
    /// the profile is the same for any count). A million names' merge was a second.
    void adopt_owned_stats(std::span<const std::string_view> names, std::span<name_stats* const> stats,
                           std::shared_ptr<void> owner, unsigned threads = 1);

    /// Room for `names` distinct names in all, so that adding them does not rehash the names
    /// seen so far again and again (a million names' merge rehashed them about 20 times).
    void reserve(std::size_t names) { names_.reserve(names); }

    /// The distinct text the variants' host maps and samples point into.
    const string_pool& hosts() const noexcept { return hosts_; }

    /// Distinct names, the null-name group included (the `n` of percent_rank).
    std::size_t distinct_names() const noexcept { return names_.size() + (null_name_ ? 1 : 0); }
    std::uint64_t events() const noexcept { return events_; }

    /// Stats of a lower-cased name; `std::nullopt` asks for the null-name group.
    const name_stats* find(std::optional<std::string_view> name) const;

    /// Calls `f(std::optional<std::string_view> name, const name_stats&)` for every name, in
    /// byte order of the names with the null group first (a deterministic order).
    template <class F>
    void for_each_sorted(F&& f) const {
        if (null_name_) f(std::optional<std::string_view>{}, *null_name_);
        // Each entry carries its name's first eight bytes as a big-endian integer, which orders
        // as the bytes do: most comparisons end there instead of following two pointers to the
        // text (a million names' sort took a second, mostly cache misses).
        struct entry {
            std::uint64_t head;
            std::string_view name;
            const name_stats* stats;
        };
        std::vector<entry> entries;
        entries.reserve(names_.size());
        for (const auto& [name, stats] : names_) {
            std::uint64_t head = 0;
            for (std::size_t i = 0; i < 8; ++i)
                head = head << 8 | (i < name.size() ? static_cast<unsigned char>(name[i]) : 0u);
            entries.push_back({head, name, stats});
        }
        std::sort(entries.begin(), entries.end(), [](const entry& a, const entry& b) {
            return a.head != b.head ? a.head < b.head : a.name < b.name;
        });
        for (const entry& e : entries)
            f(std::optional<std::string_view>{e.name}, *e.stats);
    }

  private:
    name_stats& stats_for(const std::optional<std::string_view>& process);
    /// The stats of a lower-cased name (nullopt: the null-name group), added empty when new; a new
    /// name's key is stored in `names_text_`, or is the caller's view when `text_owned` (it lives
    /// in an arena this profile adopted).
    name_stats& stats_named(const std::optional<std::string_view>& lowered_name, bool text_owned = false);

    string_pool hosts_; // declared first: the maps below hold views into it
    // The names' text: stored here, or in an arena `hosts_` adopted (a builder's, whose views
    // `add_owned_stats` receives), so a million names cost no allocation each for their key.
    text_arena names_text_;
    // The stats stay where they are while names are added (the cache points at them): in
    // `own_stats_` for the names this profile adds, or where an adopted owner keeps them.
    absl::flat_hash_map<std::string_view, name_stats*> names_;
    std::deque<name_stats> own_stats_;
    std::vector<std::shared_ptr<void>> keep_alive_;
    // Raw `Process` spelling -> its stats: most events repeat a spelling already seen, and this
    // skips the Unicode lower-casing and a second lookup for them. Not copied with the profile.
    absl::flat_hash_map<std::string, name_stats*, string_hash, std::equal_to<>> by_raw_name_;
    std::optional<name_stats> null_name_;
    std::uint64_t events_ = 0;
    std::size_t sample_limit_ = 3;
    std::string lowered_; // scratch buffer for lower-casing
};

} // namespace masq
