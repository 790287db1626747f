// SPDX-License-Identifier: MIT
#include "masq/synth.h"

#include "masq/synth.h"

#include <algorithm>
#include <limits>

namespace masq {

std::uint64_t inject_notebook_synthetic(process_profile& profile, std::uint64_t seed, timestamp now) {
    // The notebook spreads its rows over the analysis window; ours is the data's time span.
    timestamp start = now - 86400 * ticks_per_second, end = now;
    timestamp lo = std::numeric_limits<timestamp>::max(), hi = std::numeric_limits<timestamp>::min();
    profile.for_each_sorted([&](auto, const name_stats& s) {
        if (s.has_time()) {
            lo = std::min(lo, s.first_seen);
            hi = std::max(hi, s.last_seen);
        }
    });
    if (lo <= hi) {
        start = lo;
        end = hi + ticks_per_second;
    }
    const auto events = notebook_synthetic_events(seed, start, end);
    emit_synthetic_events(events, profile);
    return events.size();
}

} // namespace masq
