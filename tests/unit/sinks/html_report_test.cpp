// SPDX-License-Identifier: MIT
// The HTML report's page: markers replaced once, hostile text kept inside the data island, the
// profile's curve thinned. (Rendering is tested in a browser: tests/report/test_report.py.)
#include "masq/html_report.h"

#include <gtest/gtest.h>
#include <sstream>
#include <string>

namespace {

std::string render(const std::vector<masq::finding>& findings, const masq::report_run& run) {
    std::ostringstream out;
    masq::write_html_report(out, findings, run);
    return out.str();
}

std::size_t occurrences(const std::string& text, std::string_view what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

TEST(html_report, hostile_names_cannot_leave_the_data_island) {
    masq::finding f;
    f.suspicious_process = "svchost.exe</script><script>alert(1)</script>{{data}}{{script}}";
    f.normal_process = "svchost.exe";
    f.reason = "<!-- a comment -->";
    masq::report_run run;
    run.mode = "full";
    const std::string page = render({f}, run);
    // The page's own two scripts, nothing more: the name's "</script" is written \u003c/script.
    EXPECT_EQ(occurrences(page, "</script>"), 2u);
    EXPECT_EQ(occurrences(page, "<!--"), 0u);
    EXPECT_NE(page.find("svchost.exe\\u003c/script>\\u003cscript>alert(1)\\u003c/script>"),
              std::string::npos);
    // Markers in the data are data: the page's markers were each replaced once, in one pass.
    EXPECT_NE(page.find("{{data}}{{script}}"), std::string::npos);
    EXPECT_EQ(occurrences(page, "{{style}}"), 0u);
    EXPECT_EQ(occurrences(page, "{{version}}"), 0u);
    EXPECT_NE(page.find("<script id=\"masq-data\" type=\"application/json\">{\"run\":{"), std::string::npos);
}

TEST(html_report, describe_profile_counts_and_thins_the_rank_curve) {
    masq::process_profile profile;
    std::vector<std::string> names;
    for (int i = 0; i < 1000; ++i)
        names.push_back("tool" + std::to_string(i) + ".exe");
    masq::process_event e;
    e.host = "ws1";
    for (int i = 0; i < 1000; ++i)
        for (int k = 0; k <= i % 7; ++k) {
            e.process = names[static_cast<std::size_t>(i)];
            e.time = masq::timestamp{static_cast<std::int64_t>(i) * 10'000'000};
            profile.add(e);
        }
    masq::report_run run;
    masq::describe_profile(profile, run, 50);
    EXPECT_EQ(run.distinct_names, 1000u);
    EXPECT_EQ(run.hosts, 1u);
    ASSERT_TRUE(run.first_seen && run.last_seen);
    EXPECT_EQ(*run.first_seen, 0);
    EXPECT_EQ(*run.last_seen, std::int64_t{999} * 10'000'000);
    ASSERT_EQ(run.curve.size(), 50u);
    EXPECT_EQ(run.curve.front(), (std::pair<double, std::uint64_t>{0.0, 1}));
    EXPECT_EQ(run.curve.back().second, 7u);
    for (std::size_t i = 1; i < run.curve.size(); ++i)
        EXPECT_LE(run.curve[i - 1], run.curve[i]);
}

} // namespace
