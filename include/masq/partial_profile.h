// SPDX-License-Identifier: MIT
#pragma once

/// @file partial_profile.h
/// The profile of one read task (a file, or a byte range of one) as bytes, so that the task can be
/// read on another machine — a Spark executor — and merged on the driver as `read_into` merges
/// its threads' profiles: counts, hosts and times add up, and a variant's samples stay the first
/// events in input order because the driver renumbers each task's lines after the lines of the
/// ranges before it (`add_partial`), exactly as `read_into` does with its line offsets.
///
/// The format is masq's own: a magic and version, then unsigned LEB128 integers, zigzag times and
/// length-prefixed byte strings. No serialisation library is a dependency (simdjson only parses,
/// Arrow is used through its C data interface without libarrow), and JSON, the one well-kept
/// format already at hand, cannot carry the bytes of a name that is not valid UTF-8 (a CSV or a
/// hostile log may hold one), so a partial in JSON would change findings. The decoder trusts
/// nothing: every length and index is checked against the bytes left, it allocates no more than
/// the input could describe, and it reports a bad input instead of throwing or aborting
/// (fuzz/partial_profile.cpp fuzzes it).

#include "masq/diagnostics.h"
#include "masq/profile.h"
#include "masq/read.h"

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace masq {

/// A decoded partial profile: what reading some consecutive tasks gave. The text of its names'
/// counts, variant keys, hosts and samples is views into `text` (add_stats interns it again in
/// the profile it is added to).
struct partial_profile {
    string_pool text;
    std::vector<std::pair<std::optional<std::string>, name_stats>> names;
    std::vector<std::uint64_t> task_lines;  ///< per task: lines of its range
    std::vector<diagnostics> task_problems; ///< per task: its problems (lines of its range)
    read_stats stats;
    std::size_t sample_limit = 3;

    partial_profile() = default;
    partial_profile(const partial_profile&) = delete; // `names` points into `text`
    partial_profile& operator=(const partial_profile&) = delete;
    partial_profile(partial_profile&&) = default;
    partial_profile& operator=(partial_profile&&) = default;
};

/// The bytes of what `read_parts` gave for some tasks: the profile (a sample's order is its
/// task's index << 40 | its line in the task's range), each task's lines and problems, and the
/// read statistics.
std::string encode_partial(const process_profile& profile, std::span<const std::uint64_t> task_lines,
                           std::span<const diagnostics> task_problems, const read_stats& stats);

/// Decodes `encode_partial`'s bytes into `out`; returns an empty string on success, otherwise
/// why the bytes are not a partial profile (then `out` is unspecified). Never throws.
std::string decode_partial(std::string_view bytes, partial_profile& out) noexcept;

/// Where a task of a partial profile lies in the input: the lines of the earlier ranges of its
/// file, and the file's index among the inputs.
struct task_place {
    std::uint64_t line_offset = 0;
    std::uint64_t file_index = 0;
};

/// Adds a decoded partial profile to `profile` (its problems to `diag`, task by task, in strict
/// mode the first throws `input_error`; its statistics to `stats`): a sample's line becomes a line
/// of its file by adding its task's `line_offset`, and its order (file, line in the file) is then
/// the same however the files were cut, as `read_into` renumbers its threads' samples.
/// `places[i]` is task i's place; `std::invalid_argument` if their number is not the tasks'.
/// `part` is left empty.
void add_partial(process_profile& profile, diagnostics& diag, read_stats& stats, partial_profile&& part,
                 std::span<const task_place> places);

} // namespace masq
