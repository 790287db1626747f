// SPDX-License-Identifier: MIT
#pragma once

/// @file pipeline.h
/// Steps of `masq detect` that every front end (the CLI, the Python module, Spark) must do the
/// same way so that their findings agree.

#include "masq/profile.h"
#include "masq/timestamp.h"

#include <cstdint>

namespace masq {

/**
 * Adds the notebook's synthetic events (`notebook_synthetic_events(seed, …)`) to `profile`, as
 * `masq detect --inject-synthetic` does: spread over the data's time span (first to last seen,
 * plus one second), or over the day before `now` when no event has a time. Returns how many
 * events were added.
 */
std::uint64_t inject_notebook_synthetic(process_profile& profile, std::uint64_t seed, timestamp now);

} // namespace masq
