// SPDX-License-Identifier: MIT
#include "masq/rank.h"
#include "reference/percent_rank.h"

#include <gtest/gtest.h>
#include <random>

namespace {

TEST(spark_percent_rank, matches_definition_on_random_counts_with_ties) {
    std::mt19937_64 rng(7);
    for (int round = 0; round < 500; ++round) {
        const std::size_t n = 1 + rng() % 300;
        const std::uint64_t spread = 1 + rng() % 20; // small spreads make many ties
        std::vector<std::uint64_t> counts(n);
        for (auto& c : counts)
            c = 1 + rng() % spread;
        const auto fast = masq::spark_percent_rank(counts);
        const auto slow = masq::reference::percent_rank(counts);
        ASSERT_EQ(fast, slow) << "round " << round;
    }
}

TEST(spark_percent_rank, edge_cases) {
    EXPECT_EQ(masq::spark_percent_rank(std::vector<std::uint64_t>{42}), std::vector<double>{0.0});
    EXPECT_EQ(masq::spark_percent_rank(std::vector<std::uint64_t>{5, 5, 5}),
              (std::vector<double>{0.0, 0.0, 0.0}));
    EXPECT_EQ(masq::spark_percent_rank(std::vector<std::uint64_t>{1, 2, 2, 3}),
              (std::vector<double>{0.0, 1.0 / 3.0, 1.0 / 3.0, 1.0}));
    EXPECT_TRUE(masq::spark_percent_rank(std::vector<std::uint64_t>{}).empty());
}

TEST(spark_percent_rank, double_comparison_equals_integer_rules_at_default_thresholds) {
    // seed-semantics.md: frequent <=> 5(r-1) >= 4(n-1), infrequent <=> 5(r-1) < n-1 (n > 1).
    for (std::size_t n = 2; n <= 2000; ++n)
        for (std::size_t r = 1; r <= n; ++r) {
            const double pr = static_cast<double>(r - 1) / static_cast<double>(n - 1);
            ASSERT_EQ(pr >= 0.8, 5 * (r - 1) >= 4 * (n - 1)) << n << " " << r;
            ASSERT_EQ(pr < 0.2, 5 * (r - 1) < n - 1) << n << " " << r;
        }
}

TEST(split_by_frequency, null_group_counts_and_single_name_is_infrequent) {
    masq::process_profile profile;
    masq::process_event e;
    e.process = "a.exe";
    profile.add(e);
    auto split = masq::split_by_frequency(profile, {});
    ASSERT_EQ(split.names.size(), 1u);
    EXPECT_TRUE(split.frequent.empty());
    EXPECT_EQ(split.infrequent.size(), 1u); // n = 1 -> rank 0.0 -> infrequent

    e.process.reset(); // the null-name group is a name of its own for ranking
    for (int i = 0; i < 5; ++i)
        profile.add(e);
    split = masq::split_by_frequency(profile, {});
    ASSERT_EQ(split.names.size(), 2u);
    ASSERT_EQ(split.frequent.size(), 1u);
    EXPECT_FALSE(split.names[split.frequent[0]].name.has_value());
    EXPECT_EQ(split.names[split.frequent[0]].count, 5u);
}

} // namespace
