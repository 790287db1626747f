// SPDX-License-Identifier: MIT
#include "masq/schema.h"
#include "masq/finding.h"

#include <algorithm>
#include <array>

namespace masq {
namespace {

struct schema_row {
    std::string_view name, type, key, csv, sentinel_column, sentinel_type, description;
};

constexpr schema_row rows[] = {
#include "masq_data/schema/finding.inc"
};

constexpr auto fields = [] {
    std::array<schema_field, std::size(rows)> out{};
    for (std::size_t i = 0; i < std::size(rows); ++i)
        out[i] = {rows[i].name,           rows[i].type,          rows[i].key,        rows[i].csv == "yes",
                  rows[i].sentinel_column, rows[i].sentinel_type, rows[i].description};
    return out;
}();

struct sample_row {
    std::string_view name, type, description;
};

constexpr sample_row sample_rows[] = {
#include "masq_data/schema/sample.inc"
};

constexpr auto sample_fields = [] {
    std::array<sample_field, std::size(sample_rows)> out{};
    for (std::size_t i = 0; i < std::size(sample_rows); ++i)
        out[i] = {sample_rows[i].name, sample_rows[i].type, sample_rows[i].description};
    return out;
}();

constexpr std::array<std::string_view, 5> level_names{"informational", "low", "medium", "high", "critical"};

} // namespace

std::span<const schema_field> finding_schema() noexcept {
    return fields;
}

const schema_field* find_schema_field(std::string_view name) noexcept {
    for (const schema_field& f : fields)
        if (f.name == name) return &f;
    return nullptr;
}

std::span<const sample_field> sample_schema() noexcept {
    return sample_fields;
}

std::string_view level_name(alert_level level) noexcept {
    return level_names[static_cast<std::size_t>(level)];
}

std::optional<alert_level> parse_level(std::string_view name) noexcept {
    for (std::size_t i = 0; i < level_names.size(); ++i) {
        const std::string_view l = level_names[i];
        if (l.size() == name.size() && std::equal(l.begin(), l.end(), name.begin(), [](char a, char b) {
                return a == (b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : b);
            }))
            return static_cast<alert_level>(i);
    }
    return std::nullopt;
}

} // namespace masq
