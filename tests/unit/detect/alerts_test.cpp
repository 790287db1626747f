// SPDX-License-Identifier: MIT
// The alert model (docs/alerts.md): evidence-scoped counts, hosts and times; one alert per group
// of events with the same detections; levels; samples; host-pinned allow rules.
#include "fleet.h"

#include "masq/read.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>

namespace {

using masq::test::fleet;
using masq::test::full;

masq::process_event event(const char* name, const char* path, const char* host, const char* time,
                          const char* parent = nullptr, const char* original = nullptr) {
    masq::process_event e;
    e.process = name;
    e.path = path;
    e.host = host;
    e.time = masq::parse_iso8601(time);
    if (parent != nullptr) e.parent_path = parent;
    if (original != nullptr) e.original_file_name = original;
    return e;
}

std::vector<const masq::finding*> alerts_of(const std::vector<masq::finding>& fs, const std::string& name) {
    std::vector<const masq::finding*> out;
    for (const auto& f : fs)
        if (f.suspicious_process == name) out.push_back(&f);
    return out;
}

bool has_detection(const masq::finding& f, std::string_view id) {
    for (const auto& d : f.detections)
        if (d.detector == id) return true;
    return false;
}

TEST(alerts, a_wrong_folder_alert_counts_only_the_events_from_that_folder) {
    auto p = fleet(); // 500 svchost.exe from System32 on H1
    p.add(event("svchost.exe", "C:\\Users\\eve\\Downloads\\svchost.exe", "EVIL", "2019-01-15T05:15:17Z"));
    const auto fs = full(p);
    const auto svchost = alerts_of(fs, "svchost.exe");
    ASSERT_EQ(svchost.size(), 1u);
    const masq::finding& a = *svchost.front();
    EXPECT_EQ(a.detector, "path");
    EXPECT_EQ(a.technique, "T1036.005");
    EXPECT_EQ(a.suspicious_count, 1u);
    ASSERT_EQ(a.hosts.size(), 1u);
    EXPECT_EQ(a.hosts.front().value, "EVIL");
    EXPECT_EQ(a.distinct_hosts, 1u);
    EXPECT_EQ(a.first_seen, masq::parse_iso8601("2019-01-15T05:15:17Z"));
    EXPECT_EQ(a.last_seen, a.first_seen);
    ASSERT_EQ(a.suspicious_paths.size(), 1u);
    EXPECT_EQ(a.suspicious_paths.front().value, "C:\\Users\\eve\\Downloads\\svchost.exe");
    // The legitimate runs are context, never mixed in; the name is not repeated as imitated.
    EXPECT_EQ(a.normal_process, std::nullopt);
    EXPECT_EQ(a.normal_count, 500u);
    EXPECT_FALSE(a.expected.empty());
}

TEST(alerts, each_unexpected_folder_is_its_own_alert_with_exact_counts) {
    auto p = fleet();
    for (int i = 0; i < 2; ++i)
        p.add(event("svchost.exe", "C:\\Users\\eve\\Downloads\\svchost.exe", "A", "2020-01-01T00:00:00Z"));
    for (int i = 0; i < 3; ++i)
        p.add(event("svchost.exe", "C:\\Windows\\Temp\\svchost.exe", "B", "2020-01-02T00:00:00Z"));
    const auto fs = full(p);
    const auto svchost = alerts_of(fs, "svchost.exe");
    ASSERT_EQ(svchost.size(), 2u);
    std::map<std::string, std::uint64_t> counts;
    for (const auto* a : svchost)
        counts[a->hosts.front().value] = a->suspicious_count;
    EXPECT_EQ(counts["A"], 2u);
    EXPECT_EQ(counts["B"], 3u);
}

TEST(alerts, every_detection_on_the_same_event_is_one_alert) {
    auto p = fleet();
    p.add(event("svchost.exe", "C:\\Users\\eve\\Downloads\\svchost.exe", "EVIL", "2026-02-04T08:47:45Z",
                "C:\\Windows\\System32\\cmd.exe", "CALC.EXE"));
    const auto fs = full(p);
    const auto svchost = alerts_of(fs, "svchost.exe");
    ASSERT_EQ(svchost.size(), 1u);
    const masq::finding& a = *svchost.front();
    EXPECT_TRUE(has_detection(a, "path"));
    EXPECT_TRUE(has_detection(a, "parent"));
    EXPECT_TRUE(has_detection(a, "renamed"));
    EXPECT_EQ(a.detections.size(), 3u);
    EXPECT_EQ(a.suspicious_count, 1u);
    // Three categories corroborate: the strongest detection's level raised twice, to critical.
    EXPECT_EQ(a.level, masq::alert_level::critical);
    for (std::size_t i = 1; i < a.detections.size(); ++i)
        EXPECT_GE(a.detections[i - 1].score, a.detections[i].score);
    EXPECT_NE(a.reason.find("really calc.exe"), std::string::npos) << a.reason;
}

TEST(alerts, a_detection_over_several_groups_of_events_splits_into_alerts_that_do_not_share_events) {
    auto p = fleet();
    // cmd.exe started svchost.exe twice: once from Downloads, once from System32.
    p.add(event("svchost.exe", "C:\\Users\\eve\\Downloads\\svchost.exe", "A", "2020-01-01T00:00:00Z",
                "C:\\Windows\\System32\\cmd.exe"));
    p.add(event("svchost.exe", "C:\\Windows\\System32\\svchost.exe", "B", "2020-01-02T00:00:00Z",
                "C:\\Windows\\System32\\cmd.exe"));
    const auto fs = full(p);
    const auto svchost = alerts_of(fs, "svchost.exe");
    ASSERT_EQ(svchost.size(), 2u);
    std::uint64_t events = 0;
    for (const auto* a : svchost) {
        events += a->suspicious_count;
        EXPECT_EQ(a->distinct_hosts, 1u);
        EXPECT_TRUE(has_detection(*a, "parent"));
        EXPECT_EQ(has_detection(*a, "path"), a->hosts.front().value == "A");
    }
    EXPECT_EQ(events, 2u);
}

TEST(alerts, samples_are_the_first_evidence_events_read_shown_earliest_first) {
    auto p = fleet();
    for (int i = 3; i >= 0; --i) {
        auto e = event("svchost.exe", "C:\\Users\\eve\\Downloads\\svchost.exe", "EVIL",
                       ("2020-01-0" + std::to_string(i + 1) + "T00:00:00Z").c_str());
        e.command_line = "svchost.exe -k evil";
        e.user = "eve";
        e.process_id = 4242u + static_cast<unsigned>(i);
        e.source = "export.jsonl";
        e.line = 10u + static_cast<unsigned>(i);
        p.add(e);
    }
    masq::detect_options o;
    o.mode = masq::detect_mode::full;
    o.samples = 2;
    const auto fs = masq::detect(p, o).findings;
    const auto svchost = alerts_of(fs, "svchost.exe");
    ASSERT_EQ(svchost.size(), 1u);
    const auto& samples = svchost.front()->samples;
    ASSERT_EQ(samples.size(), 2u);
    // The first two read (January 4th, then 3rd), listed by time.
    EXPECT_EQ(samples[0].time, masq::parse_iso8601("2020-01-03T00:00:00Z"));
    EXPECT_EQ(samples[1].time, masq::parse_iso8601("2020-01-04T00:00:00Z"));
    EXPECT_EQ(samples[0].host, "EVIL");
    EXPECT_EQ(samples[0].user, "eve");
    EXPECT_EQ(samples[0].command_line, "svchost.exe -k evil");
    EXPECT_EQ(samples[0].process_id, 4244u);
    EXPECT_EQ(samples[0].source, "export.jsonl");
    EXPECT_EQ(samples[0].line, 12u);
    EXPECT_EQ(samples[0].path, "C:\\Users\\eve\\Downloads\\svchost.exe");
}

TEST(alerts, a_host_pinned_allow_rule_suppresses_exactly_the_alert_on_that_host) {
    auto p = fleet();
    p.add(event("svchost.exe", "C:\\Users\\eve\\Downloads\\svchost.exe", "LAB-1", "2020-01-01T00:00:00Z"));
    p.add(event("svchost.exe", "C:\\Windows\\Temp\\svchost.exe", "PROD-7", "2020-01-02T00:00:00Z"));
    const auto before = full(p);
    ASSERT_EQ(alerts_of(before, "svchost.exe").size(), 2u);
    const auto allow =
        masq::allow_list::parse("{\"name\": \"svchost.exe\", \"host\": \"lab-*\", \"reason\": \"lab\"}\n", "a.jsonl");
    const auto after = full(p, &allow);
    const auto left = alerts_of(after, "svchost.exe");
    ASSERT_EQ(left.size(), 1u);
    EXPECT_EQ(left.front()->hosts.front().value, "PROD-7");
}

TEST(alerts, min_level_leaves_out_lower_alerts_and_counts_them) {
    auto p = fleet();
    p.add(event("svchost.exe", "C:\\Users\\eve\\Downloads\\svchost.exe", "EVIL", "2020-01-01T00:00:00Z"));
    p.add(event("cscript.exe", "C:\\Windows\\SoftwareDistribution\\cscript.exe", "H2", "2020-01-01T00:00:00Z"));
    masq::detect_options o;
    o.mode = masq::detect_mode::full;
    const auto all = masq::detect(p, o);
    o.min_level = masq::alert_level::high;
    const auto high = masq::detect(p, o);
    EXPECT_LT(high.findings.size(), all.findings.size());
    EXPECT_EQ(high.summary.below_level, all.findings.size() - high.findings.size());
    for (const auto& f : high.findings)
        EXPECT_GE(f.level, masq::alert_level::high);
}

TEST(alerts, levels_parse_and_print) {
    for (auto l : {masq::alert_level::informational, masq::alert_level::low, masq::alert_level::medium,
                   masq::alert_level::high, masq::alert_level::critical})
        EXPECT_EQ(masq::parse_level(masq::level_name(l)), l);
    EXPECT_EQ(masq::parse_level("HIGH"), masq::alert_level::high);
    EXPECT_EQ(masq::parse_level("severe"), std::nullopt);
}

TEST(alerts, samples_and_their_lines_do_not_depend_on_the_thread_count) {
    const auto dir = std::filesystem::temp_directory_path() / "masq_alerts_threads";
    std::filesystem::create_directories(dir);
    const auto file = (dir / "big.jsonl").string();
    {
        std::ofstream out(file);
        for (int i = 0; i < 20000; ++i) {
            const bool evil = i % 997 == 0;
            out << "{\"EventID\":4688,\"TimeGenerated\":\"2020-01-01T00:00:00Z\",\"Computer\":\"H" << i % 7
                << "\",\"Process\":\"svchost.exe\",\"NewProcessName\":\""
                << (evil ? "C:\\\\Users\\\\eve\\\\Downloads\\\\svchost.exe" : "C:\\\\Windows\\\\System32\\\\svchost.exe")
                << "\",\"CommandLine\":\"svchost.exe -k n" << i << "\",\"NewProcessId\":\"0x" << std::hex << i
                << std::dec << "\"}\n";
        }
    }
    const auto samples_with = [&](unsigned threads) {
        masq::read_options r;
        r.threads = threads;
        r.min_range = 64 * 1024; // several ranges per thread
        masq::process_profile p;
        masq::diagnostics diag(false);
        masq::read_stats stats;
        const std::vector<std::string> files{file};
        masq::read_into(files, p, diag, stats, r);
        masq::detect_options o;
        o.mode = masq::detect_mode::full;
        const auto fs = masq::detect(p, o).findings;
        return alerts_of(fs, "svchost.exe").at(0)->samples;
    };
    const auto one = samples_with(1);
    ASSERT_EQ(one.size(), 3u);
    EXPECT_EQ(one[0].line, 1u); // line 1 is event 0, which is from Downloads
    EXPECT_EQ(one[1].line, 998u);
    EXPECT_EQ(one[1].command_line, "svchost.exe -k n997");
    EXPECT_EQ(one[1].process_id, 997u);
    EXPECT_EQ(samples_with(2), one);
    std::filesystem::remove_all(dir);
}

} // namespace
