// SPDX-License-Identifier: MIT
#include "masq/rank.h"

#include <algorithm>
#include <numeric>

namespace masq {

std::vector<double> spark_percent_rank(std::span<const std::uint64_t> counts) {
    const std::size_t n = counts.size();
    std::vector<double> ranks(n, 0.0);
    if (n <= 1) return ranks; // Spark: "If a partition only contains one row, the function will return 0."
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return counts[a] < counts[b]; });
    // RankLike: rank = 1 + number of rows with a strictly smaller count (ties share the minimum).
    std::size_t rank = 1;
    for (std::size_t pos = 0; pos < n; ++pos) {
        if (pos > 0 && counts[order[pos]] != counts[order[pos - 1]]) rank = pos + 1;
        // PercentRank: (rank - 1).cast(DoubleType) / (n - 1).cast(DoubleType)
        ranks[order[pos]] = static_cast<double>(rank - 1) / static_cast<double>(n - 1);
    }
    return ranks;
}

frequency_split split_by_frequency(const process_profile& profile, const rank_thresholds& thresholds) {
    frequency_split split;
    split.names.reserve(profile.distinct_names());
    profile.for_each_sorted([&](std::optional<std::string_view> name, const name_stats& stats) {
        ranked_name r;
        r.name = name;
        r.stats = &stats;
        r.count = stats.count;
        split.names.push_back(std::move(r));
    });
    std::vector<std::uint64_t> counts(split.names.size());
    for (std::size_t i = 0; i < counts.size(); ++i)
        counts[i] = split.names[i].count;
    const std::vector<double> ranks = spark_percent_rank(counts);
    for (std::size_t i = 0; i < ranks.size(); ++i) {
        split.names[i].percent_rank = ranks[i];
        if (ranks[i] >= thresholds.frequent) split.frequent.push_back(i);
        if (ranks[i] < thresholds.infrequent) split.infrequent.push_back(i);
    }
    return split;
}

} // namespace masq
