// SPDX-License-Identifier: MIT
#pragma once

// What the commands print besides their output: exit codes, numbers for people, the terminal's
// width, problems as they happen and their summary, and the small checks of option values that
// print why they fail. Everything here writes to standard error; nothing reaches the library.

#include "masq/allow_list.h"
#include "masq/detect/catalog.h"
#include "masq/diagnostics.h"
#include "masq/read.h"

#include <array>
#include <cstdint>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace masq::cli {

inline constexpr int exit_ok = 0;
inline constexpr int exit_findings = 1; // only with --fail-on-findings
inline constexpr int exit_error = 2;    // usage or input errors

/// 1234567 -> "1,234,567".
std::string thousands(std::uint64_t n);

/// 1536 -> "1.5 KiB".
std::string bytes_human(std::uint64_t n);

/// Columns of the terminal on standard output (else $COLUMNS, else 120).
std::size_t terminal_width();

/// Prints the first problems of each kind as they happen; the rest are counted for the summary.
/// Errors (problems that lose a file or part of one) are printed even when `quiet`: `-q`
/// silences the summary and warnings, never errors.
class problem_printer {
  public:
    explicit problem_printer(bool quiet) : quiet_(quiet) {}
    void operator()(const diagnostic& d);

  private:
    bool quiet_;
    std::size_t limit_ = 10;
    std::array<std::size_t, problem_kind_count> shown_{};
};

/// "masq: input problems: 3 malformed-record, ..." when there were any.
void print_problem_summary(const diagnostics& diag);

/// Opens `path` for the output (empty: standard output, nothing to open); says why on failure.
bool open_output(const std::string& path, std::ofstream& file);

/// Loads an allow-list, printing the file:line:field of a bad rule.
bool load_allow_list(const std::string& path, allow_list& out);

/// Loads the --catalog files into `out` (left empty when there are none), printing the
/// file:line:field of a bad row.
bool load_catalog(const std::vector<std::string>& files, std::optional<binary_catalog>& out);

/// Applies every --map FIELD=PATH.
bool parse_maps(const std::vector<std::string>& maps, field_map& fields);

/// The input-format names for an option's check (`CLI::IsMember`).
std::vector<std::string> input_format_choices();

} // namespace masq::cli
