// SPDX-License-Identifier: MIT
#include "masq/detect.h"
#include "masq/match/seed_match.h"
#include "masq/write.h"
#include "masq/read.h"
#include "masq/synth.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <set>

namespace {

void add(masq::process_profile& profile, const char* name, int times, const char* path = nullptr,
         const char* host = "H") {
    masq::process_event e;
    e.process = name;
    if (path) e.path = path;
    e.host = host;
    for (int i = 0; i < times; ++i) {
        e.time = i * masq::ticks_per_second;
        profile.add(e);
    }
}

TEST(detect, finds_the_look_alike_with_context) {
    masq::process_profile profile;
    add(profile, "svchost.exe", 50, "C:\\Windows\\System32\\svchost.exe");
    add(profile, "SVCHOST.EXE", 10, "C:\\WINDOWS\\system32\\svchost.exe");
    add(profile, "explorer.exe", 40);
    add(profile, "cmd.exe", 30);
    add(profile, "a.exe", 20);
    add(profile, "scvhost.exe", 1, "C:\\Users\\Public\\scvhost.exe", "WS42");
    add(profile, "notepad.exe", 1);
    add(profile, "svchost", 1); // no dot: never compared
    const auto result = masq::detect(profile, {});
    ASSERT_EQ(result.findings.size(), 1u);
    const auto& f = result.findings[0];
    EXPECT_EQ(f.detector, "name-similarity");
    EXPECT_EQ(f.suspicious_process, "scvhost.exe");
    EXPECT_EQ(f.normal_process, "svchost.exe");
    EXPECT_EQ(f.score, static_cast<float>(6.0 / 7.0));
    EXPECT_EQ(f.normal_count, 60u);
    EXPECT_EQ(f.normal_distinct_paths, 2u);
    ASSERT_EQ(f.suspicious_paths.size(), 1u);
    EXPECT_EQ(f.suspicious_paths[0].value, "C:\\Users\\Public\\scvhost.exe");
    ASSERT_EQ(f.hosts.size(), 1u);
    EXPECT_EQ(f.hosts[0].value, "WS42");
    EXPECT_TRUE(f.first_seen.has_value());
    EXPECT_TRUE(f.in_user_data);
    EXPECT_FALSE(f.involves_synthetic);
    EXPECT_FALSE(f.reason.empty());
    EXPECT_EQ(result.summary.distinct_names, 7u);
    EXPECT_EQ(result.summary.pairs_compared, result.summary.frequent * result.summary.infrequent);
}

TEST(detect, thresholds_are_options) {
    masq::process_profile profile;
    add(profile, "svchost.exe", 50);
    add(profile, "lsass.exe", 60);
    add(profile, "x.exe", 30);
    add(profile, "y.exe", 20);
    add(profile, "1sass.exe", 1); // 5-letter stem, one edit: 0.8, below the notebook's 0.85
    masq::detect_options options;
    EXPECT_TRUE(masq::detect(profile, options).findings.empty());
    options.similarity_threshold = 0.79;
    const auto result = masq::detect(profile, options);
    ASSERT_EQ(result.findings.size(), 1u);
    EXPECT_EQ(result.findings[0].suspicious_process, "1sass.exe");
    options.thresholds.infrequent = 0.0; // nothing is below 0
    EXPECT_TRUE(masq::detect(profile, options).findings.empty());
    // Full mode: one edit counts in a 5-letter stem, whatever the similarity threshold.
    options.mode = masq::detect_mode::full;
    const auto full = masq::detect(profile, options);
    ASSERT_FALSE(full.findings.empty());
    EXPECT_EQ(full.findings[0].suspicious_process, "1sass.exe");
    EXPECT_EQ(full.findings[0].normal_process, "lsass.exe");
}

TEST(detect, synthetic_injection_marks_its_findings) {
    masq::process_profile profile;
    const auto events = masq::notebook_synthetic_events(3, 0, 86400 * masq::ticks_per_second);
    masq::emit_synthetic_events(events, profile);
    // With synthetic rows alone only wininit.exe (40 events) is frequent; many rarer user names
    // lift the synthetic 20-event names above the 0.8 rank, as a real tenant's data does.
    for (int i = 0; i < 300; ++i)
        add(profile, ("tool" + std::to_string(i) + "x.exe").c_str(), 2);
    const auto result = masq::detect(profile, {});
    std::set<std::string> suspicious;
    for (const auto& f : result.findings) {
        EXPECT_TRUE(f.involves_synthetic);
        EXPECT_FALSE(f.in_user_data);
        suspicious.insert(f.suspicious_process);
    }
    // The two hard-coded look-alikes are always caught (svchost has a 7-letter stem).
    EXPECT_TRUE(suspicious.count("scvhost.exe"));
    EXPECT_TRUE(suspicious.count("svch0st.exe"));
}

TEST(seed_match_brute_force, null_names_never_match) {
    const std::vector<std::optional<std::string>> frequent{std::nullopt, "svchost.exe"};
    const std::vector<std::optional<std::string>> infrequent{std::nullopt, "svch0st.exe", "svchost"};
    const auto matches = masq::seed_match_brute_force(frequent, infrequent, 0.0);
    ASSERT_EQ(matches.size(), 1u);
    EXPECT_EQ(matches[0].frequent_index, 1u);
    EXPECT_EQ(matches[0].infrequent_index, 1u);
}

// The real corpus (../shared/data/real) is checked end to end by tests/cli (test_real_events_seed_mode
// and the goldens); unit tests carry their own fixtures.

} // namespace
