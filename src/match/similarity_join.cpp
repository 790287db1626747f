// SPDX-License-Identifier: MIT
#include "masq/match/similarity_join.h"

#include "masq/match/similarity.h"
#include "util/parallel.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <stdexcept>
#include <type_traits>
#include <unordered_map>

namespace masq {

// ---------------------------------------------------------------------------------------------
// edit_budget

edit_budget::edit_budget(const std::function<std::ptrdiff_t(std::size_t)>& max_edits, std::size_t longest) {
    by_length_.resize(longest + 1);
    for (std::size_t length = 0; length <= longest; ++length) {
        by_length_[length] = std::max<std::ptrdiff_t>(max_edits(length), -1);
        if (length > 0 && by_length_[length] < by_length_[length - 1])
            throw std::invalid_argument(
                "edit_budget: the allowed edits must not decrease as names grow longer");
    }
    // A partner of a name of `length` is at most at(L) longer, where L is the partner's length;
    // since at() never decreases, scanning L upwards until L - length exceeds the largest budget
    // finds every partner length that can still qualify.
    const std::ptrdiff_t widest = by_length_.back();
    reach_.resize(longest + 1);
    for (std::size_t length = 0; length <= longest; ++length) {
        std::ptrdiff_t best = at(length);
        for (std::size_t partner = length + 1;
             widest >= 0 && partner <= length + static_cast<std::size_t>(widest); ++partner) {
            const std::ptrdiff_t k = at(partner);
            if (k >= 0 && partner - length <= static_cast<std::size_t>(k)) best = std::max(best, k);
        }
        reach_[length] = best;
    }
}

edit_budget edit_budget::constant(std::size_t k, std::size_t longest) {
    return edit_budget([k](std::size_t) { return static_cast<std::ptrdiff_t>(k); }, longest);
}

edit_budget edit_budget::seed(double threshold, std::size_t longest) {
    return edit_budget([threshold](std::size_t length) { return seed_max_distance(length, threshold); },
                       longest);
}

namespace {

constexpr std::uint64_t hash_multiplier = 0x9E3779B97F4A7C15ULL;

/// A strong final mix (the splitmix64 finaliser), so the top bits pick buckets evenly.
constexpr std::uint64_t mix(std::uint64_t h) noexcept {
    h ^= h >> 30;
    h *= 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 27;
    h *= 0x94D049BB133111EBULL;
    h ^= h >> 31;
    return h;
}

/**
 * Appends the hashes of the strings obtained from `text` by deleting at least `fewest` and at
 * most `deletions` characters (the deletion neighbourhood, SymSpell), salted with `salt`. The
 * hash is a polynomial over the kept characters, so it depends on the variant only, not on which
 * positions were dropped. Within a run of equal characters only the leading ones are ever
 * deleted (deleting any j of a run gives the same string), which removes most duplicates without
 * sorting; the few left (periodic text like "abab") only cost a repeated probe, which the stamps
 * absorb.
 */
void deletion_variants(std::u32string_view text, std::size_t fewest, std::size_t deletions,
                       std::uint64_t salt, std::vector<std::uint64_t>& out) {
    const std::size_t n = text.size();
    deletions = std::min(deletions, n);
    if (fewest > deletions) return;
    // Once a branch has no deletion left it keeps the rest of the text, whose share of the hash
    // does not depend on the branch: hash(h, text[p..n)) = h·M^(n-p) + tail[p] (mod 2^64), with
    // tail[p] = Σ_{i≥p} (text[i] + 1)·M^(n-i). Most variants are such branches, and each then
    // costs a multiply-add instead of a step per remaining character.
    thread_local std::vector<std::uint64_t> power, tail;
    power.resize(n + 1);
    tail.resize(n + 1);
    power[0] = 1;
    tail[n] = 0;
    for (std::size_t i = 1; i <= n; ++i)
        power[i] = power[i - 1] * hash_multiplier;
    for (std::size_t i = n; i-- > 0;)
        tail[i] = tail[i + 1] + (static_cast<std::uint64_t>(text[i]) + 1) * power[n - i];
    // Iterative depth-first enumeration: at each position keep the character or (budget allowing,
    // and not right after keeping an equal one) drop it.
    struct frame {
        std::uint32_t position;
        std::uint32_t left;
        std::uint64_t hash;
        bool kept_previous;
    };
    thread_local std::vector<frame> stack;
    stack.clear();
    stack.push_back(
        {0, static_cast<std::uint32_t>(deletions), salt * hash_multiplier + 0x2545F4914F6CDD1DULL, false});
    while (!stack.empty()) {
        frame f = stack.back();
        stack.pop_back();
        while (f.position < n) {
            const bool run_continues = f.kept_previous && text[f.position] == text[f.position - 1];
            if (f.left > 1 && !run_continues)
                stack.push_back({f.position + 1, f.left - 1, f.hash, false});
            else if (f.left == 1 && !run_continues) // the last deletion: the rest is kept
                out.push_back(mix(f.hash * power[n - f.position - 1] + tail[f.position + 1]));
            f.hash = (f.hash + static_cast<std::uint64_t>(text[f.position]) + 1) * hash_multiplier;
            f.kept_previous = true;
            ++f.position;
        }
        if (deletions - f.left >= fewest) out.push_back(mix(f.hash));
    }
}

std::u32string_view prefix_of(std::u32string_view s, std::size_t p) {
    return s.substr(0, std::min(p, s.size()));
}

std::u32string reversed_suffix_of(std::u32string_view s, std::size_t p) {
    const std::size_t n = std::min(p, s.size());
    std::u32string r(s.substr(s.size() - n));
    std::reverse(r.begin(), r.end());
    return r;
}

bool groups_allow(group_rule rule, std::uint64_t a, std::uint64_t b) noexcept {
    switch (rule) {
    case group_rule::any:
        return true;
    case group_rule::same:
        return a == b;
    case group_rule::different:
        return a != b;
    }
    return true;
}

/// One hashed deletion index: bucket directory by the top bits of the variant hash, entries
/// holding the 32 bits after the top 8 (a fingerprint; a collision only adds a candidate) and the
/// name id. The fingerprint holds the bucket's bits below the top 8 (at most 22 of them, `bits` is
/// at most 30), so an entry staged in its partition of the top 8 bits knows its bucket, and the
/// staging is the table's own eight bytes; within a bucket at least ten bits still discriminate
/// (sixteen at a million names), a false candidate per 2^16 postings.
struct deletion_table {
    struct entry {
        std::uint32_t fingerprint;
        std::uint32_t id;
    };
    static constexpr unsigned partition_bits = 8;
    static std::uint32_t fingerprint_of(std::uint64_t hash) noexcept {
        return static_cast<std::uint32_t>(hash >> (64 - partition_bits - 32));
    }
    unsigned bits = 1;
    std::vector<std::uint32_t> directory; // 2^bits + 1 offsets into entries
    /// Not a vector: resizing one zeroes every page before the scatter writes it, and the zeroed
    /// table then sits beside the whole staging it is filled from (a quarter of a GB at a million
    /// names). Left uninitialised, a page of the table is touched only as the staging that fills
    /// it is freed.
    std::unique_ptr<entry[]> entries;
    std::size_t entry_count = 0;

    void prefetch(std::uint64_t hash) const {
        __builtin_prefetch(&directory[static_cast<std::size_t>(hash >> (64 - bits))]);
    }
    void prefetch_entries(std::uint64_t hash) const {
        const std::uint32_t first = directory[static_cast<std::size_t>(hash >> (64 - bits))];
        if (first < entry_count) __builtin_prefetch(&entries[first]);
    }

    std::uint32_t bucket_size(std::uint64_t hash) const {
        const std::size_t bucket = static_cast<std::size_t>(hash >> (64 - bits));
        return directory[bucket + 1] - directory[bucket];
    }

    template <class Visit>
    void probe(std::uint64_t hash, Visit&& visit) const {
        const std::size_t bucket = static_cast<std::size_t>(hash >> (64 - bits));
        const std::uint32_t fingerprint = fingerprint_of(hash);
        for (std::uint32_t e = directory[bucket], end = directory[bucket + 1]; e < end; ++e)
            if (entries[e].fingerprint == fingerprint) visit(entries[e].id);
    }
};

} // namespace

// ---------------------------------------------------------------------------------------------
// name_index

namespace {

/// Two fresh stamp values for one query; clears the stamps when they would wrap.
std::uint32_t next_epoch(name_index::scratch& s) {
    if (s.epoch >= 0xFFFFFFF0u) {
        std::fill(s.stamp.begin(), s.stamp.end(), 0);
        s.epoch = 0;
    }
    s.epoch += 2;
    return s.epoch - 1;
}

} // namespace

struct name_index::impl {
    std::vector<std::u32string> names;
    std::vector<std::uint32_t> lengths;
    std::vector<char32_t> arena;      // every name, back to back
    std::vector<std::size_t> offsets; // name i is arena[offsets[i], offsets[i + 1])
    std::u32string_view view(std::size_t i) const {
        return {arena.data() + offsets[i], offsets[i + 1] - offsets[i]};
    }
    std::vector<std::uint64_t> groups; // empty when rule == any
    group_rule rule = group_rule::any;
    edit_budget budget;
    join_options options;
    std::size_t prefix_length = 8;
    /// One deletion table per end (and affix length): a pair within budget meets in *every* one
    /// of them, so each query may drive with whichever is most selective for it. (Short affixes
    /// were tried as extra, cheaper filters: on realistic names with reach 3 they select nothing.)
    struct filter {
        std::size_t length;
        bool suffix;
        deletion_table table;
    };
    std::vector<filter> filters;
    std::vector<std::uint32_t> direct_by_length; // names compared without the index, by length

    impl(std::vector<std::u32string> n, edit_budget b, std::span<const std::uint64_t> g, group_rule r,
         join_options o)
        : names(std::move(n)), rule(r), budget(std::move(b)), options(o) {
        if (names.size() >= 0xFFFFFFFFu) throw std::invalid_argument("name_index: too many names");
        if (!g.empty() && g.size() != names.size())
            throw std::invalid_argument("name_index: one group per name is required");
        if (rule != group_rule::any) {
            if (g.size() != names.size())
                throw std::invalid_argument("name_index: a group rule needs groups");
            groups.assign(g.begin(), g.end());
        }
        // A variant must stay rare among n names, which takes about log2(n) bits of prefix: more
        // names, longer prefixes (measured on 20k-200k realistic names: 8 at 20k, 11 at 200k).
        prefix_length =
            options.prefix_length != 0
                ? options.prefix_length
                : std::clamp<std::size_t>(static_cast<std::size_t>(std::bit_width(names.size())), 15, 21) - 7;
        lengths.resize(names.size());
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (names[i].size() > budget.longest())
                throw std::invalid_argument("name_index: the edit budget does not cover the longest name");
            lengths[i] = static_cast<std::uint32_t>(names[i].size());
        }
        // Verification reads candidates in random order: one contiguous arena costs one cache miss
        // per candidate instead of two (the string object, then its buffer).
        offsets.resize(names.size() + 1);
        for (std::size_t i = 0; i < names.size(); ++i)
            offsets[i + 1] = offsets[i] + names[i].size();
        arena.reserve(offsets.back());
        for (const auto& name : names)
            arena.insert(arena.end(), name.begin(), name.end());
        for (std::size_t i = 0; i < names.size(); ++i)
            if (indexed_reach(lengths[i]) < 0 && budget.reach(lengths[i]) >= 0)
                direct_by_length.push_back(static_cast<std::uint32_t>(i));
        std::stable_sort(direct_by_length.begin(), direct_by_length.end(),
                         [&](std::uint32_t x, std::uint32_t y) { return lengths[x] < lengths[y]; });
        filters.push_back({prefix_length, false, {}});
        filters.push_back({prefix_length, true, {}});
        for (filter& f : filters)
            build(f.table, f.length, f.suffix);
    }

    /// Deletions to index for a name of this length; -1 when it is not indexed (no partner can
    /// qualify, or the neighbourhood is too large and the name is compared directly instead).
    std::ptrdiff_t indexed_reach(std::size_t length) const {
        const std::ptrdiff_t r = budget.reach(length);
        if (r < 0 || static_cast<std::size_t>(r) > options.brute_force_reach) return -1;
        return r;
    }

    std::uint64_t salt_of(std::uint64_t group) const { return rule == group_rule::same ? group + 1 : 0; }

    /// Appends the hashes of the first (or last, reversed) `length` characters of `name` with
    /// `fewest` to `deletions` of them deleted.
    static void variants_of(std::u32string_view name, std::size_t length, bool suffix, std::size_t fewest,
                            std::size_t deletions, std::uint64_t salt, std::u32string& reversed,
                            std::vector<std::uint64_t>& out) {
        if (suffix) {
            reversed = reversed_suffix_of(name, length);
            deletion_variants(reversed, fewest, deletions, salt, out);
        } else {
            deletion_variants(prefix_of(name, length), fewest, deletions, salt, out);
        }
    }

    /**
     * Calls `visit(window, fewest, most)` for each part of the deletion neighbourhood that a name
     * of `length` is indexed and queried with, in the filter on its first (or last) `affix`
     * characters: its window of `min(affix, length)` characters with at most `at(length)`
     * deletions, and, for each longer partner length `length + Δ` allowing more edits, the window
     * shortened by Δ with exactly `at(length + Δ) - Δ` deletions.
     *
     * Why that suffices (docs/similarity-join.md, "Lengths that differ"): let a be the shorter
     * of a pair, b the longer by Δ, and g = |b| - LCS(a, b) <= DL(a, b) <= at(|b|). Along an LCS
     * alignment a's window shortened by Δ loses a character only if it is unmatched or comes at
     * or after the first one whose partner lies beyond b's window, and that partner's shift is
     * paid for by b's unmatched characters before it: the shortened window drops at most g - Δ
     * characters and b's window Δ more, to the same text. Dropping one more common character
     * from both keeps the difference, so they also meet where b drops exactly at(|b|) (its own
     * window's part) and a exactly at(|b|) - Δ (this part). When at(|b|) <= at(|a|) that text is
     * already in a's own part (its last Δ characters deleted too), as it is when an earlier part
     * holds that count of the same characters; equal lengths are the plain symmetric bound. The
     * neighbourhood of the reach alone (every variant up to the most edits any partner allows)
     * was up to three times larger where the budget steps up within a name's reach: a name of
     * 18 code points at the seed threshold, two edits with partners up to 20 and three from 21,
     * was indexed with 232 variants of its first eleven characters instead of 68.
     */
    template <class Visit>
    void for_each_part(std::size_t length, std::size_t affix, Visit&& visit) const {
        struct part {
            std::size_t window, fewest, most;
        };
        std::array<part, 8> parts{};
        std::size_t count = 0;
        const auto add = [&](std::size_t window, std::size_t fewest, std::size_t most) {
            visit(window, fewest, most);
            if (count < parts.size()) parts[count++] = {window, fewest, most};
        };
        const std::ptrdiff_t own = budget.at(length);
        if (own >= 0) add(std::min(affix, length), 0, static_cast<std::size_t>(own));
        const std::ptrdiff_t widest = budget.at(budget.longest());
        for (std::size_t delta = 1;
             widest >= 0 && delta <= static_cast<std::size_t>(widest) && length + delta <= budget.longest();
             ++delta) {
            const std::ptrdiff_t k = budget.at(length + delta);
            if (k <= own || k < static_cast<std::ptrdiff_t>(delta)) continue;
            const std::size_t window = std::min(affix > delta ? affix - delta : 0, length);
            const std::size_t deletions = std::min(static_cast<std::size_t>(k) - delta, window);
            // A window's text with y deletions is a longer window's (windows never grow here)
            // with y plus the difference.
            const bool held = std::any_of(parts.begin(), parts.begin() + count, [&](const part& p) {
                const std::size_t at = deletions + (p.window - window);
                return p.fewest <= at && at <= p.most;
            });
            if (!held) add(window, deletions, deletions);
        }
    }

    /// The hashes of a name's neighbourhood in one filter (`for_each_part`). The parts do not
    /// repeat each other's deletion counts; a text they still share (a run, periodic text) only
    /// costs a second entry or probe, which the stamps absorb.
    void neighbourhood_of(std::u32string_view name, std::size_t affix, bool suffix, std::uint64_t salt,
                          std::u32string& reversed, std::vector<std::uint64_t>& out) const {
        out.clear();
        for_each_part(name.size(), affix, [&](std::size_t window, std::size_t fewest, std::size_t most) {
            variants_of(name, window, suffix, fewest, most, salt, reversed, out);
        });
    }

    /**
     * Builds one table in two cache-friendly passes (a two-level radix sort by bucket): each thread
     * hashes the variants of a range of names into 256 partitions by the top 8 bits of the hash;
     * then each partition, small enough for the cache, is counting-sorted by its remaining bucket
     * bits. Within a bucket, entries are in name order whatever the thread count, so the table
     * (and every answer) is identical for any `threads`.
     */
    void build(deletion_table& table, std::size_t affix_length, bool suffix) {
        const std::size_t threads = detail::thread_count(options.threads);
        const std::size_t n = names.size();
        // Size the directory from an upper bound on the entries: about two per bucket.
        std::uint64_t estimate = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (indexed_reach(lengths[i]) < 0) continue;
            for_each_part(lengths[i], affix_length,
                          [&](std::size_t window, std::size_t fewest, std::size_t most) {
                              std::uint64_t c = 1; // C(window, d)
                              for (std::size_t d = 0; d <= most && d <= window; ++d) {
                                  if (d > 0) c = c * (window - d + 1) / d;
                                  if (d >= fewest) estimate += c;
                              }
                          });
        }
        constexpr unsigned partition_bits = deletion_table::partition_bits;
        constexpr std::size_t partitions = std::size_t{1} << partition_bits;
        table.bits = static_cast<unsigned>(
            std::clamp<std::size_t>(std::bit_width(estimate / 2 + 1), partition_bits + 1, 30));
        const unsigned low_bits = table.bits - partition_bits;
        const std::size_t buckets = std::size_t{1} << table.bits;

        // A table's entries wait here whole before the scatter, as the table's own entries (the
        // partition and the fingerprint give the bucket): eight bytes where a 64-bit hash beside
        // the id took sixteen, 130 MB of peak RSS and of fresh pages at a million names.
        using staged = deletion_table::entry;
        const unsigned bucket_shift = 32 - low_bits; // the fingerprint's bits below the bucket's
        const std::size_t shards = std::min<std::size_t>(threads, std::max<std::size_t>(1, n / 4096));
        const std::size_t per_shard = (n + shards - 1) / shards;
        std::vector<std::vector<std::vector<staged>>> staging(shards,
                                                              std::vector<std::vector<staged>>(partitions));
        detail::parallel_blocks(
            shards, 1, shards, [&](std::size_t, std::size_t shard, std::size_t, std::size_t) {
                std::vector<std::uint64_t> variants;
                std::u32string reversed;
                auto& out = staging[shard];
                const std::size_t begin = shard * per_shard, end = std::min(n, begin + per_shard);
                // The estimate bounds the entries (before the run rule drops duplicates) and hashes
                // spread evenly, so reserving the share avoids regrowth copies.
                const std::size_t share =
                    static_cast<std::size_t>(static_cast<double>(estimate) *
                                             static_cast<double>(end - begin) / static_cast<double>(n) /
                                             static_cast<double>(partitions) * 1.05) +
                    16;
                for (auto& partition : out)
                    partition.reserve(share);
                for (std::size_t i = begin; i < end; ++i) {
                    if (indexed_reach(lengths[i]) < 0) continue;
                    neighbourhood_of(names[i], affix_length, suffix, salt_of(groups.empty() ? 0 : groups[i]),
                                     reversed, variants);
                    for (std::uint64_t h : variants)
                        out[h >> (64 - partition_bits)].push_back(
                            {deletion_table::fingerprint_of(h), static_cast<std::uint32_t>(i)});
                }
            });
        std::vector<std::uint64_t> partition_start(partitions + 1, 0);
        for (std::size_t part = 0; part < partitions; ++part) {
            std::uint64_t size = 0;
            for (std::size_t shard = 0; shard < shards; ++shard)
                size += staging[shard][part].size();
            partition_start[part + 1] = partition_start[part] + size;
        }
        if (partition_start[partitions] >= 0xFFFFFFFFull)
            throw std::length_error("name_index: too many deletion variants");
        table.entry_count = partition_start[partitions];
        table.entries = std::make_unique_for_overwrite<deletion_table::entry[]>(table.entry_count);
        table.directory.assign(buckets + 1, 0);
        table.directory[buckets] = static_cast<std::uint32_t>(partition_start[partitions]);
        detail::parallel_blocks(
            partitions, 1, threads, [&](std::size_t, std::size_t part, std::size_t, std::size_t) {
                const std::size_t first_bucket = part << low_bits, local_buckets = std::size_t{1} << low_bits;
                std::vector<std::uint32_t> offset(local_buckets + 1, 0);
                for (std::size_t shard = 0; shard < shards; ++shard)
                    for (const staged& e : staging[shard][part])
                        ++offset[(e.fingerprint >> bucket_shift) + 1];
                std::uint32_t running = static_cast<std::uint32_t>(partition_start[part]);
                for (std::size_t b = 0; b < local_buckets; ++b) {
                    running += offset[b + 1];
                    offset[b + 1] = running;
                }
                offset[0] = static_cast<std::uint32_t>(partition_start[part]);
                for (std::size_t b = 0; b < local_buckets; ++b)
                    table.directory[first_bucket + b] = offset[b];
                for (std::size_t shard = 0; shard < shards; ++shard) {
                    for (const staged& e : staging[shard][part])
                        table.entries[offset[e.fingerprint >> bucket_shift]++] = e;
                    std::vector<staged>().swap(staging[shard][part]);
                }
            });
    }

    bool length_allows(std::size_t a, std::size_t b) const {
        const std::ptrdiff_t k = budget.at(std::max(a, b));
        return k >= 0 && (a > b ? a - b : b - a) <= static_cast<std::size_t>(k);
    }

    void verify(std::uint32_t id, std::u32string_view query, std::uint32_t query_id, const scratch& s,
                std::vector<join_pair>& out, join_stats* stats) const {
        const std::ptrdiff_t k = budget.at(std::max<std::size_t>(lengths[id], query.size()));
        if (stats) ++stats->verified;
        // OSA <= Levenshtein <= 2·DL: a cheap bit-parallel proof that most candidates are too far.
        // Below three the two distances agree, so most matches need no table at all: DL <= OSA,
        // DL = 0 only for equal strings, and one DL operation is one OSA operation, so OSA = 1
        // gives DL = 1 and OSA = 2 gives DL = 2.
        if (s.query_pattern.size() == query.size()) {
            const std::size_t osa = s.query_pattern.distance(view(id));
            if (osa > 2 * static_cast<std::size_t>(k)) return;
            if (osa <= 2) {
                if (osa <= static_cast<std::size_t>(k))
                    out.push_back({id, query_id, static_cast<std::uint32_t>(osa)});
                return;
            }
        }
        const std::size_t d = damerau_levenshtein(view(id), query, static_cast<std::size_t>(k));
        if (d <= static_cast<std::size_t>(k)) out.push_back({id, query_id, static_cast<std::uint32_t>(d)});
    }

    void within(std::u32string_view query, std::uint64_t query_group, std::uint32_t query_id, scratch& s,
                std::vector<join_pair>& out, join_stats* stats) const {
        if (s.stamp.size() != names.size()) s.stamp.assign(names.size(), 0);
        const std::size_t lq = query.size();
        if (lq > budget.longest())
            throw std::invalid_argument("name_index: the edit budget does not cover the query");
        const std::ptrdiff_t reach = budget.reach(lq);
        if (reach < 0) return;
        s.candidates.clear();
        const auto admissible = [&](std::uint32_t id) {
            return length_allows(lengths[id], lq) &&
                   (groups.empty() || groups_allow(rule, groups[id], query_group));
        };
        const std::ptrdiff_t query_reach = indexed_reach(lq);
        if (query_reach < 0) {
            // Long query (or a huge budget): compare it with every name in its length range.
            const std::size_t lo = lq - std::min<std::size_t>(lq, static_cast<std::size_t>(reach));
            for (std::uint32_t id = 0; id < names.size(); ++id)
                if (lengths[id] >= lo && admissible(id)) s.candidates.push_back(id);
            if (stats) stats->direct += s.candidates.size();
        } else {
            // Every filter's condition is necessary. Visiting a posting costs about a cache line,
            // verifying a candidate about twenty, so the filter with the fewest postings for this
            // query drives and the runner-up filters only when that is cheaper than verifying
            // what the driver let through.
            const std::uint32_t first = next_epoch(s), second = first + 1;
            const std::uint64_t salt = salt_of(query_group);
            std::array<std::uint64_t, 4> postings{};
            std::size_t best = filters.size(), runner_up = filters.size();
            const auto consider = [&](std::size_t from, std::size_t to) {
                for (std::size_t f = from; f < to; ++f) {
                    neighbourhood_of(query, filters[f].length, filters[f].suffix, salt, s.reversed,
                                     s.variants[f]);
                    // The lookups are independent cache misses: issue them all before reading any.
                    for (std::uint64_t h : s.variants[f])
                        filters[f].table.prefetch(h);
                }
                for (std::size_t f = from; f < to; ++f) {
                    postings[f] = 0;
                    for (std::uint64_t h : s.variants[f])
                        postings[f] += filters[f].table.bucket_size(h);
                    if (best == filters.size() || postings[f] < postings[best]) {
                        runner_up = best;
                        best = f;
                    } else if (runner_up == filters.size() || postings[f] < postings[runner_up]) {
                        runner_up = f;
                    }
                }
            };
            consider(0, filters.size());
            const deletion_table& driver = filters[best].table;
            std::uint64_t visited = 0;
            for (std::uint64_t h : s.variants[best])
                driver.prefetch_entries(h);
            for (std::uint64_t h : s.variants[best])
                driver.probe(h, [&](std::uint32_t id) {
                    ++visited;
                    if (s.stamp[id] != first && s.stamp[id] != second && admissible(id)) {
                        s.stamp[id] = first;
                        s.candidates.push_back(id);
                    }
                });
            if (runner_up < filters.size() && postings[runner_up] < 16 * s.candidates.size()) {
                visited += postings[runner_up];
                for (std::uint64_t h : s.variants[runner_up])
                    filters[runner_up].table.probe(h, [&](std::uint32_t id) {
                        if (s.stamp[id] == first) s.stamp[id] = second;
                    });
                std::erase_if(s.candidates, [&](std::uint32_t id) { return s.stamp[id] != second; });
            }
            if (stats) {
                stats->postings += visited;
                stats->candidates += s.candidates.size();
            }
            // Long indexed names are not in the tables: compare them directly.
            const std::size_t before = s.candidates.size();
            auto it = std::lower_bound(direct_by_length.begin(), direct_by_length.end(),
                                       lq - std::min<std::size_t>(lq, static_cast<std::size_t>(reach)),
                                       [&](std::uint32_t id, std::size_t l) { return lengths[id] < l; });
            for (; it != direct_by_length.end() && lengths[*it] <= lq + static_cast<std::size_t>(reach); ++it)
                if (admissible(*it)) s.candidates.push_back(*it);
            if (stats) stats->direct += s.candidates.size() - before;
        }
        std::sort(s.candidates.begin(), s.candidates.end());
        if (!s.candidates.empty() && query.size() <= osa_pattern::max_length && !query.empty())
            s.query_pattern = osa_pattern(query);
        else
            s.query_pattern = osa_pattern(std::u32string_view{});
        for (std::uint32_t id : s.candidates)
            verify(id, query, query_id, s, out, stats);
    }
};

name_index::name_index(std::vector<std::u32string> names, edit_budget budget,
                       std::span<const std::uint64_t> groups, group_rule rule, join_options options)
    : impl_(std::make_unique<impl>(std::move(names), std::move(budget), groups, rule, options)) {}
name_index::~name_index() = default;
name_index::name_index(name_index&&) noexcept = default;
name_index& name_index::operator=(name_index&&) noexcept = default;

std::size_t name_index::size() const noexcept {
    return impl_->names.size();
}
const std::u32string& name_index::name(std::size_t i) const {
    return impl_->names.at(i);
}
std::uint64_t name_index::index_entries() const noexcept {
    std::uint64_t total = 0;
    for (const auto& f : impl_->filters)
        total += f.table.entry_count;
    return total;
}
std::unique_ptr<name_index::scratch> name_index::make_scratch() const {
    return std::make_unique<scratch>();
}

void name_index::within(std::u32string_view query, std::uint64_t query_group, std::uint32_t query_id,
                        scratch& s, std::vector<join_pair>& out, join_stats* stats) const {
    impl_->within(query, query_group, query_id, s, out, stats);
}

// ---------------------------------------------------------------------------------------------
// joins

namespace {

void check_groups(std::span<const std::u32string> left, std::span<const std::u32string> right,
                  std::span<const std::uint64_t> left_groups, std::span<const std::uint64_t> right_groups,
                  group_rule rule) {
    // Groups are one per name on each side; a side without names has none, so an empty list is
    // both "no groups" and "the groups of no names" (the fuzzer's empty left side).
    const bool given = !left_groups.empty() || !right_groups.empty();
    if ((given || rule != group_rule::any) &&
        (left_groups.size() != left.size() || right_groups.size() != right.size()))
        throw std::invalid_argument(given ? "similarity_join: one group per name on each side is required"
                                          : "similarity_join: a group rule needs groups");
}

} // namespace

namespace {

std::vector<join_pair> indexed_join(std::span<const std::u32string> left,
                                    std::span<const std::u32string> right, const edit_budget& budget,
                                    std::span<const std::uint64_t> left_groups,
                                    std::span<const std::uint64_t> right_groups, group_rule rule,
                                    const join_options& options, join_stats* stats);

/**
 * "Different groups" with one dominant group D (like `exe` among extensions): the D × D pairs
 * are excluded anyway, yet an index over everything would make every D query walk the postings
 * of every other D name. Split instead into (left not in D) × right and (left in D) × (right not
 * in D), each indexing its non-D side, which is the small one. The two parts are disjoint and
 * cover every admissible pair.
 */
std::vector<join_pair>
join_around_dominant_group(std::span<const std::u32string> left, std::span<const std::u32string> right,
                           const edit_budget& budget, std::span<const std::uint64_t> left_groups,
                           std::span<const std::uint64_t> right_groups, const join_options& options,
                           join_stats* stats, std::uint64_t dominant) {
    std::vector<std::uint32_t> left_other, left_dominant, right_other;
    for (std::uint32_t i = 0; i < left.size(); ++i)
        (left_groups[i] == dominant ? left_dominant : left_other).push_back(i);
    for (std::uint32_t j = 0; j < right.size(); ++j)
        if (right_groups[j] != dominant) right_other.push_back(j);
    auto pick = [](auto source, const std::vector<std::uint32_t>& ids) {
        std::vector<std::remove_cvref_t<decltype(source[0])>> out;
        out.reserve(ids.size());
        for (std::uint32_t i : ids)
            out.push_back(source[i]);
        return out;
    };
    std::vector<join_pair> pairs;
    {
        const auto names = pick(left, left_other);
        const auto groups = pick(left_groups, left_other);
        for (join_pair p : indexed_join(names, right, budget, groups, right_groups, group_rule::different,
                                        options, stats)) {
            p.left = left_other[p.left];
            pairs.push_back(p);
        }
    }
    {
        const auto names = pick(right, right_other);
        const auto groups = pick(right_groups, right_other);
        const auto queries = pick(left, left_dominant);
        const auto query_groups = pick(left_groups, left_dominant);
        for (const join_pair& p : indexed_join(names, queries, budget, groups, query_groups,
                                               group_rule::different, options, stats))
            pairs.push_back({left_dominant[p.right], right_other[p.left], p.distance});
    }
    std::sort(pairs.begin(), pairs.end(), [](const join_pair& a, const join_pair& b) {
        return a.left != b.left ? a.left < b.left : a.right < b.right;
    });
    return pairs;
}

} // namespace

std::vector<join_pair> similarity_join(std::span<const std::u32string> left,
                                       std::span<const std::u32string> right, const edit_budget& budget,
                                       std::span<const std::uint64_t> left_groups,
                                       std::span<const std::uint64_t> right_groups, group_rule rule,
                                       const join_options& options, join_stats* stats) {
    check_groups(left, right, left_groups, right_groups, rule);
    if (left.empty() || right.empty()) return {};
    if (rule == group_rule::different) {
        std::unordered_map<std::uint64_t, std::size_t> sizes;
        for (auto* side : {&left_groups, &right_groups})
            for (std::uint64_t g : *side)
                ++sizes[g];
        const auto largest = std::max_element(
            sizes.begin(), sizes.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
        if (largest->second * 4 > left.size() + right.size())
            return join_around_dominant_group(left, right, budget, left_groups, right_groups, options, stats,
                                              largest->first);
    }
    return indexed_join(left, right, budget, left_groups, right_groups, rule, options, stats);
}

namespace {

std::vector<join_pair> indexed_join(std::span<const std::u32string> left,
                                    std::span<const std::u32string> right, const edit_budget& budget,
                                    std::span<const std::uint64_t> left_groups,
                                    std::span<const std::uint64_t> right_groups, group_rule rule,
                                    const join_options& options, join_stats* stats) {
    if (left.empty() || right.empty()) return {};
    const name_index index(std::vector<std::u32string>(left.begin(), left.end()), budget,
                           rule == group_rule::any ? std::span<const std::uint64_t>{} : left_groups, rule,
                           options);
    const std::size_t threads = detail::thread_count(options.threads);
    constexpr std::size_t block = 512;
    const std::size_t blocks = (right.size() + block - 1) / block;
    std::vector<std::vector<join_pair>> per_block(blocks);
    std::vector<join_stats> per_block_stats(stats ? blocks : 0);
    std::vector<std::unique_ptr<name_index::scratch>> scratches(threads);
    for (auto& s : scratches)
        s = index.make_scratch();
    detail::parallel_blocks(right.size(), block, threads,
                            [&](std::size_t worker, std::size_t begin, std::size_t end, std::size_t b) {
                                join_stats* st = stats ? &per_block_stats[b] : nullptr;
                                for (std::size_t j = begin; j < end; ++j)
                                    index.within(right[j], rule == group_rule::any ? 0 : right_groups[j],
                                                 static_cast<std::uint32_t>(j), *scratches[worker],
                                                 per_block[b], st);
                            });
    std::vector<join_pair> pairs;
    std::size_t total = 0;
    for (const auto& v : per_block)
        total += v.size();
    pairs.reserve(total);
    for (auto& v : per_block)
        pairs.insert(pairs.end(), v.begin(), v.end());
    std::sort(pairs.begin(), pairs.end(), [](const join_pair& a, const join_pair& b) {
        return a.left != b.left ? a.left < b.left : a.right < b.right;
    });
    if (stats) {
        stats->index_entries += index.index_entries();
        for (const join_stats& st : per_block_stats) {
            stats->postings += st.postings;
            stats->candidates += st.candidates;
            stats->verified += st.verified;
            stats->direct += st.direct;
        }
        stats->matches += pairs.size();
    }
    return pairs;
}

} // namespace

std::vector<join_pair>
similarity_join_brute_force(std::span<const std::u32string> left, std::span<const std::u32string> right,
                            const edit_budget& budget, std::span<const std::uint64_t> left_groups,
                            std::span<const std::uint64_t> right_groups, group_rule rule) {
    check_groups(left, right, left_groups, right_groups, rule);
    std::vector<join_pair> pairs;
    for (std::size_t i = 0; i < left.size(); ++i)
        for (std::size_t j = 0; j < right.size(); ++j) {
            if (!left_groups.empty() && !groups_allow(rule, left_groups[i], right_groups[j])) continue;
            const std::ptrdiff_t k = budget.at(std::max(left[i].size(), right[j].size()));
            if (k < 0) continue;
            const std::size_t d = damerau_levenshtein(left[i], right[j]);
            if (d <= static_cast<std::size_t>(k))
                pairs.push_back({static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(j),
                                 static_cast<std::uint32_t>(d)});
        }
    return pairs;
}

} // namespace masq
