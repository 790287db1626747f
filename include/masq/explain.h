// SPDX-License-Identifier: MIT
#pragma once

/// @file explain.h
/// Why a name is or is not flagged in full mode: the findings it gets and, line by line, what
/// each detector saw (catalog entry, nearest look-alike targets and the edit budget, confusable
/// skeleton, hidden characters, extensions, benign pairs, allow-list rules).

#include "masq/detect.h"
#include "masq/profile.h"

#include <string>
#include <string_view>
#include <vector>

namespace masq {

struct explanation {
    std::vector<finding> findings;  ///< what full mode reports for the name (empty: not flagged)
    std::vector<std::string> lines; ///< the reasoning, for people
};

/// Explains `name` (any case; lower-cased like the profile) against `profile` as full mode would
/// see it. A name absent from the profile is considered as if seen once at `path` (if given).
explanation explain_name(const process_profile& profile, std::string_view name, std::string_view path,
                         const detect_options& options);

} // namespace masq
