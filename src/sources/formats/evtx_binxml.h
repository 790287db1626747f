// SPDX-License-Identifier: MIT
#pragma once

// A decoder of the Windows event log file format (.evtx) and its Binary XML that reads only what
// masq needs: the process creations (Security 4688, Sysmon event 1) and their fields. Written from
// the public descriptions of the format: libyal's "Windows XML Event Log (EVTX) format" document
// (file header, chunks, event records, templates) and Microsoft's [MS-EVEN6] section 3.1.4.7
// (BinXml tokens and value types). docs/evtx.md says why this and not libevtx or the Rust crate.
//
// The decoder works on bytes in memory (a mapped file), allocates little, never throws for a
// malformed input and bounds-checks every read: a damaged chunk or record is counted, never
// followed out of its 65,536 bytes.

#include "masq/util/timestamp.h"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace masq::detail::evtx {

inline constexpr std::uint64_t file_header_bytes = 4096;
inline constexpr std::uint64_t chunk_bytes = 65536;

/// The fields of a record masq reads: the System values and the EventData `Data` elements named
/// in `data_names` (evtx_binxml.cpp).
enum field : std::uint8_t {
    provider,        ///< System/Provider@Name
    event_id,        ///< System/EventID
    time_created,    ///< System/TimeCreated@SystemTime (as text when it is not a FILETIME)
    computer,        ///< System/Computer
    event_record_id, ///< System/EventRecordID
    new_process_name,
    image,
    utc_time,
    parent_process_name,
    parent_image,
    original_file_name,
    subject_user_name,
    user,
    command_line,
    new_process_id,
    process_id,
    parent_process_id,
    hashes,
    field_count
};

/// A process creation, its fields as UTF-8 text (empty when the record lacks them).
struct process_record {
    std::array<std::string, field_count> text;
    std::optional<timestamp> time_created; ///< from a FILETIME SystemTime; else see `text`
    std::uint64_t record_id = 0;           ///< the record header's identifier
    bool sysmon = false;                   ///< Sysmon event 1, else Security 4688
    bool recovered = false;                ///< found in a chunk's free space
};

/// What a pass over some chunks saw, for the reader's statistics and its one problem per file.
struct scan_counts {
    std::uint64_t records = 0;           ///< live records that decoded
    std::uint64_t other_events = 0;      ///< ... of which not process creations
    std::uint64_t bad_records = 0;       ///< live records that could not be decoded
    std::uint64_t bad_chunks = 0;        ///< chunks with a bad signature or header (not blank ones)
    std::uint64_t recovered_seen = 0;    ///< free-space records that decoded (process creations)
    std::uint64_t recovered_dropped = 0; ///< free-space candidates that did not decode
    std::uint64_t recovered_other = 0;   ///< free-space records of other events (not counted as records)
};

/// Receives the process creations, in file order (live records of a chunk, then its free space).
class record_visitor {
  public:
    virtual ~record_visitor() = default;
    virtual void on_process_creation(const process_record& record) = 0;
};

/// The identifiers of the live records of a whole file, as the chunk headers give them: a record
/// found in free space whose identifier is among them is a stale copy, not a lost event.
class live_ranges {
  public:
    /// Takes in the first 40 bytes of a chunk (nothing when they are not a chunk header); whether
    /// they are one.
    bool add_chunk_header(const std::uint8_t* header) noexcept;
    void finish();
    bool contains(std::uint64_t id) const noexcept;

  private:
    std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges_; // sorted [first, last]
};

/// The number of whole chunks a file of `size` bytes holds (however many its header claims).
inline std::uint64_t chunk_count(std::uint64_t size) noexcept {
    return size <= file_header_bytes ? 0 : (size - file_header_bytes) / chunk_bytes;
}

/// Decodes the whole chunks in `chunks` (consecutive chunks of a file, the first of them chunk
/// `first_index`), handing every process creation to `visitor` and counting the rest in
/// `counts`. `counted`: the chunks the file header counts (a damaged chunk among them is a
/// problem; past them, data that is not a chunk is not).
void decode_chunks(std::span<const std::uint8_t> chunks, std::uint64_t first_index, std::uint64_t counted,
                   const live_ranges& live, record_visitor& visitor, scan_counts& counts);

/// A FILETIME (100 ns ticks since 1601) as masq's timestamp (100 ns ticks since 1970).
inline constexpr timestamp from_filetime(std::uint64_t ft) noexcept {
    return static_cast<timestamp>(ft) - 116'444'736'000'000'000;
}

} // namespace masq::detail::evtx
