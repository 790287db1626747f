// SPDX-License-Identifier: MIT
#include "masq/diagnostics.h"

#include <fmt/format.h>
#include <numeric>

namespace masq {

const char* to_string(problem_kind kind) noexcept {
    switch (kind) {
    case problem_kind::malformed_record:
        return "malformed-record";
    case problem_kind::invalid_utf8:
        return "invalid-utf8";
    case problem_kind::wrong_type:
        return "wrong-type";
    case problem_kind::bad_timestamp:
        return "bad-timestamp";
    case problem_kind::missing_file:
        return "missing-file";
    case problem_kind::unreadable_file:
        return "unreadable-file";
    case problem_kind::truncated_file:
        return "truncated-file";
    case problem_kind::oversized_file:
        return "oversized-file";
    }
    return "unknown";
}

std::string diagnostic::to_string() const {
    std::string out = file;
    if (line != 0) out += fmt::format(":{}", line);
    out += ": ";
    if (!field.empty()) out += fmt::format("field '{}': ", field);
    out += message;
    return out;
}

input_error::input_error(diagnostic d) : std::runtime_error(d.to_string()), diagnostic_(std::move(d)) {}

diagnostics::diagnostics(bool strict, std::size_t kept_per_kind)
    : strict_(strict), kept_per_kind_(kept_per_kind) {}

void diagnostics::report(diagnostic d) {
    if (strict_) throw input_error(std::move(d));
    auto& count = counts_[static_cast<std::size_t>(d.kind)];
    ++count;
    if (observer_) observer_(d);
    if (count <= kept_per_kind_) kept_.push_back(std::move(d));
}

void diagnostics::report(problem_kind kind, std::string file, std::uint64_t line, std::string field,
                         std::string message) {
    report(diagnostic{kind, std::move(file), line, std::move(field), std::move(message)});
}

std::uint64_t diagnostics::total() const noexcept {
    return std::accumulate(counts_.begin(), counts_.end(), std::uint64_t{0});
}

std::uint64_t diagnostics::file_problems() const noexcept {
    std::uint64_t n = 0;
    for (std::size_t k = 0; k < problem_kind_count; ++k)
        if (is_file_problem(static_cast<problem_kind>(k))) n += counts_[k];
    return n;
}

std::uint64_t diagnostics::record_problems() const noexcept {
    return total() - file_problems();
}

void diagnostics::merge(const diagnostics& other) {
    std::array<std::uint64_t, problem_kind_count> kept_of_kind{};
    for (const auto& d : kept_)
        ++kept_of_kind[static_cast<std::size_t>(d.kind)];
    for (const auto& d : other.kept_) {
        auto& n = kept_of_kind[static_cast<std::size_t>(d.kind)];
        if (n < kept_per_kind_) {
            kept_.push_back(d);
            ++n;
        }
    }
    for (std::size_t k = 0; k < problem_kind_count; ++k)
        counts_[k] += other.counts_[k];
}

void diagnostics::absorb(const diagnostics& part, std::uint64_t line_offset) {
    std::array<std::uint64_t, problem_kind_count> reported{};
    for (diagnostic d : part.kept_) {
        if (d.line > 0) d.line += line_offset;
        ++reported[static_cast<std::size_t>(d.kind)];
        report(std::move(d));
    }
    for (std::size_t k = 0; k < problem_kind_count; ++k)
        counts_[k] += part.counts_[k] - reported[k];
}

} // namespace masq
