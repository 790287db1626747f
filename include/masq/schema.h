// SPDX-License-Identifier: MIT
#pragma once

/// @file schema.h
/// The finding schema as data (data/schema/finding.tsv, compiled in): the one list of fields that
/// the JSONL and CSV writers, the JSONL reader, the Sentinel record, Python and Spark follow.

#include <span>
#include <string_view>

namespace masq {

struct schema_field {
    std::string_view name; ///< the JSONL key and CSV column
    /// string, string?, real, int, bool, time?, level, counts, detections, samples
    std::string_view type;
    std::string_view key; ///< for `counts`: the value's key in JSONL ("path", "host"); else "-"
    bool csv = false;     ///< written as a CSV column
    std::string_view sentinel_column; ///< the Log Analytics column
    std::string_view sentinel_type;   ///< its type: string, real, long, boolean, datetime, dynamic
    std::string_view description;
};

/// One field of an alert's sample event (data/schema/sample.tsv).
struct sample_field {
    std::string_view name; ///< the JSON key
    std::string_view type; ///< time?, string?, int?
    std::string_view description;
};

/// Every field of a finding, in output order.
std::span<const schema_field> finding_schema() noexcept;

/// The field named `name`, or null.
const schema_field* find_schema_field(std::string_view name) noexcept;

/// Every field of a sample event (a finding's `samples`), in output order.
std::span<const sample_field> sample_schema() noexcept;

} // namespace masq
