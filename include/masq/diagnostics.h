// SPDX-License-Identifier: MIT
#pragma once

/// @file diagnostics.h
/// Problems found in the input, reported as values with their place (file, line, field).
///
/// The core library never prints: readers hand every problem to a `diagnostics` object, which
/// counts it, keeps the first few for display, forwards it to an optional observer and, in
/// strict mode, turns it into an `input_error` exception.

#include <array>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace masq {

/// What went wrong. Record-level problems skip one record; file-level problems skip (part of) a file.
enum class problem_kind : std::uint8_t {
    malformed_record, ///< a line that is not one JSON object
    invalid_utf8,     ///< a line that is not valid UTF-8
    wrong_type,       ///< a known field with an unexpected JSON type (kept where the notebook keeps it)
    bad_timestamp,    ///< TimeGenerated that is not ISO-8601 (the event is kept, without a time)
    missing_file,     ///< an input path that does not exist
    unreadable_file,  ///< an input that cannot be opened or read
    truncated_file,   ///< a compressed input that ends early or is corrupt (lines read so far are kept)
    oversized_file, ///< a compressed input that inflates past `--max-expansion` (lines read so far are kept)
};
inline constexpr std::size_t problem_kind_count = 8;

/// A short stable name for a kind, e.g. "malformed-record".
const char* to_string(problem_kind kind) noexcept;

/// True for problems that lose a whole file or part of one (rather than one record).
constexpr bool is_file_problem(problem_kind kind) noexcept {
    return kind == problem_kind::missing_file || kind == problem_kind::unreadable_file ||
           kind == problem_kind::truncated_file || kind == problem_kind::oversized_file;
}

/// One problem, with where it was found. `line` is 1-based, 0 when the problem concerns a whole file.
struct diagnostic {
    problem_kind kind;
    std::string file;
    std::uint64_t line = 0;
    std::string field; ///< the JSON field concerned, empty when the record as a whole is bad
    std::string message;

    /// "file:line: field 'X': message" in the style of compilers, for people.
    std::string to_string() const;
};

/// Thrown instead of counting when the caller asked for strict input handling.
class input_error : public std::runtime_error {
  public:
    explicit input_error(diagnostic d);
    const diagnostic& where() const noexcept { return diagnostic_; }

  private:
    diagnostic diagnostic_;
};

/// Collects the problems of a run. Thread-compatible: use one per thread and `merge` them.
class diagnostics {
  public:
    using observer = std::function<void(const diagnostic&)>;

    /// @param strict  throw `input_error` on the first problem instead of counting it.
    /// @param kept_per_kind  how many problems of each kind to keep verbatim (the rest are only counted).
    explicit diagnostics(bool strict = false, std::size_t kept_per_kind = 20);

    /// Called for every problem as it is reported (for live display); may be empty.
    void set_observer(observer o) { observer_ = std::move(o); }

    void report(diagnostic d);
    void report(problem_kind kind, std::string file, std::uint64_t line, std::string field,
                std::string message);

    std::uint64_t count(problem_kind kind) const noexcept { return counts_[static_cast<std::size_t>(kind)]; }
    std::uint64_t total() const noexcept;
    std::uint64_t record_problems() const noexcept;
    std::uint64_t file_problems() const noexcept;
    bool strict() const noexcept { return strict_; }

    /// The first `kept_per_kind` problems of each kind, in the order they were reported.
    const std::vector<diagnostic>& kept() const noexcept { return kept_; }

    void merge(const diagnostics& other);

    /// Takes in the problems another collector saw while reading part of a file, adding
    /// `line_offset` to their line numbers: counts add up, kept messages are reported here in
    /// order (observer, strict mode) as if they had been reported directly.
    void absorb(const diagnostics& part, std::uint64_t line_offset);
    /// Counts `n` problems of `kind` whose text was not kept (beyond `kept_per_kind`): how a
    /// collector is rebuilt from another process's counts (partial_profile.h).
    void count_unkept(problem_kind kind, std::uint64_t n) noexcept {
        counts_[static_cast<std::size_t>(kind)] += n;
    }

  private:
    bool strict_;
    std::size_t kept_per_kind_;
    std::array<std::uint64_t, problem_kind_count> counts_{};
    std::vector<diagnostic> kept_;
    observer observer_;
};

} // namespace masq
