// SPDX-License-Identifier: MIT
#include "masq/synth.h"

#include <gtest/gtest.h>
#include <map>

namespace {

constexpr masq::timestamp day = 86400 * masq::ticks_per_second;

TEST(notebook_synthetic_events, shape_of_the_notebook_rows) {
    ASSERT_EQ(masq::notebook_good_processes().size(), 40u);
    const auto events = masq::notebook_synthetic_events(1, 0, day);
    ASSERT_EQ(events.size(), 40u * 20 + 42);
    std::map<std::string, int> normal;
    int malicious = 0;
    for (const auto& e : events) {
        EXPECT_GE(e.time, 0);
        EXPECT_LT(e.time, day);
        EXPECT_EQ(e.time % masq::ticks_per_second, 0);
        if (e.malicious) {
            ++malicious;
            EXPECT_EQ(e.path, "C:\\Windows\\Temp\\" + e.process);
        } else {
            ++normal[e.process];
            EXPECT_EQ(e.path, "C:\\Windows\\System32\\" + e.process);
        }
    }
    EXPECT_EQ(malicious, 42);
    EXPECT_EQ(normal.size(), 39u);
    EXPECT_EQ(normal["wininit.exe"], 40); // listed twice in getListGoodProcs()
    EXPECT_EQ(normal["svchost.exe"], 20);
    EXPECT_EQ(normal["more.com"], 20); // already has a dot: no ".exe"
    EXPECT_EQ(events[events.size() - 2].process, "scvhost.exe");
    EXPECT_EQ(events[events.size() - 1].process, "svch0st.exe");
}

TEST(notebook_synthetic_events, one_inner_letter_substituted) {
    for (std::uint64_t seed = 0; seed < 50; ++seed) {
        const auto events = masq::notebook_synthetic_events(seed, 0, day);
        const auto& good = masq::notebook_good_processes();
        for (std::size_t i = 0; i < good.size(); ++i) {
            std::string bad = events[800 + i].process;
            const std::string& g = good[i];
            // Undo the ".exe" the notebook appends when the mutated name has no dot.
            if (bad.size() == g.size() + 4 && bad.ends_with(".exe")) bad.resize(g.size());
            ASSERT_EQ(bad.size(), g.size()) << g;
            EXPECT_EQ(bad.front(), g.front());
            EXPECT_EQ(bad.back(), g.back());
            int differences = 0;
            for (std::size_t k = 0; k < g.size(); ++k)
                differences += bad[k] != g[k];
            EXPECT_LE(differences, 1) << g << " -> " << bad;
        }
    }
}

TEST(notebook_synthetic_events, deterministic_per_seed) {
    const auto a = masq::notebook_synthetic_events(99, 0, day),
               b = masq::notebook_synthetic_events(99, 0, day);
    const auto c = masq::notebook_synthetic_events(100, 0, day);
    ASSERT_EQ(a.size(), b.size());
    bool all_equal = true, same_as_other_seed = true;
    for (std::size_t i = 0; i < a.size(); ++i) {
        all_equal &= a[i].process == b[i].process && a[i].time == b[i].time;
        same_as_other_seed &= a[i].process == c[i].process && a[i].time == c[i].time;
    }
    EXPECT_TRUE(all_equal);
    EXPECT_FALSE(same_as_other_seed);
}

} // namespace
