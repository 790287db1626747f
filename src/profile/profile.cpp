// SPDX-License-Identifier: MIT
#include "masq/profile.h"

#include "masq/util/text.h"
#include "masq/util/unicode.h"
#include "util/parallel.h"

#include <algorithm>
#include <cctype>

namespace masq {
namespace {

void add_count(host_count_map& map, string_pool& pool, std::string_view key, std::uint64_t n) {
    if (auto it = map.find(key); it != map.end())
        it->second += n;
    else
        map.emplace(pool.intern(key), n);
}

template <class Map>
std::vector<value_count> sorted_values(const Map& values, std::size_t limit) {
    std::vector<value_count> out;
    out.reserve(values.size());
    for (const auto& [value, count] : values)
        out.push_back({std::string(value), count});
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

} // namespace

namespace {

template <class Sample>
bool input_order(const Sample& a, const Sample& b) noexcept {
    if (a.order != b.order) return a.order < b.order;
    if (a.source != b.source) return std::string_view(a.source) < std::string_view(b.source);
    if (a.line != b.line) return a.line < b.line;
    return a.record_id < b.record_id;
}

template <class Sample>
void keep_earliest(std::vector<Sample>& samples, Sample sample, std::size_t limit) {
    if (limit == 0) return;
    if (samples.size() >= limit && !sample_before(sample, samples.back())) return;
    if (std::find(samples.begin(), samples.end(), sample) != samples.end()) return;
    // Never more room than `limit` samples: the vector's doubling gave a variant of three samples
    // room for four, 160 bytes of nothing (samples are most of a name's bytes), and an insertion
    // into a full vector room for six before the pop.
    if (samples.size() >= limit) samples.pop_back(); // `sample` comes before the last (checked above)
    if (samples.size() == samples.capacity())
        samples.reserve(std::min(limit, std::max<std::size_t>(1, 2 * samples.size())));
    const auto at = std::upper_bound(samples.begin(), samples.end(), sample,
                                     [](const Sample& a, const Sample& b) { return sample_before(a, b); });
    samples.insert(at, std::move(sample));
}

/// `s` in `pool`; an empty view stays empty (no entry for "not logged").
std::string_view pooled(string_pool& pool, std::string_view s) {
    return s.empty() ? std::string_view() : pool.intern(s);
}

std::string_view pooled(string_pool& pool, const std::optional<std::string_view>& s) {
    return s ? pooled(pool, *s) : std::string_view();
}

std::optional<std::string_view> pooled_key(string_pool& pool, const std::optional<std::string_view>& s) {
    return s ? std::optional<std::string_view>(pool.intern(*s)) : std::nullopt;
}

/// `key` with its text in `pool` (an empty path stays a path, unlike a sample's empty host).
variant_key interned(const variant_key& key, string_pool& pool) {
    return {pooled_key(pool, key.path), pooled_key(pool, key.parent), pooled_key(pool, key.original_name),
            pooled_key(pool, key.image_hash)};
}

void intern_sample(variant_sample& s, string_pool& pool) {
    s.host = pooled(pool, s.host);
    s.user = pooled(pool, s.user);
    s.hashes = pooled(pool, s.hashes);
    s.source = pooled(pool, s.source);
    s.command_line = pool.store(s.command_line);
}

} // namespace

bool sample_before(const event_sample& a, const event_sample& b) noexcept {
    return input_order(a, b);
}

bool sample_before(const variant_sample& a, const variant_sample& b) noexcept {
    return input_order(a, b);
}

bool sample_earlier(const event_sample& a, const event_sample& b) noexcept {
    if (a.time != b.time) {
        if (!a.time) return false;
        if (!b.time) return true;
        return *a.time < *b.time;
    }
    return sample_before(a, b);
}

void keep_sample(std::vector<event_sample>& samples, event_sample sample, std::size_t limit) {
    keep_earliest(samples, std::move(sample), limit);
}

void keep_sample(std::vector<variant_sample>& samples, variant_sample sample, std::size_t limit) {
    keep_earliest(samples, std::move(sample), limit);
}

event_sample make_sample(const process_event& e) {
    event_sample s;
    s.time = e.time;
    const auto copy = [](const std::optional<std::string_view>& v) {
        return v ? std::string(*v) : std::string();
    };
    s.host = copy(e.host);
    s.user = copy(e.user);
    s.path = copy(e.path);
    s.parent = copy(e.parent_path);
    s.command_line = e.command_line_json ? json_unescape(*e.command_line_json) : copy(e.command_line);
    s.original_file_name = copy(e.original_file_name);
    s.hashes = copy(e.hashes);
    s.process_id = e.process_id;
    s.parent_process_id = e.parent_process_id;
    s.source = std::string(e.source);
    s.line = e.line;
    s.record_id = e.record_id;
    return s;
}

variant_sample make_variant_sample(const process_event& e, string_pool& pool) {
    return make_variant_sample(e, pool, pooled(pool, e.host), pooled(pool, e.hashes), pooled(pool, e.source));
}

variant_sample make_variant_sample(const process_event& e, string_pool& pool, std::string_view host,
                                   std::string_view hashes, std::string_view source) {
    variant_sample s;
    s.time = e.time;
    s.host = host;
    s.user = pooled(pool, e.user);
    s.hashes = hashes;
    s.source = source;
    if (e.command_line_json)
        s.command_line = pool.store(json_unescape(*e.command_line_json));
    else if (e.command_line)
        s.command_line = pool.store(*e.command_line);
    s.process_id = e.process_id;
    s.parent_process_id = e.parent_process_id;
    s.line = e.line;
    s.record_id = e.record_id;
    return s;
}

namespace {

bool hex_digest(std::string_view s) noexcept {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

bool all_zero_or_empty_file(std::string_view algorithm, std::string_view hex) noexcept {
    // The digests of zero bytes (FIPS 180-4 and RFC 1321 test values) and all-zero placeholders.
    if (std::all_of(hex.begin(), hex.end(), [](char c) { return c == '0'; })) return true;
    if (algorithm == "sha256")
        return hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    if (algorithm == "sha1") return hex == "da39a3ee5e6b4b0d3255bfef95601890afd80709";
    return hex == "d41d8cd98f00b204e9800998ecf8427e";
}

} // namespace

std::string image_hash_key(std::string_view hashes) {
    constexpr std::string_view order[] = {"sha256", "sha1", "md5"};
    std::string found[3];
    const auto keep = [&](std::string_view algorithm, std::string_view hex) {
        for (std::size_t i = 0; i < 3; ++i) {
            if (order[i] != algorithm) continue;
            const std::size_t want = i == 0 ? 64 : i == 1 ? 40 : 32;
            if (hex.size() != want || !hex_digest(hex)) return;
            std::string lowered(hex);
            for (char& c : lowered)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (!all_zero_or_empty_file(algorithm, lowered) && found[i].empty())
                found[i] = std::move(lowered);
        }
    };
    for (std::size_t start = 0; start < hashes.size();) {
        std::size_t end = hashes.find_first_of(",; ", start);
        if (end == std::string_view::npos) end = hashes.size();
        std::string_view item = hashes.substr(start, end - start);
        start = end + 1;
        const std::size_t eq = item.find('=');
        if (eq == std::string_view::npos) { // a bare digest: its length tells the algorithm
            keep(item.size() == 64   ? "sha256"
                 : item.size() == 40 ? "sha1"
                 : item.size() == 32 ? "md5"
                                     : "",
                 item);
            continue;
        }
        std::string algorithm(item.substr(0, eq));
        for (char& c : algorithm)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (algorithm == "sha-256") algorithm = "sha256";
        if (algorithm == "sha-1") algorithm = "sha1";
        keep(algorithm, item.substr(eq + 1));
    }
    for (std::size_t i = 0; i < 3; ++i)
        if (!found[i].empty()) return std::string(order[i]) + "=" + found[i];
    return {};
}

event_sample sample_in(const variant_sample& stored, const variant_key& key) {
    event_sample s;
    s.time = stored.time;
    s.host = std::string(stored.host);
    s.user = std::string(stored.user);
    s.command_line = std::string(stored.command_line);
    s.hashes = std::string(stored.hashes);
    s.process_id = stored.process_id;
    s.parent_process_id = stored.parent_process_id;
    s.source = std::string(stored.source);
    s.line = stored.line;
    s.record_id = stored.record_id;
    s.order = stored.order;
    s.path = key.path.value_or(std::string());
    s.parent = key.parent.value_or(std::string());
    s.original_file_name = key.original_name.value_or(std::string());
    return s;
}

void variant_stats::merge(const variant_stats& other, std::size_t sample_limit, string_pool* pool) {
    count += other.count;
    for (const auto& [host, n] : other.hosts)
        if (pool != nullptr)
            add_count(hosts, *pool, host, n);
        else
            hosts[host] += n;
    first_seen = std::min(first_seen, other.first_seen);
    last_seen = std::max(last_seen, other.last_seen);
    for (variant_sample s : other.samples) {
        if (sample_limit == 0) break;
        // Before the comparisons: a sample already kept is found equal by content either way,
        // but only the pool's views outlive `other`.
        if (samples.size() >= sample_limit && !sample_before(s, samples.back())) continue;
        if (pool != nullptr) intern_sample(s, *pool);
        keep_sample(samples, std::move(s), sample_limit);
    }
}

void variant_stats::intern_in(string_pool& pool) {
    host_count_map pooled_hosts;
    pooled_hosts.reserve(hosts.size());
    for (const auto& [host, n] : hosts)
        pooled_hosts.emplace(pool.intern(host), n);
    hosts = std::move(pooled_hosts);
    for (variant_sample& s : samples)
        intern_sample(s, pool);
}

void name_stats::merge(const name_stats& other, std::size_t sample_limit, string_pool& hosts_pool) {
    count += other.count;
    user_count += other.user_count;
    synthetic_count += other.synthetic_count;
    first_seen = std::min(first_seen, other.first_seen);
    last_seen = std::max(last_seen, other.last_seen);
    for (const auto& [key, v] : other.variants) {
        auto it = variants.find(key);
        if (it == variants.end()) it = variants.try_emplace(interned(key, hosts_pool)).first;
        it->second.merge(v, sample_limit, &hosts_pool);
    }
}

void name_stats::absorb(name_stats&& other, std::size_t sample_limit, string_pool& hosts_pool,
                        bool text_owned) {
    count += other.count;
    user_count += other.user_count;
    synthetic_count += other.synthetic_count;
    first_seen = std::min(first_seen, other.first_seen);
    last_seen = std::max(last_seen, other.last_seen);
    if (text_owned && variants.empty()) {
        variants = std::move(other.variants);
        other.variants.clear();
        return;
    }
    // A variant new to this name moves in whole (samples, hosts); its text is re-pointed into
    // this profile's pool unless it already lives as long as the pool.
    if (variants.empty()) variants.reserve(other.variants.size());
    for (auto& [key, v] : other.variants) {
        if (const auto it = variants.find(key); it != variants.end()) {
            it->second.merge(v, sample_limit, text_owned ? nullptr : &hosts_pool);
            continue;
        }
        if (text_owned) {
            variants.emplace(key, std::move(v));
            continue;
        }
        v.intern_in(hosts_pool);
        variants.emplace(interned(key, hosts_pool), std::move(v));
    }
    other.variants.clear();
}

host_count_map hosts_of(const name_stats& stats) {
    host_count_map hosts;
    for (const auto& [key, v] : stats.variants)
        for (const auto& [host, n] : v.hosts)
            hosts[host] += n;
    return hosts;
}

namespace {

string_count_map sum_of(const name_stats& stats, std::optional<std::string_view> variant_key::*field) {
    string_count_map values;
    for (const auto& [key, v] : stats.variants)
        if (const auto& value = key.*field; value && v.count != 0) values[*value] += v.count;
    return values; // (a variant of no events, only hosts or samples added to it, names no value)
}

} // namespace

string_count_map paths_of(const name_stats& stats) {
    return sum_of(stats, &variant_key::path);
}

string_count_map parents_of(const name_stats& stats) {
    return sum_of(stats, &variant_key::parent);
}

string_count_map original_names_of(const name_stats& stats) {
    return sum_of(stats, &variant_key::original_name);
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

std::vector<value_count> top_values(const string_count_map& values, std::size_t limit) {
    return sorted_values(values, limit);
}

// A copy interns the hosts in a pool of its own: the original's views die with the original.
process_profile::process_profile(const process_profile& other) : sample_limit_(other.sample_limit_) {
    merge(other);
}

process_profile& process_profile::operator=(const process_profile& other) {
    if (this != &other) *this = process_profile(other);
    return *this;
}

name_stats& process_profile::stats_for(const std::optional<std::string_view>& process) {
    if (!process) return stats_named(std::nullopt);
    if (auto cached = by_raw_name_.find(*process); cached != by_raw_name_.end()) return *cached->second;
    to_lower_full(*process, lowered_);
    name_stats& stats = stats_named(std::string_view(lowered_));
    by_raw_name_.emplace(std::string(*process), &stats);
    return stats;
}

name_stats& process_profile::stats_named(const std::optional<std::string_view>& lowered_name,
                                         bool text_owned) {
    if (!lowered_name) {
        if (!null_name_) null_name_.emplace();
        return *null_name_;
    }
    auto it = names_.find(*lowered_name);
    if (it == names_.end())
        it = names_
                 .emplace(text_owned ? *lowered_name : names_text_.store(*lowered_name),
                          &own_stats_.emplace_back())
                 .first;
    return *it->second;
}

void process_profile::add(const process_event& event) {
    name_stats& stats = stats_for(event.process);
    ++events_;
    stats.tally(event);
    std::optional<std::string_view> image_hash;
    if (event.hashes)
        if (const std::string key = image_hash_key(*event.hashes); !key.empty())
            image_hash = hosts_.intern(key);
    variant_stats& v =
        stats.variants[variant_key{pooled_key(hosts_, event.path), pooled_key(hosts_, event.parent_path),
                                   pooled_key(hosts_, event.original_file_name), image_hash}];
    ++v.count;
    if (event.host) add_count(v.hosts, hosts_, *event.host, 1);
    if (event.time) {
        v.first_seen = std::min(v.first_seen, *event.time);
        v.last_seen = std::max(v.last_seen, *event.time);
    }
    // Events come in input order, so the first `sample_limit_` are the ones to keep.
    if (v.samples.size() < sample_limit_) {
        variant_sample sample = make_variant_sample(event, hosts_);
        sample.order = events_;
        keep_sample(v.samples, std::move(sample), sample_limit_);
    }
}

void process_profile::add_stats(std::optional<std::string_view> lowered_name, const name_stats& stats) {
    events_ += stats.count;
    stats_named(lowered_name).merge(stats, sample_limit_, hosts_);
}

void process_profile::add_owned_stats(std::optional<std::string_view> lowered_name, name_stats&& stats) {
    events_ += stats.count;
    // The name's text lives in an arena this profile adopted: the key is the caller's view.
    stats_named(lowered_name, true).absorb(std::move(stats), sample_limit_, hosts_, true);
}

void process_profile::add_stats(std::optional<std::string_view> lowered_name, name_stats&& stats) {
    events_ += stats.count;
    stats_named(lowered_name).absorb(std::move(stats), sample_limit_, hosts_);
}

void process_profile::merge(const process_profile& other) {
    events_ += other.events_;
    if (other.null_name_) stats_named(std::nullopt).merge(*other.null_name_, sample_limit_, hosts_);
    for (const auto& [name, stats] : other.names_)
        stats_named(name).merge(*stats, sample_limit_, hosts_); // a copy's hosts would point into `other`
}

const name_stats* process_profile::find(std::optional<std::string_view> name) const {
    if (!name) return null_name_ ? &*null_name_ : nullptr;
    const auto it = names_.find(*name);
    return it == names_.end() ? nullptr : it->second;
}

void process_profile::adopt_owned_stats(std::span<const std::string_view> names,
                                        std::span<name_stats* const> stats, std::shared_ptr<void> owner,
                                        unsigned threads) {
    keep_alive_.push_back(std::move(owner));
    // New names are an insertion each; names the profile has absorb the adopted stats, each pair
    // on its own (`absorb` of text the profile owns touches no pool), so over the threads.
    std::vector<std::pair<name_stats*, name_stats*>> absorbed;
    for (std::size_t i = 0; i < names.size(); ++i) {
        events_ += stats[i]->count;
        const auto [it, inserted] = names_.emplace(names[i], stats[i]);
        if (!inserted) absorbed.emplace_back(it->second, stats[i]);
    }
    detail::parallel_blocks(absorbed.size(), 4096, detail::thread_count(threads),
                            [&](std::size_t, std::size_t begin, std::size_t end, std::size_t) {
                                for (std::size_t i = begin; i < end; ++i) {
                                    auto& [into, adopted] = absorbed[i];
                                    into->absorb(std::move(*adopted), sample_limit_, hosts_, true);
                                    *adopted = name_stats{}; // what was not moved is freed now
                                }
                            });
}

} // namespace masq
