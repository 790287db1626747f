// SPDX-License-Identifier: MIT
#pragma once

/// @file timestamp.h
/// ISO-8601 UTC times as Log Analytics writes them (`2016-01-05T01:32:01.2691226Z`), held as
/// 100-nanosecond ticks since the Unix epoch (the resolution of .NET and of the export).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace masq {

/// 100 ns ticks since 1970-01-01T00:00:00Z.
using timestamp = std::int64_t;

inline constexpr timestamp ticks_per_second = 10'000'000;

/// Parses `YYYY-MM-DD[T ]hh:mm[:ss[.f{1,9}]][Z|±hh:mm|±hhmm]`; no zone means UTC. Digits past the
/// seventh fraction digit are truncated. Returns nothing for anything else.
/// The wall clock as a timestamp (UTC).
timestamp now() noexcept;

std::optional<timestamp> parse_iso8601(std::string_view text) noexcept;

/// Formats as `YYYY-MM-DDThh:mm:ss.fffZ`, with 7 fraction digits when the time has sub-millisecond ticks.
std::string format_iso8601(timestamp t);

/// Parses a span such as `24h`, `30m`, `7d`, `90s` into ticks; nothing for anything else, and for
/// a span too long for a timestamp (more than about 29,000 years).
std::optional<timestamp> parse_duration(std::string_view text) noexcept;

} // namespace masq
