// SPDX-License-Identifier: MIT
#pragma once

/// @file arrow_stream.h
/// Reading process events from an Arrow C stream (the Arrow C data interface, the ABI behind
/// `__arrow_c_stream__`), without copying strings: each event's fields are views into the
/// stream's own buffers, and only what the profile keeps (one copy per distinct value) is copied.

#include "masq/diagnostics.h"
#include "masq/event.h"

#include <cstdint>
#include <span>
#include <string_view>

// The Arrow C data interface structures, verbatim from the specification (a stable ABI).
#ifndef ARROW_C_DATA_INTERFACE
#    define ARROW_C_DATA_INTERFACE
extern "C" {
struct ArrowSchema {
    const char* format;
    const char* name;
    const char* metadata;
    int64_t flags;
    int64_t n_children;
    struct ArrowSchema** children;
    struct ArrowSchema* dictionary;
    void (*release)(struct ArrowSchema*);
    void* private_data;
};
struct ArrowArray {
    int64_t length;
    int64_t null_count;
    int64_t offset;
    int64_t n_buffers;
    int64_t n_children;
    const void** buffers;
    struct ArrowArray** children;
    struct ArrowArray* dictionary;
    void (*release)(struct ArrowArray*);
    void* private_data;
};
}
#endif
#ifndef ARROW_C_STREAM_INTERFACE
#    define ARROW_C_STREAM_INTERFACE
extern "C" {
struct ArrowArrayStream {
    int (*get_schema)(struct ArrowArrayStream*, struct ArrowSchema* out);
    int (*get_next)(struct ArrowArrayStream*, struct ArrowArray* out);
    const char* (*get_last_error)(struct ArrowArrayStream*);
    void (*release)(struct ArrowArrayStream*);
    void* private_data;
};
}
#endif

namespace masq::python {

struct arrow_read_stats {
    std::uint64_t rows = 0;   ///< rows in the stream
    std::uint64_t events = 0; ///< rows with EventID 4688 (all rows when there is no EventID column)
    std::uint64_t events_without_host = 0; ///< of those, rows without a Computer (read_stats)
    std::uint64_t events_without_time = 0; ///< of those, rows without a TimeGenerated
};

/// The columns read_arrow_stream reads (Sentinel's SecurityEvent names); others are ignored.
std::span<const std::string_view> arrow_columns() noexcept;
/// Whether a column may also be int64 (EventID, the process ids, EventRecordId); every other is
/// text (utf8 or large_utf8), TimeGenerated text or a timestamp.
bool arrow_integer_column(std::string_view name) noexcept;

/**
 * Reads every batch of `stream` (which this call releases) and hands each process-creation row to
 * `sink` as a `process_event` whose views point into the batch. Columns are found by name, as in
 * the Sentinel export: `Process`, `NewProcessName`, `Computer`, `TimeGenerated`, `EventID`,
 * `ParentProcessName`, `OriginalFileName`, `SubjectUserName`, `CommandLine`, `Hashes`,
 * `NewProcessId`, `ProcessId`, `EventRecordId` (arrow_columns()); missing ones are
 * absent from every event. Strings must be `utf8` or `large_utf8`; EventID `utf8` (compared
 * with "4688", as the notebook does) or `int64`; TimeGenerated `utf8` (ISO-8601) or a timestamp.
 * A column of another type throws `std::invalid_argument`; an unparsable time is reported to
 * `diag` (strict mode throws) and the event is kept without a time, as the JSON readers do.
 */
arrow_read_stats read_arrow_stream(ArrowArrayStream& stream, event_sink& sink, diagnostics& diag);

} // namespace masq::python
