// SPDX-License-Identifier: MIT
#pragma once

// The affix detector's lookup: which catalog binary's stem a name is made of with an affix
// (detectors/affixes.cpp). Internal to the library.

#include "detect/context.h"

#include <absl/container/flat_hash_map.h>
#include <span>
#include <string_view>
#include <vector>

namespace masq::detectors {

/// A catalog binary whose stem may carry an affix, split once per run rather than once per name.
struct affix_target {
    const target* t;
    std::string_view stem, ext;
};

/// The catalog binaries the affix detector looks for: 4 letters or more (`cmd`, `net`, `reg` are in
/// too many names), applications' from five (`zoom1` is a version).
std::vector<affix_target> affix_targets(const detector_context& ctx);

/// A name's stem read as a target's stem with an affix before or after it.
struct affixed {
    const target* t = nullptr;
    std::string_view affix;
    bool suffix = true;
};

/// Whether `affix` (what is left of the stem around the target's) reads as an affix (affixes.cpp).
bool is_affix(std::string_view affix, bool suffix);

/// The longest target stem that `stem` is made of with an affix, with the same extension; on a tie
/// the first in `targets`, as a suffix before as a prefix: a scan of every target, the slow
/// reference of `affix_index`.
affixed find_affixed_by_scan(std::span<const affix_target> targets, std::string_view stem,
                             std::string_view ext);

/// `find_affixed_by_scan` by looking up each prefix and suffix of the stem instead of scanning
/// every target per name (a catalog of thousands against a million names).
class affix_index {
  public:
    explicit affix_index(std::vector<affix_target> targets);
    affixed find(std::string_view stem, std::string_view ext) const;

  private:
    std::vector<affix_target> targets_;
    /// Indices into `targets_` by stem, in order.
    absl::flat_hash_map<std::string_view, std::vector<std::uint32_t>> by_stem_;
};

} // namespace masq::detectors
