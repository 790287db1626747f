// SPDX-License-Identifier: MIT
#pragma once

/// @file synth.h
/// The notebook's synthetic events (`getSyntheticEvents("normal")` and `("malicious")`), made
/// deterministic: the notebook draws from Python's unseeded `random`, masq from a seeded generator.

#include "masq/event.h"
#include "masq/profile.h"
#include "masq/util/timestamp.h"

#include <cstdint>
#include <string>
#include <vector>

namespace masq {

/// The notebook's `getListGoodProcs()`: 40 entries, `wininit` listed twice.
const std::vector<std::string>& notebook_good_processes();

struct synthetic_event {
    std::string process; ///< e.g. "svchost.exe" or "svcjost.exe"
    std::string path;    ///< `C:\Windows\System32\` or `C:\Windows\Temp\` + process
    timestamp time = 0;  ///< uniform in [start, end), whole seconds (the notebook writes `.000`)
    bool malicious = false;
};

/**
 * 20 events for each good-list entry plus ".exe" where it has no '.' (so `wininit.exe` gets 40),
 * from `C:\Windows\System32\`; then one event for each entry with one random inner letter
 * (position 1 .. len-2) replaced by a random lower-case ASCII letter (which may equal the old one,
 * as in the notebook), plus `scvhost.exe` and `svch0st.exe`, from `C:\Windows\Temp\`.
 * Same seed and window, same events.
 */
std::vector<synthetic_event> notebook_synthetic_events(std::uint64_t seed, timestamp start, timestamp end);

/// Feeds synthetic events to a sink, marked `event_origin::synthetic`.
void emit_synthetic_events(const std::vector<synthetic_event>& events, event_sink& sink);

/**
 * Adds the notebook's synthetic events (`notebook_synthetic_events(seed, …)`) to `profile`, as
 * `masq detect --inject-synthetic` does: spread over the data's time span (first to last seen,
 * plus one second), or over the day before `now` when no event has a time. Returns how many
 * events were added. Every front end (the CLI, the Python module, Spark) calls this one, so their
 * findings agree.
 */
std::uint64_t inject_notebook_synthetic(process_profile& profile, std::uint64_t seed, timestamp now);

} // namespace masq
