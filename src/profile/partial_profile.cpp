// SPDX-License-Identifier: MIT
// The partial profile's bytes (partial_profile.h says why the format is masq's own). Layout:
// "MASQPRT2", per task its line count and problems (counts per kind, then the kept ones), the
// read statistics, the sample limit, a table of host names (a fleet's hosts recur in thousands of names'
// variants), then each name with its counts, times and variants. (MASQPRT1 also listed each
// name's paths, parents and original names with counts, which are its variants' sums.)

#include "masq/partial_profile.h"

#include <array>
#include <new>
#include <stdexcept>

namespace masq {
namespace {

constexpr std::string_view magic = "MASQPRT2";
/// A sample's order is its task << task_shift | its line in the task's range (profile_builder.h).
constexpr unsigned task_shift = 40;

class writer {
  public:
    void number(std::uint64_t v) {
        while (v >= 0x80) {
            out.push_back(static_cast<char>((v & 0x7F) | 0x80));
            v >>= 7;
        }
        out.push_back(static_cast<char>(v));
    }
    void signed_number(std::int64_t v) { // zigzag: small negative times stay short
        number((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
    }
    void text(std::string_view s) {
        number(s.size());
        out.append(s);
    }
    void optional_text(const std::optional<std::string_view>& s) {
        out.push_back(s ? 1 : 0);
        if (s) text(*s);
    }
    void optional_number(const std::optional<std::uint64_t>& v) {
        out.push_back(v ? 1 : 0);
        if (v) number(*v);
    }
    std::string out;
};

/// Reads what `writer` wrote; the first failure sticks (every later read returns nothing).
class reader {
  public:
    explicit reader(std::string_view bytes) : data_(bytes) {}
    bool ok() const noexcept { return error_.empty(); }
    const std::string& error() const noexcept { return error_; }
    void fail(std::string why) {
        if (error_.empty()) error_ = std::move(why);
    }
    std::size_t left() const noexcept { return data_.size() - at_; }

    std::uint64_t number() {
        std::uint64_t v = 0;
        for (unsigned shift = 0; ok(); shift += 7) {
            if (at_ == data_.size()) {
                fail("ends inside a number");
                break;
            }
            const auto byte = static_cast<unsigned char>(data_[at_++]);
            if (shift == 63 && byte > 1) {
                fail("a number is too large");
                break;
            }
            v |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
            if ((byte & 0x80) == 0) return v;
        }
        return 0;
    }
    std::int64_t signed_number() {
        const std::uint64_t z = number();
        return static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
    }
    /// A count of items that each take at least `min_bytes`: more than the bytes left is a lie.
    std::uint64_t count(std::size_t min_bytes = 1) {
        const std::uint64_t n = number();
        if (ok() && n > left() / min_bytes) fail("a count is larger than the bytes left");
        return ok() ? n : 0;
    }
    std::string_view text() {
        const std::uint64_t n = number();
        if (!ok()) return {};
        if (n > left()) {
            fail("a string runs past the end");
            return {};
        }
        const std::string_view s = data_.substr(at_, static_cast<std::size_t>(n));
        at_ += static_cast<std::size_t>(n);
        return s;
    }
    bool flag() {
        if (!ok()) return false;
        if (at_ == data_.size()) {
            fail("ends inside a flag");
            return false;
        }
        const auto byte = static_cast<unsigned char>(data_[at_++]);
        if (byte > 1) fail("a flag is neither 0 nor 1");
        return byte == 1;
    }
    std::optional<std::string> optional_text() {
        if (!flag()) return std::nullopt;
        return std::string(text());
    }
    std::optional<std::uint64_t> optional_number() {
        if (!flag()) return std::nullopt;
        return number();
    }
    /// `text()`, kept in `pool` (the view returned points there).
    std::string_view text_in(string_pool& pool) {
        const std::string_view s = text();
        return ok() ? pool.intern(s) : std::string_view();
    }
    std::optional<std::string_view> optional_text_in(string_pool& pool) {
        if (!flag()) return std::nullopt;
        return text_in(pool);
    }
    bool skip_magic() {
        if (data_.substr(0, magic.size()) != magic) {
            fail("not a masq partial profile (no MASQPRT2 magic)");
            return false;
        }
        at_ = magic.size();
        return true;
    }
    bool at_end() const noexcept { return at_ == data_.size(); }

  private:
    std::string_view data_;
    std::size_t at_ = 0;
    std::string error_;
};

/// The read statistics in a fixed order (merge_seconds is the driver's, not sent).
template <class F>
void each_stat(read_stats& s, F&& f) {
    for (std::uint64_t* v :
         {&s.files, &s.bytes, &s.lines, &s.records, &s.events, &s.other_events, &s.skipped_lines,
          &s.outside_window, &s.pruned_files, &s.duplicates, &s.names_from_path, &s.events_without_host,
          &s.events_without_time, &s.recovered_records, &s.recovered_dropped})
        f(*v);
}

void write_sample(writer& w, const variant_sample& s) {
    w.out.push_back(s.time ? 1 : 0);
    if (s.time) w.signed_number(*s.time);
    for (const std::string_view t : {s.host, s.user, s.hashes, s.source, s.command_line})
        w.text(t);
    w.optional_number(s.process_id);
    w.optional_number(s.parent_process_id);
    w.number(s.line);
    w.optional_number(s.record_id);
    w.number(s.order);
}

variant_sample read_sample(reader& r, string_pool& pool) {
    variant_sample s;
    if (r.flag()) s.time = r.signed_number();
    for (std::string_view* t : {&s.host, &s.user, &s.hashes, &s.source})
        *t = r.text_in(pool);
    s.command_line = pool.store(r.text()); // mostly one per event: stored, not interned (profile.h)
    s.process_id = r.optional_number();
    s.parent_process_id = r.optional_number();
    s.line = r.number();
    s.record_id = r.optional_number();
    s.order = r.number();
    return s;
}

void decode_problems(reader& r, diagnostics& out) {
    std::array<std::uint64_t, problem_kind_count> counts{};
    for (auto& c : counts)
        c = r.number();
    std::array<std::uint64_t, problem_kind_count> kept{};
    for (std::uint64_t n = r.count(5); n > 0 && r.ok(); --n) {
        const std::uint64_t kind = r.number();
        if (kind >= problem_kind_count) return r.fail("an unknown problem kind");
        diagnostic d{static_cast<problem_kind>(kind), std::string(r.text()), r.number(),
                     std::string(r.text()), std::string(r.text())};
        if (!r.ok()) return;
        if (++kept[kind] > counts[kind]) return r.fail("more problems kept than counted");
        out.report(std::move(d));
    }
    for (std::size_t k = 0; k < problem_kind_count; ++k)
        out.count_unkept(static_cast<problem_kind>(k), counts[k] - kept[k]);
}

void decode(reader& r, partial_profile& out) {
    if (!r.skip_magic()) return;
    for (std::uint64_t n = r.count(1 + problem_kind_count + 1); n > 0 && r.ok(); --n) {
        out.task_lines.push_back(r.number());
        decode_problems(r, out.task_problems.emplace_back(false));
    }
    each_stat(out.stats, [&](std::uint64_t& v) { v = r.number(); });
    out.sample_limit = static_cast<std::size_t>(r.number());
    std::vector<std::string_view> hosts;
    for (std::uint64_t n = r.count(1); n > 0 && r.ok(); --n)
        hosts.push_back(r.text_in(out.text));
    for (std::uint64_t n = r.count(8); n > 0 && r.ok(); --n) {
        std::optional<std::string> name = r.optional_text();
        name_stats s;
        s.count = r.number();
        s.user_count = r.number();
        s.synthetic_count = r.number();
        s.first_seen = r.signed_number();
        s.last_seen = r.signed_number();
        for (std::uint64_t v = r.count(8); v > 0 && r.ok(); --v) {
            variant_key key{r.optional_text_in(out.text), r.optional_text_in(out.text),
                            r.optional_text_in(out.text), r.optional_text_in(out.text)};
            variant_stats vs;
            vs.count = r.number();
            vs.first_seen = r.signed_number();
            vs.last_seen = r.signed_number();
            for (std::uint64_t h = r.count(2); h > 0 && r.ok(); --h) {
                const std::uint64_t id = r.number();
                const std::uint64_t c = r.number();
                if (r.ok() && id >= hosts.size()) return r.fail("a host index is out of range");
                if (r.ok() && !vs.hosts.emplace(hosts[static_cast<std::size_t>(id)], c).second)
                    return r.fail("a host is listed twice in a variant");
            }
            for (std::uint64_t k = r.count(12); k > 0 && r.ok(); --k) {
                vs.samples.push_back(read_sample(r, out.text));
                if (r.ok() && (vs.samples.back().order >> task_shift) >= out.task_lines.size())
                    return r.fail("a sample of a task that is not there");
            }
            if (r.ok() && !s.variants.emplace(std::move(key), std::move(vs)).second)
                return r.fail("a variant is listed twice");
        }
        if (r.ok()) out.names.emplace_back(std::move(name), std::move(s));
    }
    if (r.ok() && !r.at_end()) r.fail("bytes after the last name");
}

} // namespace

std::string encode_partial(const process_profile& profile, std::span<const std::uint64_t> task_lines,
                           std::span<const diagnostics> task_problems, const read_stats& stats) {
    writer w;
    w.out.append(magic);
    w.number(task_lines.size());
    for (std::size_t t = 0; t < task_lines.size(); ++t) {
        w.number(task_lines[t]);
        static const diagnostics none(false);
        const diagnostics& problems = t < task_problems.size() ? task_problems[t] : none;
        for (std::size_t k = 0; k < problem_kind_count; ++k)
            w.number(problems.count(static_cast<problem_kind>(k)));
        w.number(problems.kept().size());
        for (const diagnostic& d : problems.kept()) {
            w.number(static_cast<std::uint64_t>(d.kind));
            w.text(d.file);
            w.number(d.line);
            w.text(d.field);
            w.text(d.message);
        }
    }
    read_stats s = stats;
    each_stat(s, [&](std::uint64_t& v) { w.number(v); });
    w.number(profile.sample_limit());
    // The host table: each distinct host once, referred to by its index.
    absl::flat_hash_map<std::string_view, std::uint64_t> host_ids;
    std::vector<std::string_view> host_order;
    std::size_t names = 0;
    profile.for_each_sorted([&](std::optional<std::string_view>, const name_stats& n) {
        ++names;
        for (const auto& [key, v] : n.variants)
            for (const auto& [host, c] : v.hosts)
                if (host_ids.emplace(host, host_order.size()).second) host_order.push_back(host);
    });
    w.number(host_order.size());
    for (const std::string_view h : host_order)
        w.text(h);
    w.number(names);
    profile.for_each_sorted([&](std::optional<std::string_view> name, const name_stats& n) {
        w.out.push_back(name ? 1 : 0);
        if (name) w.text(*name);
        w.number(n.count);
        w.number(n.user_count);
        w.number(n.synthetic_count);
        w.signed_number(n.first_seen);
        w.signed_number(n.last_seen);
        w.number(n.variants.size());
        for (const auto& [key, v] : n.variants) {
            w.optional_text(key.path);
            w.optional_text(key.parent);
            w.optional_text(key.original_name);
            w.optional_text(key.image_hash);
            w.number(v.count);
            w.signed_number(v.first_seen);
            w.signed_number(v.last_seen);
            w.number(v.hosts.size());
            for (const auto& [host, c] : v.hosts) {
                w.number(host_ids.at(host));
                w.number(c);
            }
            w.number(v.samples.size());
            for (const variant_sample& sample : v.samples)
                write_sample(w, sample);
        }
    });
    return std::move(w.out);
}

std::string decode_partial(std::string_view bytes, partial_profile& out) noexcept {
    try {
        reader r(bytes);
        decode(r, out);
        return r.error();
    } catch (const std::bad_alloc&) {
        return "out of memory while decoding";
    } catch (const std::exception& e) {
        return e.what();
    }
}

void add_partial(process_profile& profile, diagnostics& diag, read_stats& stats, partial_profile&& part,
                 std::span<const task_place> places) {
    if (places.size() != part.task_lines.size())
        throw std::invalid_argument("add_partial: " + std::to_string(places.size()) + " places for " +
                                    std::to_string(part.task_lines.size()) + " tasks");
    // As profile_builder::flush_into renumbers a thread's samples: the line in the range becomes
    // the line in the file, and the order (file, line in it) is the same however the file was cut.
    const std::uint64_t line_mask = (std::uint64_t{1} << task_shift) - 1;
    for (auto& [name, s] : part.names) {
        for (auto& [key, v] : s.variants)
            for (variant_sample& sample : v.samples) {
                const task_place& place = places[sample.order >> task_shift]; // checked by decode
                const std::uint64_t file_line = place.line_offset + (sample.order & line_mask);
                if (sample.line != 0) sample.line = file_line;
                sample.order = place.file_index << task_shift | file_line;
            }
        profile.add_stats(name ? std::optional<std::string_view>(*name) : std::nullopt, std::move(s));
    }
    stats.merge(part.stats);
    for (std::size_t t = 0; t < places.size(); ++t)
        diag.absorb(part.task_problems[t], places[t].line_offset);
    part = partial_profile{};
}

} // namespace masq
