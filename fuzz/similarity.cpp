// SPDX-License-Identifier: MIT
// Differential: the fast kernels against their slow references (tests/reference/), on names the
// fuzzer writes. The bounded and unbounded Damerau-Levenshtein against the textbook recurrence
// (Lowrance & Wagner 1975), the bit-parallel OSA filter against the OSA recurrence, and the
// indexed similarity join against the brute-force join, for the seed budget, constant ones and
// ones that step up with the length, with and without groups. Input: names separated by
// newlines; the first byte picks the budget, the group rule and the prefix length.
#include "masq/match/similarity.h"

#include "masq/match/similarity_join.h"
#include "masq/util/unicode.h"
#include "reference/damerau_levenshtein.h"

#include <cstdint>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return -1;
    const std::uint8_t choice = data[0];
    std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::vector<std::u32string> names;
    while (!rest.empty() && names.size() < 64) {
        const auto nl = rest.find('\n');
        const std::string_view line = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
        if (line.size() > 80) continue; // process names; the O(n·m) reference stays fast
        names.push_back(masq::decode_utf8(line));
    }
    for (std::size_t i = 0; i + 1 < names.size(); ++i) {
        const auto &a = names[i], &b = names[i + 1];
        const std::size_t exact = masq::reference::damerau_levenshtein(a, b);
        if (masq::damerau_levenshtein(a, b) != exact) __builtin_trap();
        for (std::size_t k = 0; k < 4; ++k) {
            const std::size_t bounded = masq::damerau_levenshtein(a, b, k);
            if (bounded != (exact <= k ? exact : k + 1)) __builtin_trap();
        }
        if (a.size() <= masq::osa_pattern::max_length &&
            masq::osa_pattern(a).distance(b) != masq::reference::optimal_string_alignment(a, b))
            __builtin_trap();
    }
    // The join: the names split into a left and a right list.
    const std::size_t half = names.size() / 2;
    const std::vector<std::u32string> left(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(half));
    const std::vector<std::u32string> right(names.begin() + static_cast<std::ptrdiff_t>(half), names.end());
    std::size_t longest = 1;
    for (const auto& n : names)
        longest = std::max(longest, n.size());
    // The top two bits pick a budget that steps up with the length, where a name's neighbourhood
    // has parts for its longer partners (name_index's for_each_part); otherwise the low two do.
    const auto stepped = [](std::size_t n) -> std::ptrdiff_t { // full mode's edits by stem length
        return n <= 2 ? 0 : n <= 5 ? 1 : n <= 14 ? 2 : 3;
    };
    const auto jump = [](std::size_t n) -> std::ptrdiff_t { return n < 8 ? 1 : 3; };
    const masq::edit_budget budget = (choice >> 6) == 1   ? masq::edit_budget(stepped, longest)
                                     : (choice >> 6) == 2 ? masq::edit_budget(jump, longest)
                                     : (choice >> 6) == 3 ? masq::edit_budget::seed(0.7, longest)
                                     : (choice & 3) == 0  ? masq::edit_budget::seed(0.85, longest)
                                     : (choice & 3) == 1  ? masq::edit_budget::seed(0.5, longest)
                                                          : masq::edit_budget::constant(choice & 3, longest);
    std::vector<std::uint64_t> left_groups, right_groups;
    for (const auto& n : left)
        left_groups.push_back(n.empty() ? 0 : n.back() % 3);
    for (const auto& n : right)
        right_groups.push_back(n.empty() ? 0 : n.back() % 3);
    const auto rule = static_cast<masq::group_rule>((choice >> 2) % 3);
    masq::join_options options;
    options.threads = 1;
    options.prefix_length = (choice >> 4) % 4;
    const bool grouped = rule != masq::group_rule::any;
    const auto fast =
        masq::similarity_join(left, right, budget, grouped ? left_groups : std::vector<std::uint64_t>{},
                              grouped ? right_groups : std::vector<std::uint64_t>{}, rule, options);
    const auto slow = masq::similarity_join_brute_force(
        left, right, budget, grouped ? left_groups : std::vector<std::uint64_t>{},
        grouped ? right_groups : std::vector<std::uint64_t>{}, rule);
    if (fast != slow) __builtin_trap();
    return 0;
}
