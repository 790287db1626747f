// SPDX-License-Identifier: MIT
#pragma once

/// @file masq.h
/// Umbrella header of the masq library: the whole public API, in the order the data flows.
/// Headers at the top of `masq/` are the stages' front doors; those in `masq/match/`,
/// `masq/detect/` and `masq/util/` are their building blocks, public because the front ends
/// (the Python module, Spark) use them directly.

#include "masq/version.h"
#include "masq/diagnostics.h"

// sources -> events
#include "masq/event.h"
#include "masq/read.h"
#include "masq/arrow_stream.h"
#include "masq/synth.h"

// events -> profile -> ranks
#include "masq/profile.h"
#include "masq/rank.h"

// when do two names look alike
#include "masq/match/similarity.h"
#include "masq/match/similarity_join.h"
#include "masq/match/seed_match.h"
#include "masq/match/confusable.h"

// profile -> findings
#include "masq/detect.h"
#include "masq/detect/catalog.h"
#include "masq/detect/detectors.h"
#include "masq/allow_list.h"
#include "masq/explain.h"
#include "masq/finding.h"
#include "masq/schema.h"

// findings -> people and machines
#include "masq/write.h"
#include "masq/sentinel.h"

// shared utilities
#include "masq/util/text.h"
#include "masq/util/timestamp.h"
#include "masq/util/unicode.h"
#include "masq/util/windows_path.h"
