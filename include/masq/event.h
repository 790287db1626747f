// SPDX-License-Identifier: MIT
#pragma once

/// @file event.h
/// One process-creation event as the sources hand it to the profile. Views point into the
/// reader's buffer and are valid only during the `event_sink::on_event` call.

#include "masq/util/timestamp.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace masq {

/// Where an event came from: the user's data, or the notebook's hard-coded synthetic rows
/// (its `From` column: "User" / "Hardcoded").
enum class event_origin : std::uint8_t { user, synthetic };

struct process_event {
    /// `Process` as recorded (file name, original case); empty optional when missing or null.
    std::optional<std::string_view> process;
    /// `NewProcessName`: the full path of the new process.
    std::optional<std::string_view> path;
    /// `Computer`.
    std::optional<std::string_view> host;
    /// `TimeGenerated`.
    std::optional<timestamp> time;
    /// The parent's path (`ParentProcessName`, Sysmon `ParentImage`), when the source has it.
    std::optional<std::string_view> parent_path;
    /// The PE version-info name (Sysmon/Defender `OriginalFileName`), when the source has it:
    /// what a renamed binary really is.
    std::optional<std::string_view> original_file_name;
    /// The account that started the process (`SubjectUserName`, Sysmon `User`, ECS `user.name`).
    std::optional<std::string_view> user;
    /// The command line, when the source has it.
    std::optional<std::string_view> command_line;
    /// Or the command line as the JSON string token it was read as, quotes and escapes included,
    /// for a reader on the hot path that leaves unescaping to the few events kept as samples
    /// (`json_unescape`, util/text.h).
    std::optional<std::string_view> command_line_json;
    /// Image hashes as the source records them (Sysmon `Hashes`: `SHA256=…,MD5=…`; Defender
    /// `SHA256`), when it has them.
    std::optional<std::string_view> hashes;
    /// The new process's id (`NewProcessId`, Sysmon `ProcessId`) and its parent's (`ProcessId` of
    /// a 4688, Sysmon `ParentProcessId`), as numbers (4688 writes them in hex: `0x1a4`).
    std::optional<std::uint64_t> process_id;
    std::optional<std::uint64_t> parent_process_id;
    /// Where the event is in its source, for an analyst to open it: the file or blob it came from
    /// (set by the reader driver when a reader leaves it empty), the 1-based line of a text
    /// format, the `EventRecordID` of an EVTX record (or of a JSON export that carries one).
    std::string_view source;
    std::uint64_t line = 0;
    std::optional<std::uint64_t> record_id;
    event_origin origin = event_origin::user;
};

/// Whether an alert built from the event can say where, and when: the readers count the events
/// that cannot (read_stats), since most events lacking them means the mapping is wrong.
inline bool names_a_host(const process_event& event) noexcept {
    return event.host && !event.host->empty();
}
inline bool names_a_time(const process_event& event) noexcept {
    return event.time.has_value();
}

/**
 * One key for an image's identity from the hashes a source records: Sysmon's `Hashes`
 * (`SHA1=…,MD5=…,SHA256=…,IMPHASH=…`, any subset, any order), Defender's `SHA256`/`SHA1`/`MD5`
 * columns or a bare hex digest (told by its length). The strongest digest present wins (SHA256,
 * then SHA1, then MD5), as `sha256=<lower-case hex>`; the import hash is not an identity (many
 * builds share it), and the digests of an empty file are none. Empty when nothing usable is there.
 */
std::string image_hash_key(std::string_view hashes);

/// One event kept in full, as an alert's example: what an analyst pivots on (strings owned).
struct event_sample {
    std::optional<timestamp> time;
    std::string host;
    std::string user;
    std::string path;   ///< the image path as logged
    std::string parent; ///< the parent's path as logged
    std::string command_line;
    std::string original_file_name;
    std::string hashes;
    std::optional<std::uint64_t> process_id;
    std::optional<std::uint64_t> parent_process_id;
    /// Where it came from: the file or blob, its 1-based line in a text format (0: none), the
    /// EVTX `EventRecordID` (or an export's record id).
    std::string source;
    std::uint64_t line = 0;
    std::optional<std::uint64_t> record_id;
    /// Its place in the input (the reader's: input file, then line), by which the first samples
    /// of each variant are chosen — the same ones for any thread count.
    std::uint64_t order = 0;
    friend bool operator==(const event_sample&, const event_sample&) = default;
};

/// Receives events from a source as they are read; a source never builds a list of all events.
class event_sink {
  public:
    virtual ~event_sink() = default;
    virtual void on_event(const process_event& event) = 0;
};

} // namespace masq
