// SPDX-License-Identifier: MIT
#pragma once

// What every line format shares: one parser per reader per file turns padded lines into events
// for a sink, counting and reporting as it goes.

#include "masq/source.h"
#include "sources/line_reader.h"

#include <absl/container/flat_hash_set.h>
#include <array>
#include <memory>
#include <mutex>
#include <xxhash.h>

namespace masq::detail {

/// Hashes of the records seen, shared by the reading threads (for --dedupe): 64 shards, each
/// with its lock, so threads rarely wait for each other.
class record_set {
  public:
    /// True the first time a line is seen.
    bool insert(std::string_view line) {
        const XXH128_hash_t h = XXH3_128bits(line.data(), line.size());
        shard& s = shards_[h.low64 & 63];
        std::lock_guard lock(s.mutex);
        return s.seen.insert({h.low64, h.high64}).second;
    }

  private:
    struct shard {
        std::mutex mutex;
        absl::flat_hash_set<std::pair<std::uint64_t, std::uint64_t>> seen;
    };
    std::array<shard, 64> shards_;
};

class line_parser {
  public:
    virtual ~line_parser() = default;
    virtual void parse(const padded_line& line) = 0;
};

/// Everything a parser needs besides the lines.
struct parser_context {
    std::string_view file;
    event_sink& sink;
    diagnostics& diag;
    read_stats& stats;
    time_window window;
    record_set* seen = nullptr;
    const field_map* fields = nullptr; ///< user overrides (--map)
};

/// The parser for `format`; `input_format::auto_detect` looks at the first record of the file.
std::unique_ptr<line_parser> make_line_parser(input_format format, const parser_context& context);

/// The SecurityEvent export parser (sentinel_json.cpp), the fast path.
std::unique_ptr<line_parser> make_security_event_parser(const parser_context& context);

/// A CSV export with a header row (csv_export.cpp).
std::unique_ptr<line_parser> make_csv_parser(const parser_context& context);

/// A JSON dialect parser (json_dialects.cpp) for ECS/winlogbeat, Defender and Sysmon JSON.
std::unique_ptr<line_parser> make_dialect_parser(input_format format, const parser_context& context);

} // namespace masq::detail
