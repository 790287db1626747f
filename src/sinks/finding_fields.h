// SPDX-License-Identifier: MIT
#pragma once

// Where each field of the finding schema (data/schema/finding.tsv) and of the sample schema
// (data/schema/sample.tsv) lives in `finding` and `event_sample`, and how each schema type is
// written as JSON and as one line of text. Every writer and the reader go through these, so the
// schema tables decide the outputs' fields and order; a schema row that no member answers is
// caught by tests/unit/sinks/schema_test.cpp.

#include "masq/finding.h"
#include "masq/schema.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace masq::detail {

static_assert(std::is_same_v<std::size_t, std::uint64_t>, "counts are held as size_t and read as uint64");

/// std::visit with one lambda per alternative.
template <class... Ts>
struct overloaded : Ts... {
    using Ts::operator()...;
};
// C++20 deduces this for aggregates (P1816); clang before 17 needs the guide spelled out.
template <class... Ts>
overloaded(Ts...) -> overloaded<Ts...>;

/// The member of a finding that holds one schema field.
using finding_member =
    std::variant<std::string*, std::optional<std::string>*, float*, double*, std::uint64_t*, bool*,
                 std::optional<timestamp>*, alert_level*, std::vector<value_count>*, std::vector<detection>*,
                 std::vector<event_sample>*>;

/// The member of `f` that holds the field `name`, or none.
std::optional<finding_member> finding_member_of(finding& f, std::string_view name) noexcept;

/// The member of a sample that holds one sample-schema field.
using sample_member =
    std::variant<std::string*, std::optional<timestamp>*, std::optional<std::uint64_t>*, std::uint64_t*>;

/// The member of `s` that holds the field `name`, or none.
std::optional<sample_member> sample_member_of(event_sample& s, std::string_view name) noexcept;

/// How a JSON output differs: JSONL names a count's value by the schema's `key` ("path"), a
/// Log Analytics record by "value" and cuts long text to what the service keeps.
struct json_style {
    bool counts_as_value = false;
    std::size_t max_text_bytes = 0; ///< 0: no limit
};

/// Appends the JSON value of `field` of `f` (no key).
void append_json(std::string& out, const finding& f, const schema_field& field, const json_style& style);

/// The samples as a JSON array of objects with the sample schema's keys.
void append_samples_json(std::string& out, const std::vector<event_sample>& samples, const json_style& style);

/// `field` of `f` as one line of text (CSV cells): lists as `value (count) | …`, detections as
/// `detector technique score | …`, times in ISO 8601, an absent value empty.
std::string field_text(const finding& f, const schema_field& field);

/// The float32 as the shortest decimal that reads back as the same float; a double likewise.
std::string shortest(double value);

} // namespace masq::detail
