// SPDX-License-Identifier: MIT
// The detector tables of both modes. Full mode's order is the order detectors run, and it
// matters: when two detections of one category tie on score for a name, the earlier one is kept.
// A new detector is a file in detectors/ defining its row, plus one line here and one row in
// docs/full-mode.md (tests/unit/detect/registry_test.cpp checks the documentation).

#include "detect/context.h"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <stdexcept>

namespace masq {
namespace detectors {

std::span<const detector* const> full_mode_table() noexcept {
    static const std::array<const detector*, 13> table{&name_similarity,
                                                       &affixes,
                                                       &confusables,
                                                       &visual_lookalikes,
                                                       &wrong_folder,
                                                       &home_folder,
                                                       &right_to_left_override,
                                                       &invisible_characters,
                                                       &double_extension,
                                                       &space_after_name,
                                                       &renamed_binaries,
                                                       &renamed_by_hash,
                                                       &wrong_parent};
    return table;
}

} // namespace detectors

namespace {

// Seed mode is one detector: the notebook's rule (docs/seed-mode.md).
constexpr std::array<detector_info, 1> seed_table{{
    {"name-similarity", detector_category::name, "T1036.005",
     "the Sentinel notebook's rule: an infrequent name whose float32 Damerau-Levenshtein similarity to a "
     "frequent name is above the threshold"},
}};

const std::vector<detector_info>& full_infos() {
    static const std::vector<detector_info> infos = [] {
        std::vector<detector_info> v;
        for (const detectors::detector* d : detectors::full_mode_table())
            v.push_back(d->info);
        return v;
    }();
    return infos;
}

} // namespace

std::string_view to_string(detector_category category) noexcept {
    switch (category) {
    case detector_category::name:
        return "name";
    case detector_category::path:
        return "path";
    case detector_category::parent:
        return "parent";
    }
    return "name";
}

std::span<const detector_info> detectors_of(detect_mode mode) noexcept {
    if (mode == detect_mode::seed) return seed_table;
    return full_infos();
}

const detector_info* find_detector(detect_mode mode, std::string_view id) noexcept {
    for (const detector_info& d : detectors_of(mode))
        if (d.id == id) return &d;
    return nullptr;
}

std::vector<std::string> parse_detector_list(detect_mode mode, std::string_view list) {
    const std::span<const detector_info> table = detectors_of(mode);
    std::vector<std::string_view> include, exclude;
    bool all = false;
    for (std::size_t start = 0; start <= list.size();) {
        std::size_t end = list.find(',', start);
        if (end == std::string_view::npos) end = list.size();
        std::string_view item = list.substr(start, end - start);
        while (!item.empty() && item.front() == ' ')
            item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ')
            item.remove_suffix(1);
        start = end + 1;
        if (item.empty()) continue;
        const bool minus = item.front() == '-';
        if (minus) item.remove_prefix(1);
        if (item == "all" && !minus) {
            all = true;
            continue;
        }
        if (find_detector(mode, item) == nullptr) {
            std::string known;
            for (const detector_info& d : table)
                known += (known.empty() ? "" : ", ") + std::string(d.id);
            throw std::invalid_argument(fmt::format("unknown detector '{}' for {} mode (known: {})", item,
                                                    mode == detect_mode::seed ? "seed" : "full", known));
        }
        (minus ? exclude : include).push_back(item);
    }
    std::vector<std::string> chosen;
    const bool only = !include.empty() && !all;
    for (const detector_info& d : table) {
        const bool in = !only || std::find(include.begin(), include.end(), d.id) != include.end();
        const bool out = std::find(exclude.begin(), exclude.end(), d.id) != exclude.end();
        if (in && !out) chosen.emplace_back(d.id);
    }
    if (chosen.empty()) throw std::invalid_argument("--detectors selects no detector");
    return chosen;
}

} // namespace masq
