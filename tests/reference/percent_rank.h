// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace masq::reference {

/// percent_rank straight from its definition, O(n^2): rank = 1 + #{counts strictly smaller}.
inline std::vector<double> percent_rank(std::span<const std::uint64_t> counts) {
    const std::size_t n = counts.size();
    std::vector<double> out(n, 0.0);
    if (n <= 1) return out;
    for (std::size_t i = 0; i < n; ++i) {
        std::size_t smaller = 0;
        for (std::size_t j = 0; j < n; ++j)
            smaller += counts[j] < counts[i];
        out[i] = static_cast<double>(smaller) / static_cast<double>(n - 1);
    }
    return out;
}

} // namespace masq::reference
