// SPDX-License-Identifier: MIT
// Partial profiles (masq.spark.detect_files): a file cut into ranges, read in groups of tasks,
// encoded, decoded and merged with their places gives the profile and problems `read_into` gives
// on threads — samples' lines and order included; bytes that are not a partial are refused.
#include "masq/partial_profile.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <unistd.h>

namespace {

std::string events_file(int n) {
    const auto path =
        std::filesystem::temp_directory_path() / ("masq-partial-" + std::to_string(::getpid()) + ".jsonl");
    std::ofstream out(path);
    for (int i = 0; i < n; ++i) {
        if (i % 97 == 5) {
            out << "{\"EventID\": 4688, \"Process\": \n"; // a cut record: a problem in some range
            continue;
        }
        out << R"({"EventID":4688,"Process":"p)" << i % 13 << R"(.exe","NewProcessName":"C:\\Windows\\p)"
            << i % 13 << R"(.exe","Computer":"HOST-)" << i % 7 << R"(","TimeGenerated":"2019-01-15T10:)"
            << 10 + i % 50 << R"(:00Z","CommandLine":"run )" << i << "\"}\n";
    }
    return path.string();
}

/// Everything of a profile that reading decides, in a comparable form.
std::map<std::string, std::string> flat(const masq::process_profile& p) {
    std::map<std::string, std::string> out;
    p.for_each_sorted([&](std::optional<std::string_view> name, const masq::name_stats& s) {
        std::string text = std::to_string(s.count) + " " + std::to_string(s.first_seen) + " " +
                           std::to_string(s.last_seen) + "\n";
        std::vector<std::string> variants;
        for (const auto& [key, v] : s.variants) {
            std::string vt = std::string(key.path.value_or("-")) + " " + std::to_string(v.count);
            std::map<std::string, std::uint64_t> hosts;
            for (const auto& [h, n] : v.hosts)
                hosts.emplace(std::string(h), n);
            for (const auto& [h, n] : hosts)
                vt += " " + h + "=" + std::to_string(n);
            for (const auto& sample : v.samples)
                vt += " [" + std::string(sample.command_line) + " " + std::string(sample.source) + ":" +
                      std::to_string(sample.line) + " " + std::to_string(sample.order) + "]";
            variants.push_back(vt);
        }
        std::sort(variants.begin(), variants.end());
        for (const auto& v : variants)
            text += v + "\n";
        out[name ? std::string(*name) : "<null>"] = text;
    });
    return out;
}

/// `file` read as one task by `read_parts` (its statistics in `stats`), encoded.
std::string encoded_part(const std::string& file, masq::read_stats& stats) {
    masq::process_profile part;
    std::vector<std::uint64_t> lines;
    std::vector<masq::diagnostics> problems;
    const std::vector<masq::part_input> tasks{{file}};
    masq::read_parts(tasks, part, lines, problems, stats);
    return masq::encode_partial(part, lines, problems, stats);
}

std::vector<std::string> kept(const masq::diagnostics& d) {
    std::vector<std::string> out;
    for (const auto& p : d.kept())
        out.push_back(p.to_string());
    return out;
}

TEST(PartialProfile, RangesReadApartEqualReadInto) {
    const std::string file = events_file(3000);
    const std::vector<std::string> files{file};
    masq::read_options options;
    options.threads = 2;
    options.min_range = 16 << 10;
    const std::vector<masq::read_range> plan = masq::plan_reads(files, options);
    ASSERT_GT(plan.size(), 4u);

    masq::process_profile expected;
    masq::diagnostics expected_diag(false);
    masq::read_stats expected_stats;
    masq::read_into(files, expected, expected_diag, expected_stats, options);
    ASSERT_GT(expected_diag.total(), 20u);

    // Groups of 1, 2, 3, … consecutive tasks, each read apart, sent as bytes, merged in order.
    masq::process_profile merged;
    masq::diagnostics diag(false);
    masq::read_stats stats;
    std::uint64_t offset = 0;
    for (std::size_t first = 0, size = 1; first < plan.size(); first += size, ++size) {
        std::vector<masq::part_input> group;
        for (std::size_t t = first; t < std::min(plan.size(), first + size); ++t)
            group.push_back({file, plan[t].begin, plan[t].end});
        masq::process_profile part;
        std::vector<std::uint64_t> lines;
        std::vector<masq::diagnostics> problems;
        masq::read_stats part_stats;
        masq::read_parts(group, part, lines, problems, part_stats, options);
        const std::string bytes = masq::encode_partial(part, lines, problems, part_stats);
        masq::partial_profile decoded;
        ASSERT_EQ(masq::decode_partial(bytes, decoded), "");
        std::vector<masq::task_place> places;
        for (const std::uint64_t n : decoded.task_lines) {
            places.push_back({offset, 0});
            offset += n;
        }
        masq::add_partial(merged, diag, stats, std::move(decoded), places);
    }
    EXPECT_EQ(flat(merged), flat(expected));
    EXPECT_EQ(kept(diag), kept(expected_diag));
    EXPECT_EQ(diag.total(), expected_diag.total());
    EXPECT_EQ(stats.records, expected_stats.records);
    EXPECT_EQ(stats.bytes, expected_stats.bytes);
    EXPECT_EQ(stats.files, expected_stats.files);
    std::filesystem::remove(file);
}

TEST(PartialProfile, StrictFailsAtTheFirstProblem) {
    const std::string file = events_file(300);
    masq::read_stats stats;
    masq::partial_profile decoded;
    ASSERT_EQ(masq::decode_partial(encoded_part(file, stats), decoded), "");
    masq::process_profile merged;
    masq::diagnostics strict(true);
    try {
        const std::vector<masq::task_place> places{{10, 0}};
        masq::add_partial(merged, strict, stats, std::move(decoded), places);
        FAIL() << "strict mode did not stop";
    } catch (const masq::input_error& e) {
        EXPECT_EQ(e.where().line, 16u); // line 6 of the task, after 10 lines of earlier ranges
    }
    std::filesystem::remove(file);
}

TEST(PartialProfile, RefusesWhatIsNotAPartial) {
    const std::string file = events_file(50);
    masq::read_stats stats;
    const std::string bytes = encoded_part(file, stats);
    for (std::size_t cut = 0; cut < bytes.size(); cut += 7) {
        masq::partial_profile out;
        EXPECT_NE(masq::decode_partial(std::string_view(bytes).substr(0, cut), out), "") << cut;
    }
    masq::partial_profile out;
    EXPECT_NE(masq::decode_partial(bytes + "x", out), "");
    std::string huge = "MASQPRT1";
    huge += std::string(9, '\xff') + '\x01'; // a task count of 2^64 - 1
    EXPECT_NE(masq::decode_partial(huge, out), "");
    std::filesystem::remove(file);
}

} // namespace
