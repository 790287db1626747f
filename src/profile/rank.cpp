// SPDX-License-Identifier: MIT
#include "masq/rank.h"

#include <absl/container/flat_hash_map.h>
#include <algorithm>

namespace masq {

std::vector<double> spark_percent_rank(std::span<const std::uint64_t> counts) {
    const std::size_t n = counts.size();
    std::vector<double> ranks(n, 0.0);
    if (n <= 1) return ranks; // Spark: "If a partition only contains one row, the function will return 0."
    // RankLike: rank = 1 + the number of rows with a strictly smaller count (ties share the
    // minimum), which depends on the count only. Counts take few distinct values (most names are
    // seen a handful of times), so the rows are tallied per count and only the distinct counts
    // sorted: a million names' indirect sort took a tenth of a second of cache misses.
    absl::flat_hash_map<std::uint64_t, std::uint64_t> smaller; // count -> rows with a smaller one
    for (const std::uint64_t c : counts)
        ++smaller[c];
    std::vector<std::pair<std::uint64_t, std::uint64_t>> tally(smaller.begin(), smaller.end());
    std::sort(tally.begin(), tally.end());
    std::uint64_t below = 0;
    for (const auto& [count, rows] : tally) {
        smaller[count] = below;
        below += rows;
    }
    // PercentRank: (rank - 1).cast(DoubleType) / (n - 1).cast(DoubleType)
    for (std::size_t i = 0; i < n; ++i)
        ranks[i] = static_cast<double>(smaller.find(counts[i])->second) / static_cast<double>(n - 1);
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
