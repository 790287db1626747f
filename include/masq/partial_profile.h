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
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace masq {

/// A decoded partial profile. Host names of its variants are views into `hosts`.
struct partial_profile {
    std::deque<std::string> hosts;
    std::vector<std::pair<std::optional<std::string>, name_stats>> names;
    diagnostics problems{false, 20};
    read_stats stats;
    std::uint64_t lines = 0; ///< lines of the task's range (to number the problems and samples after it)
    std::size_t sample_limit = 3;

    partial_profile() = default;
    partial_profile(const partial_profile&) = delete; // `names` points into `hosts`
    partial_profile& operator=(const partial_profile&) = delete;
    partial_profile(partial_profile&&) = default;
    partial_profile& operator=(partial_profile&&) = default;
};

/// The bytes of what reading one task gave: its profile (read with `read_part`, so its samples'
/// lines are lines of the task's range), problems, statistics and line count.
std::string encode_partial(const process_profile& profile, const diagnostics& problems,
                           const read_stats& stats, std::uint64_t lines);

/// Decodes `encode_partial`'s bytes into `out`; returns an empty string on success, otherwise
/// why the bytes are not a partial profile (then `out` is unspecified). Never throws.
std::string decode_partial(std::string_view bytes, partial_profile& out) noexcept;

/// Adds a decoded task to `profile` (and its problems to `diag`, in strict mode the first throws
/// `input_error`; its statistics to `stats`): its samples' and problems' lines become lines of
/// the file by adding `line_offset` (the lines of the earlier ranges of the same file) and its
/// samples take their place in the input from `file_index`, the file's index among the inputs.
/// `part` is left empty.
void add_partial(process_profile& profile, diagnostics& diag, read_stats& stats, partial_profile&& part,
                 std::uint64_t line_offset, std::uint64_t file_index);

} // namespace masq
