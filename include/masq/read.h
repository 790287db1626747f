// SPDX-License-Identifier: MIT
#pragma once

/// @file read.h
/// Sources: from inputs to process-creation events. Every supported input — Log Analytics
/// exports of `SecurityEvent` (JSON lines, plain, gzip or zstd, single files or the export's
/// folder tree `WorkspaceResourceId=…/y=YYYY/m=MM/d=DD/h=HH/m=mm/PT05M.json`), ECS, Defender and
/// Sysmon JSON, CSV, `.evtx`, Azure Blob containers, standard input — is read by one driver.

#include "masq/diagnostics.h"
#include "masq/event.h"
#include "masq/profile.h"
#include "masq/util/timestamp.h"

#include <atomic>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace masq {

/// What a read saw. Counters add up across files and threads.
struct read_stats {
    std::uint64_t files = 0;
    std::uint64_t bytes = 0;         ///< uncompressed bytes
    std::uint64_t lines = 0;         ///< non-blank lines
    std::uint64_t records = 0;       ///< lines that parsed as a JSON object
    std::uint64_t events = 0;        ///< records with EventID 4688, handed to the sink
    std::uint64_t other_events = 0;  ///< records with another or no EventID
    std::uint64_t skipped_lines = 0; ///< lines not read because they are malformed
    std::uint64_t outside_window =
        0; ///< 4688 events outside --from/--to (or without a time when a window is set)
    std::uint64_t pruned_files = 0; ///< export files skipped whole because their folder is outside the window
    std::uint64_t duplicates = 0;   ///< records dropped by --dedupe
    std::uint64_t names_from_path = 0;     ///< events without a process name, named by their path (full mode)
    std::uint64_t events_without_host = 0; ///< events kept without a host (alerts cannot say where)
    std::uint64_t events_without_time = 0; ///< events kept without a time (alerts cannot say when)
    /// EVTX records recovered from a log's free space: process creations that validated
    /// and were kept, and what was dropped (fragments that cannot be read, records of other events,
    /// and records whose time, image or host is implausible: misaligned data must never become an
    /// event).
    std::uint64_t recovered_records = 0;
    std::uint64_t recovered_dropped = 0;
    /// Seconds of the read spent merging the threads' profiles into one (`--stats`), set by
    /// `read_into`; not a counter, so `merge` adds it like the others only for completeness.
    double merge_seconds = 0;

    void merge(const read_stats& other) noexcept;
};

/**
 * Expands the inputs into the list of files to read: a file is taken as given; a directory is
 * walked recursively and yields its `*.json`, `*.jsonl`, `*.ndjson` files and their `.gz`/`.zst` forms,
 * in byte order of their paths (so the export's `y=/m=/d=/h=/m=` folders come in time order).
 * `-` means standard input. Missing paths are reported to `diag` and left out.
 */
std::vector<std::string> expand_inputs(std::span<const std::string> inputs, diagnostics& diag);

/// Whether a file is gzip or zstd compressed (from its first bytes).
bool is_compressed_file(const std::string& path);

/// A time window on `TimeGenerated`: [from, to), either side open.
struct time_window {
    std::optional<timestamp> from, to;
    bool contains(timestamp t) const noexcept { return (!from || t >= *from) && (!to || t < *to); }
    bool set() const noexcept { return from || to; }
};

/**
 * As above, but export folders whose `y=YYYY/m=MM/d=DD/h=HH/m=mm` path components put them
 * entirely outside `window` are skipped without being opened (the notebook's startTime/endTime
 * choose folders the same way); `pruned` counts the files left out.
 */
std::vector<std::string> expand_inputs(std::span<const std::string> inputs, diagnostics& diag,
                                       const time_window& window, std::uint64_t* pruned = nullptr);

/// The line formats masq reads. JSON lines in every case; `auto_detect` looks at each file's
/// first record.
enum class input_format : std::uint8_t {
    auto_detect,
    sentinel, ///< Log Analytics `SecurityEvent` export / query results: EventID, Process, NewProcessName,
              ///< Computer, TimeGenerated
    ecs,      ///< Elastic Common Schema / winlogbeat: event.code 4688 or 1, process.name, process.executable,
              ///< host.name, @timestamp
    defender, ///< Defender `DeviceProcessEvents`: FileName, FolderPath, DeviceName, Timestamp (ActionType
              ///< ProcessCreated)
    sysmon, ///< Sysmon event 1 as JSON (evtx_dump): Event.System.EventID 1, Event.EventData.Image, Computer,
            ///< UtcTime
    csv,    ///< CSV with a header: Sentinel/Log Analytics or Defender advanced-hunting exports
};

/// "auto", "sentinel", "ecs", "defender", "sysmon", "csv": the names `parse_input_format` takes.
std::span<const std::string_view> input_format_names() noexcept;

/// Parses "auto", "sentinel", "ecs", "defender", "sysmon", "csv".
std::optional<input_format> parse_input_format(std::string_view name);

/// Where to find each field, as JSON pointers (`/process/name`); empty keeps the format's own.
/// Set by `--map FIELD=PATH` (`process`, `path`, `host`, `time`, `code`; dotted paths allowed).
struct field_map {
    std::string process, path, host, time, code;
    /// Sets one field from "FIELD=PATH"; false for an unknown field.
    bool set(std::string_view assignment);
    bool empty() const noexcept {
        return process.empty() && path.empty() && host.empty() && time.empty() && code.empty();
    }
};

/// How to reach Azure Blob Storage for `https://ACCOUNT.blob.core.windows.net/CONTAINER/PREFIX`
/// (or Azurite's `http://127.0.0.1:10000/ACCOUNT/CONTAINER/PREFIX`) inputs. Credentials, in order:
/// a SAS token in the URL; `connection_string` (AccountName, AccountKey, SharedAccessSignature);
/// `account_key`; `sas_token`. The CLI fills them from AZURE_STORAGE_CONNECTION_STRING,
/// --connection-string-file, AZURE_STORAGE_KEY and AZURE_STORAGE_SAS_TOKEN.
struct blob_options {
    std::string connection_string;
    std::string account_key; ///< base64, as the portal shows it
    std::string sas_token;
    unsigned page_size = 5000; ///< `maxresults` of each List Blobs call
    unsigned attempts = 4;     ///< tries per request on 429, 5xx and network errors

    /// Credentials from the Azure conventions: AZURE_STORAGE_CONNECTION_STRING,
    /// AZURE_STORAGE_KEY, AZURE_STORAGE_SAS_TOKEN (unset ones stay empty; never printed).
    static blob_options from_environment();
};

/**
 * The window of `--from`, `--to` and `--since` (empty strings: unset): ISO-8601 times or dates
 * (`2019-01-15` is its midnight UTC), and a duration back from `now` (`24h`, `90m`, `7d`) that
 * sets the start. Throws `std::invalid_argument` naming the option for a value it cannot read,
 * and when the window is empty (`from` at or after `to`).
 */
time_window make_time_window(std::string_view from, std::string_view to, std::string_view since,
                             timestamp now);

/// Whether an export path (a folder or blob name with `y=/m=/d=/h=/m=` components) lies wholly
/// outside `window`, with an hour's slack before and a day's after (late-arriving events).
bool export_folder_outside(std::string_view path, const time_window& window);

struct read_options {
    unsigned threads = 1;                             ///< 0 = all cores; the result never depends on it
    std::size_t chunk_size = std::size_t{1} << 22;    ///< bytes per read (lines longer than this still work)
    time_window window;                               ///< events outside are counted and left out
    std::atomic<std::uint64_t>* progress = nullptr;   ///< if set, bytes read so far are added here
    std::uint64_t min_range = std::uint64_t{8} << 20; ///< a plain file is split into ranges of at least this
    /// A line (record) longer than this is skipped as a malformed record, naming file and line,
    /// without being held in memory: a hostile file of one huge line cannot exhaust memory.
    std::size_t max_record_bytes = std::size_t{64} << 20;
    /// A gzip or zstd input that inflates to more than this many times its compressed size
    /// (past its first 64 MiB) is read no further, as an `oversized_file` problem: a decompression
    /// bomb costs at most that much reading time, never memory. Log Analytics exports compress
    /// 15–70 times (bench/RESULTS.md, "Bounded resources"); 0 = no bound.
    std::uint64_t max_expansion = 200;
    /// Drop records whose line is byte-identical to one already read (the export writes a blob
    /// again after a retry). Costs about 20 bytes of memory per distinct record (a 128-bit XXH3
    /// hash in a hash set), so memory grows with events, not names.
    bool dedupe = false;
    /// Example events kept per name and variant (path, parent, original name) for the alerts'
    /// samples: the first in input order (file, then line), so the same for any thread count.
    std::size_t samples = 3;
    /// Name an event without a process name by its path's file name (full mode; the notebook,
    /// and so seed mode, ranks such events as one null-name group).
    bool name_from_path = false;
    input_format format = input_format::auto_detect;
    blob_options blob; ///< for https:// and http:// inputs
    field_map fields;  ///< --map overrides (a non-empty map makes every file use the generic JSON reader)
};

/**
 * The reader driver. Reads every input — files of any supported kind (JSON lines, CSV, `.evtx`;
 * gzip/zstd), Azure Blob URLs, `-` for standard input — into `profile` on `options.threads`
 * threads: inputs are shared out, and a large plain JSON-lines file is split into byte ranges at
 * line boundaries. Each thread fills its own profile; they are merged at the end, so the profile
 * — and every finding — is the same for any thread count. Problems are reported to `diag` in file
 * and line order once reading is done (in strict mode the first one throws `input_error`). An
 * input that fails in any other way (out of memory on a hostile line, a library error) is a file
 * problem of that input; the other inputs are still read.
 */
void read_into(std::span<const std::string> inputs, process_profile& profile, diagnostics& diag,
               read_stats& stats, const read_options& options = {});

/// One unit of reading as `read_into` plans it: a whole input, or the byte range [begin, end) of
/// a large plain JSON-lines file (`end` = `whole_input`: to its end).
struct read_range {
    static constexpr std::uint64_t whole_input = ~std::uint64_t{0};
    std::size_t file = 0; ///< index among the inputs
    std::uint64_t begin = 0;
    std::uint64_t end = whole_input;
    bool split = false;      ///< one of several ranges of its file
    std::uint64_t bytes = 0; ///< its size, to start the largest first
};

/// How `read_into` cuts `inputs` (expanded files) into tasks for `options.threads` workers, in
/// input order: large plain JSON-lines files (and large `.evtx` logs) in byte ranges, the rest
/// whole. Another scheduler (a Spark driver) reads the same tasks with `read_part` elsewhere.
std::vector<read_range> plan_reads(std::span<const std::string> inputs, const read_options& options);

/// A task of `plan_reads` to read elsewhere: the input and its byte range.
struct part_input {
    std::string path;
    std::uint64_t begin = 0;
    std::uint64_t end = read_range::whole_input;
};

/**
 * Reads tasks of `plan_reads` — consecutive in input order — into `profile` on this thread, as
 * one of `read_into`'s threads reads its tasks: one accumulator, each task's lines numbered from 1
 * at its `begin`. A sample's `order` is (index in `tasks`) << 40 | (line in its range), and its
 * line the line in the range: `add_partial` (partial_profile.h) makes them places in the input.
 * `lines[i]` and `problems[i]` are task i's lines and problems (lines of its range). The first
 * range of a split file counts the file's size in `stats.bytes`.
 */
void read_parts(std::span<const part_input> tasks, process_profile& profile,
                std::vector<std::uint64_t>& lines, std::vector<diagnostics>& problems, read_stats& stats,
                const read_options& options = {});

/**
 * Why a run read nothing a detector can use, in words for the user (empty when it did): no
 * supported file, no process creation among the records, every event outside the window, no
 * event with a process name, or most of them without one. A detector that answers "0 findings"
 * to such input would be lying; the CLI prints these as warnings (errors under `--strict`),
 * Python warns. `window_set`: whether `--from/--to/--since` was given.
 */
std::vector<std::string> unusable_input(const read_stats& stats, const process_profile& profile,
                                        bool window_set);

/// Reads one input of any supported kind (as `read_into`) on this thread and hands its
/// process-creation events to `sink` in file order, with the same format detection, field map,
/// window and de-duplication.
void read_events(const std::string& input, event_sink& sink, diagnostics& diag, read_stats& stats,
                 const read_options& options = {});

/// Reads line-format records (JSON lines or CSV, per `options.format`) from memory; `name` is
/// used in diagnostics. For embedders, tests and fuzzing.
void read_buffer(std::string_view data, std::string_view name, event_sink& sink, diagnostics& diag,
                 read_stats& stats, const read_options& options = {});

} // namespace masq
