// SPDX-License-Identifier: MIT
#pragma once

/// @file masq.h
/// Umbrella header of the masq library.

#include "masq/detect.h"
#include "masq/diagnostics.h"
#include "masq/event.h"
#include "masq/finding.h"
#include "masq/matcher.h"
#include "masq/profile.h"
#include "masq/rank.h"
#include "masq/similarity.h"
#include "masq/sink.h"
#include "masq/source.h"
#include "masq/synth.h"
#include "masq/timestamp.h"
#include "masq/unicode.h"
#include "masq/version.h"
