// SPDX-License-Identifier: MIT
#pragma once

/// @file detectors.h
/// The detectors each mode runs, as data: id, what a finding is about (its category), the
/// MITRE ATT&CK technique it maps to and a one-line summary. `detect()` runs the table of its
/// mode; `--detectors` chooses from it; docs/full-mode.md documents every id (a test checks).

#include "masq/detect.h"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace masq {

/// What a detection is about. Detections of one category on the same name are one finding (the
/// highest score wins); the categories of one name stay separate findings.
enum class detector_category : std::uint8_t {
    name,   ///< the name itself imitates another (look-alike, confusable, renamed binary, RLO, …)
    path,   ///< where the name ran: a folder it never lives in
    parent, ///< how it was started: a parent that never starts it
};

/// "name", "path", "parent".
std::string_view to_string(detector_category category) noexcept;

struct detector_info {
    std::string_view id;        ///< the `detector` field of its findings, e.g. "name-similarity"
    detector_category category;
    std::string_view technique; ///< MITRE ATT&CK technique id, e.g. "T1036.005"
    std::string_view summary;   ///< one line for people (`masq detectors`, docs)
};

/// The detectors of `mode`, in the order they run (seed mode has one: the notebook's rule).
std::span<const detector_info> detectors_of(detect_mode mode) noexcept;

/// The detector `id` of `mode`, or null.
const detector_info* find_detector(detect_mode mode, std::string_view id) noexcept;

/**
 * Parses a `--detectors` list for `mode`: comma-separated ids run only those
 * (`name-similarity,path`); ids prefixed with `-` run all but those (`-parent,-renamed`); `all`
 * runs every detector. Returns the ids to run, in table order. Throws `std::invalid_argument`
 * naming an unknown id and the known ones, or when the list selects nothing.
 */
std::vector<std::string> parse_detector_list(detect_mode mode, std::string_view list);

} // namespace masq
