// SPDX-License-Identifier: MIT
#include "masq/arrow_stream.h"

#include "masq/util/timestamp.h"
#include "sources/record.h"

#include <array>
#include <fmt/format.h>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace masq::python {
namespace {

/// Releases a C-interface structure when it goes out of scope (the producer's callback frees it).
template <class T>
struct released {
    T value{};
    released() { value.release = nullptr; }
    released(const released&) = delete;
    released& operator=(const released&) = delete;
    ~released() {
        if (value.release != nullptr) value.release(&value);
    }
};

bool is_valid(const ArrowArray& a, std::int64_t i) {
    const auto* validity = static_cast<const std::uint8_t*>(a.n_buffers > 0 ? a.buffers[0] : nullptr);
    if (validity == nullptr) return a.null_count != a.length || a.length == 0;
    const std::int64_t bit = a.offset + i;
    return ((validity[bit >> 3] >> (bit & 7)) & 1) != 0;
}

enum class column_type : std::uint8_t { none, utf8, large_utf8, int64, timestamp };

/// One column of the current batch: a typed view of its buffers.
struct column {
    std::string name;
    column_type type = column_type::none;
    timestamp ticks_per_unit = 0; ///< timestamp columns: 100 ns ticks per stored unit (0: divide)
    std::int64_t unit_divisor = 1;
    const ArrowArray* array = nullptr;

    std::optional<std::string_view> text(std::int64_t row) const {
        if (array == nullptr || !is_valid(*array, row)) return std::nullopt;
        const std::int64_t i = array->offset + row;
        const auto* data = static_cast<const char*>(array->buffers[2]);
        std::int64_t begin, end;
        if (type == column_type::utf8) {
            const auto* offsets = static_cast<const std::int32_t*>(array->buffers[1]);
            begin = offsets[i];
            end = offsets[i + 1];
        } else {
            const auto* offsets = static_cast<const std::int64_t*>(array->buffers[1]);
            begin = offsets[i];
            end = offsets[i + 1];
        }
        if (data == nullptr) return std::string_view();
        return std::string_view(data + begin, static_cast<std::size_t>(end - begin));
    }

    /// A process or record id: an integer column, or text in decimal or `0x` hexadecimal.
    std::optional<std::uint64_t> id(std::int64_t row) const {
        if (type == column_type::int64) {
            const auto v = integer(row);
            if (!v || *v < 0) return std::nullopt;
            return static_cast<std::uint64_t>(*v);
        }
        const auto t = text(row);
        return t ? detail::parse_id(*t) : std::nullopt;
    }

    std::optional<std::int64_t> integer(std::int64_t row) const {
        if (array == nullptr || !is_valid(*array, row)) return std::nullopt;
        return static_cast<const std::int64_t*>(array->buffers[1])[array->offset + row];
    }
};

/// The columns masq reads, in the order of `field` below.
enum field : std::uint8_t {
    process,
    path,
    host,
    time,
    event_id,
    parent,
    original,
    user,
    command_line,
    hashes,
    new_process_id,
    process_id,
    record_id
};
constexpr std::array<std::string_view, 13> field_names = {
    "Process",           "NewProcessName",   "Computer",        "TimeGenerated", "EventID",
    "ParentProcessName", "OriginalFileName", "SubjectUserName", "CommandLine",   "Hashes",
    "NewProcessId",      "ProcessId",        "EventRecordId"};

/// Whether a column holds integers where strings are the rule: SecurityEvent's EventID and its
/// process ids (hexadecimal text in Log Analytics, numbers once a notebook has cast them).
constexpr bool may_be_integer(field f) {
    return f == event_id || f == new_process_id || f == process_id || f == record_id;
}

column_type type_of(std::string_view format, std::string_view name, field f, column& c) {
    if (format == "u") return column_type::utf8;
    if (format == "U") return column_type::large_utf8;
    if (may_be_integer(f) && format == "l") return column_type::int64;
    if (f == time && format.size() >= 4 && format.substr(0, 2) == "ts" && format[3] == ':') {
        switch (format[2]) {
        case 's':
            c.ticks_per_unit = ticks_per_second;
            break;
        case 'm':
            c.ticks_per_unit = 10'000;
            break;
        case 'u':
            c.ticks_per_unit = 10;
            break;
        case 'n':
            c.unit_divisor = 100;
            break;
        default:
            break;
        }
        if (c.ticks_per_unit != 0 || c.unit_divisor != 1) return column_type::timestamp;
    }
    throw std::invalid_argument(
        fmt::format("column '{}' has Arrow type '{}'; masq reads strings (utf8, large_utf8){}", name, format,
                    may_be_integer(f) ? " or int64"
                    : f == time       ? " or timestamps"
                                      : ""));
}

} // namespace

std::span<const std::string_view> arrow_columns() noexcept {
    return field_names;
}

bool arrow_integer_column(std::string_view name) noexcept {
    for (std::size_t f = 0; f < field_names.size(); ++f)
        if (field_names[f] == name) return may_be_integer(static_cast<field>(f));
    return false;
}

arrow_read_stats read_arrow_stream(ArrowArrayStream& stream_in, event_sink& sink, diagnostics& diag) {
    // Take ownership (the C stream interface's move: the source is marked released).
    released<ArrowArrayStream> stream;
    stream.value = stream_in;
    stream_in.release = nullptr;
    const auto error = [&](const char* what) {
        const char* detail =
            stream.value.get_last_error ? stream.value.get_last_error(&stream.value) : nullptr;
        return std::runtime_error(
            fmt::format("Arrow stream: {}{}{}", what, detail ? ": " : "", detail ? detail : ""));
    };

    released<ArrowSchema> schema;
    if (stream.value.get_schema(&stream.value, &schema.value) != 0) throw error("cannot read the schema");
    if (std::string_view(schema.value.format) != "+s")
        throw std::invalid_argument("Arrow stream: expected a table (a struct of columns)");

    std::array<column, field_names.size()> columns;
    std::array<std::int64_t, field_names.size()> child_index;
    child_index.fill(-1);
    for (std::int64_t c = 0; c < schema.value.n_children; ++c) {
        const ArrowSchema& child = *schema.value.children[c];
        const std::string_view name = child.name ? child.name : "";
        for (std::size_t f = 0; f < field_names.size(); ++f) {
            if (name != field_names[f] || child_index[f] >= 0) continue;
            child_index[f] = c;
            columns[f].name = std::string(name);
            columns[f].type = type_of(child.format, name, static_cast<field>(f), columns[f]);
        }
    }

    arrow_read_stats stats;
    for (;;) {
        released<ArrowArray> batch;
        if (stream.value.get_next(&stream.value, &batch.value) != 0) throw error("cannot read a batch");
        if (batch.value.release == nullptr) break; // end of stream
        const ArrowArray& table = batch.value;
        for (std::size_t f = 0; f < field_names.size(); ++f)
            columns[f].array = child_index[f] >= 0 ? table.children[child_index[f]] : nullptr;
        for (std::int64_t r = 0; r < table.length; ++r) {
            const std::int64_t row = table.offset + r; // a sliced table offsets its columns too
            ++stats.rows;
            if (columns[event_id].array != nullptr) {
                // The notebook's `EventID == "4688"` on a string column; an integer column holds
                // what Spark's reader would have turned into that string.
                const bool is_4688 = columns[event_id].type == column_type::int64
                                         ? columns[event_id].integer(row) == 4688
                                         : columns[event_id].text(row) == detail::security_process_creation;
                if (!is_4688) continue;
            }
            process_event event;
            event.process = columns[process].text(row);
            event.path = columns[path].text(row);
            event.host = columns[host].text(row);
            const column& t = columns[time];
            if (t.type == column_type::timestamp) {
                if (const auto v = t.integer(row)) {
                    timestamp ticks = 0;
                    if (t.ticks_per_unit == 0)
                        event.time = *v / t.unit_divisor;
                    else if (!__builtin_mul_overflow(*v, t.ticks_per_unit, &ticks))
                        event.time = ticks;
                    else // beyond ±29,000 years: a sentinel value or a wrong unit, not a time
                        diag.report(
                            problem_kind::bad_timestamp, "<table>", static_cast<std::uint64_t>(stats.rows),
                            "TimeGenerated",
                            fmt::format("{} is out of range for a time; event kept without a time", *v));
                }
            } else if (const auto text = t.text(row)) {
                event.time = parse_iso8601(*text);
                if (!event.time)
                    diag.report(
                        problem_kind::bad_timestamp, "<table>", static_cast<std::uint64_t>(stats.rows),
                        "TimeGenerated",
                        fmt::format("'{}' is not an ISO-8601 time; event kept without a time", *text));
            }
            event.parent_path = columns[parent].text(row);
            event.original_file_name = columns[original].text(row);
            event.user = columns[user].text(row);
            event.command_line = columns[command_line].text(row);
            event.hashes = columns[hashes].text(row);
            event.process_id = columns[new_process_id].id(row);
            event.parent_process_id = columns[process_id].id(row);
            event.record_id = columns[record_id].id(row);
            event.source = "<table>";
            event.line = static_cast<std::uint64_t>(stats.rows); // the 1-based row of the stream
            detail::normalise_context(event);                    // the rule every reader shares (record.h)
            ++stats.events;
            stats.events_without_host += !names_a_host(event);
            stats.events_without_time += !names_a_time(event);
            sink.on_event(event);
        }
    }
    return stats;
}

} // namespace masq::python
