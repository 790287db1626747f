// SPDX-License-Identifier: MIT
// The one reader driver: every front end (detect, explain, convert, Python) reads through here.
// It decides how an input is read — files whole or in byte ranges, blobs, EVTX, standard input,
// on how many threads, with which window and de-duplication — and leaves to the format files
// (formats/*.cpp) only the mapping of each record's fields to a `process_event`.

#include "masq/read.h"

#include "masq/util/timestamp.h"
#include "profile/profile_builder.h"
#include "sources/azure_blob.h"
#include "sources/formats/evtx.h"
#include "sources/line_reader.h"
#include "sources/record.h"
#include "util/parallel.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <limits>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>

namespace masq {
namespace {

constexpr std::uint64_t whole_file = std::numeric_limits<std::uint64_t>::max();

std::string_view display_name(const std::string& path) {
    return path == "-" ? std::string_view("<stdin>") : std::string_view(path);
}

/// Names the input of every event a reader hands on without one (`process_event::source`).
class source_stamp final : public event_sink {
  public:
    source_stamp(event_sink& sink, std::string_view source) : sink_(sink), source_(source) {}
    void on_event(const process_event& event) override {
        if (!event.source.empty()) return sink_.on_event(event);
        process_event stamped = event;
        stamped.source = source_;
        sink_.on_event(stamped);
    }

  private:
    event_sink& sink_;
    std::string_view source_;
};

/// Reads one input, or the byte range [begin, end) of a plain line file, into `sink`. Returns the
/// lines read (to number the problems of the ranges after it). Whatever fails below — a hostile
/// input that exhausts memory, a library that throws — is a problem of this input: it is
/// reported with the file's name and never escapes to the caller's thread (only a strict
/// collector's own `input_error` does, which is how strict mode stops a run).
std::uint64_t read_input(const std::string& path, std::uint64_t begin, std::uint64_t end, event_sink& sink,
                         diagnostics& diag, read_stats& stats, const read_options& options,
                         detail::record_set* seen) {
    try {
        if (detail::is_blob_url(path)) {
            detail::read_blob_exports(path, options.blob, sink, diag, stats, options);
            return 0;
        }
        if (path != "-" && detail::is_evtx_file(path)) {
            source_stamp stamped(sink, display_name(path));
            detail::read_evtx(path, begin, end, stamped, diag, stats, options.window);
            return 0;
        }
        const detail::parser_context context{display_name(path), sink, diag,           stats,
                                             options.window,     seen, &options.fields};
        const std::unique_ptr<detail::line_parser> parser = detail::make_line_parser(options.format, context);
        const detail::line_read r = detail::for_each_line(
            path, diag, [&](const detail::padded_line& line) { parser->parse(line); }, options.chunk_size,
            begin, end, options.progress, options.max_record_bytes, options.max_expansion);
        const bool whole = begin == 0 && end == whole_file;
        if (begin == 0) ++stats.files;
        if (whole) stats.bytes += r.bytes;
        return r.lines;
    } catch (const input_error&) {
        throw;
    } catch (const std::bad_alloc&) {
        diag.report(problem_kind::unreadable_file, std::string(display_name(path)), 0, "",
                    "out of memory while reading this input; the rest of it is skipped");
    } catch (const std::exception& e) {
        diag.report(problem_kind::unreadable_file, std::string(display_name(path)), 0, "",
                    std::string("cannot be read: ") + e.what());
    }
    return 0;
}

/// One unit of parallel reading: a whole input, or a byte range of a large plain file.
struct read_task {
    std::size_t file;
    std::uint64_t begin = 0;
    std::uint64_t end = whole_file;
    bool split = false;
    // Results.
    diagnostics problems{false};
    std::uint64_t lines = 0;
};

} // namespace

std::span<const std::string_view> input_format_names() noexcept {
    static constexpr std::array<std::string_view, 6> names{"auto",     "sentinel", "ecs",
                                                           "defender", "sysmon",   "csv"};
    return names;
}

blob_options blob_options::from_environment() {
    blob_options o;
    if (const char* cs = std::getenv("AZURE_STORAGE_CONNECTION_STRING")) o.connection_string = cs;
    if (const char* key = std::getenv("AZURE_STORAGE_KEY")) o.account_key = key;
    if (const char* sas = std::getenv("AZURE_STORAGE_SAS_TOKEN")) o.sas_token = sas;
    return o;
}

time_window make_time_window(std::string_view from, std::string_view to, std::string_view since,
                             timestamp now) {
    const auto when = [](std::string_view text, const char* flag) -> std::optional<timestamp> {
        if (text.empty()) return std::nullopt;
        auto t = parse_iso8601(text);
        // A date alone (2019-01-15) is its midnight UTC, as KQL's datetime() reads it.
        if (!t && text.size() == 10 && text[4] == '-' && text[7] == '-')
            t = parse_iso8601(std::string(text) + "T00:00:00Z");
        if (!t) throw std::invalid_argument(fmt::format("{} '{}' is not an ISO-8601 time", flag, text));
        return t;
    };
    time_window window;
    window.from = when(from, "--from");
    window.to = when(to, "--to");
    if (!since.empty()) {
        const auto d = parse_duration(since);
        // A well-formed duration that parse_duration refused is one a timestamp cannot hold.
        if (!d && since.size() > 1 && since.find_first_not_of("0123456789") == since.size() - 1 &&
            std::string_view("smhdw").find(since.back()) != std::string_view::npos)
            throw std::invalid_argument(
                fmt::format("--since '{}' is too long (at most about 29,000 years)", since));
        if (!d)
            throw std::invalid_argument(
                fmt::format("--since '{}' is not a duration such as 24h, 30m or 7d", since));
        window.from = now - *d;
    }
    if (window.from && window.to && *window.from >= *window.to)
        throw std::invalid_argument(fmt::format("the time window is empty: --from {} is not before --to {}",
                                                format_iso8601(*window.from), format_iso8601(*window.to)));
    return window;
}

std::vector<read_range> plan_reads(std::span<const std::string> files, const read_options& options) {
    const std::size_t threads = detail::thread_count(options.threads);
    // Large plain files are cut into ranges of at least `min_range` (8 MiB), a few per thread so a
    // slow range does not hold the others up; compressed files and standard input are read whole.
    // (64 MiB left a 46 MB export of 100k names to one thread: 0.48 s reading instead of 0.37 s.)
    const std::uint64_t min_range = std::max<std::uint64_t>(options.min_range, 1);
    std::vector<read_range> tasks;
    for (std::size_t f = 0; f < files.size(); ++f) {
        std::error_code ec;
        const std::uint64_t size =
            files[f] == "-" ? 0 : static_cast<std::uint64_t>(std::filesystem::file_size(files[f], ec));
        // Only JSON lines split safely at any newline (a quoted CSV field may span lines); an
        // event log splits at any chunk (each of its 64 KiB chunks stands alone), so in smaller
        // ranges.
        const bool remote = detail::is_blob_url(files[f]);
        const bool evtx = threads > 1 && !ec && !remote && size >= 2 * detail::evtx_min_range &&
                          files[f] != "-" && detail::is_evtx_file(files[f]);
        const std::uint64_t range = evtx ? std::min(min_range, detail::evtx_min_range) : min_range;
        const bool splittable = threads > 1 && !ec && !remote && size >= 2 * range &&
                                (evtx || (options.format != input_format::csv &&
                                          detail::detect_compression(files[f]) == detail::compression::none &&
                                          detail::starts_with_json_object(files[f])));
        if (!splittable) {
            tasks.push_back(read_range{f, 0, whole_file, false, ec ? 0 : size});
            continue;
        }
        const std::uint64_t pieces = std::min<std::uint64_t>(threads * 4ull, size / range);
        for (std::uint64_t k = 0; k < pieces; ++k) {
            read_range t{f, size * k / pieces, k + 1 == pieces ? whole_file : size * (k + 1) / pieces, true,
                         0};
            t.bytes = t.end == whole_file ? size - t.begin : t.end - t.begin;
            tasks.push_back(t);
        }
    }
    return tasks;
}

void read_parts(std::span<const part_input> tasks, process_profile& profile,
                std::vector<std::uint64_t>& lines, std::vector<diagnostics>& problems, read_stats& stats,
                const read_options& options) {
    detail::profile_builder builder(options.samples);
    builder.set_name_from_path(options.name_from_path);
    // De-duplication sees these tasks only: a record repeated in another part is not dropped.
    std::unique_ptr<detail::record_set> seen =
        options.dedupe ? std::make_unique<detail::record_set>() : nullptr;
    read_stats part;
    lines.assign(tasks.size(), 0);
    problems.assign(tasks.size(), diagnostics(false));
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        const part_input& t = tasks[i];
        builder.begin_task(i);
        lines[i] = read_input(t.path, t.begin, t.end, builder, problems[i], part, options, seen.get());
        // A split file's size is counted once, by its first range (the ranges overlap by a partial line).
        if (t.begin == 0 && t.end != whole_file) {
            std::error_code ec;
            const auto size = std::filesystem::file_size(t.path, ec);
            if (!ec) part.bytes += static_cast<std::uint64_t>(size);
        }
    }
    part.names_from_path += builder.names_from_path();
    part.events_without_host += builder.without_host();
    part.events_without_time += builder.without_time();
    profile.set_sample_limit(options.samples);
    builder.flush_into(profile); // samples keep (task << 40 | line in its range) as their order
    stats.merge(part);
}

void read_into(std::span<const std::string> files, process_profile& profile, diagnostics& diag,
               read_stats& stats, const read_options& options) {
    const std::size_t threads = detail::thread_count(options.threads);
    std::vector<std::unique_ptr<read_task>> tasks;
    std::vector<std::uint64_t> task_bytes; // a task's size, to start the largest first
    for (const read_range& r : plan_reads(files, options)) {
        tasks.push_back(std::make_unique<read_task>(read_task{r.file, r.begin, r.end, r.split}));
        task_bytes.push_back(r.bytes);
    }
    const std::size_t workers = std::max<std::size_t>(1, std::min<std::size_t>(threads, tasks.size()));
    std::vector<detail::profile_builder> profiles;
    profiles.reserve(workers);
    for (std::size_t w = 0; w < workers; ++w) {
        profiles.emplace_back(options.samples);
        profiles.back().set_name_from_path(options.name_from_path);
    }
    profile.set_sample_limit(options.samples);
    std::unique_ptr<detail::record_set> seen =
        options.dedupe ? std::make_unique<detail::record_set>() : nullptr;
    std::vector<read_stats> worker_stats(workers);
    // The largest tasks first: a thread that takes a large log last holds the run up while the
    // others have nothing left (longest-processing-time-first scheduling; Graham, 1969). The
    // tasks keep their file order for the merge, so the output does not depend on this order.
    std::vector<std::size_t> order(tasks.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return task_bytes[a] > task_bytes[b]; });
    // One task at a time to whichever worker is free, which reads it into its own builder.
    detail::parallel_blocks(tasks.size(), 1, workers,
                            [&](std::size_t w, std::size_t k, std::size_t, std::size_t) {
                                const std::size_t i = order[k];
                                read_task& t = *tasks[i];
                                profiles[w].begin_task(i);
                                t.lines = read_input(files[t.file], t.begin, t.end, profiles[w], t.problems,
                                                     worker_stats[w], options, seen.get());
                            });
    // A split file's size is counted once here: its ranges overlap by a partial line.
    for (std::size_t f = 0; f < files.size(); ++f) {
        bool split = false;
        for (const auto& t : tasks)
            split = split || (t->file == f && t->split);
        std::error_code ec;
        if (split) stats.bytes += static_cast<std::uint64_t>(std::filesystem::file_size(files[f], ec));
    }
    // Problems and samples in file and line order: a range's lines are numbered after those of
    // the ranges before it in the same file.
    std::vector<std::uint64_t> line_offsets(tasks.size(), 0), task_files(tasks.size(), 0);
    std::uint64_t offset = 0;
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        if (i > 0 && tasks[i]->file != tasks[i - 1]->file) offset = 0;
        line_offsets[i] = offset;
        task_files[i] = tasks[i]->file;
        offset += tasks[i]->lines;
    }
    const auto merge_started = std::chrono::steady_clock::now();
    // The builders' names overlap, so their sum is an upper bound (at most twice the names with
    // two threads; a slot is a pointer and a control byte).
    std::size_t names = profile.distinct_names();
    for (const detail::profile_builder& b : profiles)
        names += b.distinct_names();
    profile.reserve(names);
    // Each builder puts its names in the profile's form on its own thread; the profile adopts
    // them, inserting the new names serially and merging the others over the threads.
    detail::parallel_blocks(workers, 1, workers, [&](std::size_t, std::size_t w, std::size_t, std::size_t) {
        profiles[w].finish(line_offsets, task_files);
    });
    for (std::size_t w = 0; w < workers; ++w) {
        worker_stats[w].names_from_path += profiles[w].names_from_path();
        worker_stats[w].events_without_host += profiles[w].without_host();
        worker_stats[w].events_without_time += profiles[w].without_time();
        profiles[w].flush_into(profile, line_offsets, task_files, static_cast<unsigned>(workers));
        stats.merge(worker_stats[w]);
    }
    stats.merge_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - merge_started).count();
    for (std::size_t i = 0; i < tasks.size(); ++i)
        diag.absorb(tasks[i]->problems, line_offsets[i]);
}

void read_events(const std::string& input, event_sink& sink, diagnostics& diag, read_stats& stats,
                 const read_options& options) {
    std::unique_ptr<detail::record_set> seen =
        options.dedupe ? std::make_unique<detail::record_set>() : nullptr;
    read_input(input, 0, whole_file, sink, diag, stats, options, seen.get());
}

void read_buffer(std::string_view data, std::string_view name, event_sink& sink, diagnostics& diag,
                 read_stats& stats, const read_options& options) {
    std::unique_ptr<detail::record_set> seen =
        options.dedupe ? std::make_unique<detail::record_set>() : nullptr;
    const detail::parser_context context{name,           sink,       diag,           stats,
                                         options.window, seen.get(), &options.fields};
    const std::unique_ptr<detail::line_parser> parser = detail::make_line_parser(options.format, context);
    ++stats.files;
    stats.bytes += detail::for_each_line_in_buffer(
        data, [&](const detail::padded_line& line) { parser->parse(line); }, &diag, name,
        options.max_record_bytes);
}

} // namespace masq
