// SPDX-License-Identifier: MIT
// The seed-mode similarity join at fleet scale: F frequent × I infrequent realistic process names.
//
//   similarity_join_bench F I [--threads N] [--brute-sample S] [--write-names DIR] [--seed N]
//                         [--middle M --names-only 1]
// `--middle M` also writes M further names (middle.txt) and `--names-only 1` stops after writing
// the names: bench/cardinality.py builds its event files from them.
//
// Prints one JSON object: the indexed join's wall time per thread count, its funnel, peak RSS,
// and our brute force timed on S infrequent names and extrapolated to F × I (exactly the
// notebook's cross join in C++). bench/similarity_join.py runs it beside RapidFuzz and DuckDB.
#include "masq/match/seed_match.h"
#include "support/name_sets.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/resource.h>

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

long peak_rss_kib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr,
                     "usage: %s F I [--threads N]... [--brute-sample S] [--write-names DIR] [--seed N]\n",
                     argv[0]);
        return 2;
    }
    const std::size_t f_count = std::strtoull(argv[1], nullptr, 10);
    const std::size_t i_count = std::strtoull(argv[2], nullptr, 10);
    std::vector<unsigned> thread_counts;
    std::size_t brute_sample = 0;
    std::string write_dir;
    std::uint64_t seed = 2026;
    std::size_t prefix = 0;
    std::size_t middle_count = 0;
    bool names_only = false;
    for (int a = 3; a + 1 < argc; a += 2) {
        const std::string flag = argv[a];
        if (flag == "--threads")
            thread_counts.push_back(static_cast<unsigned>(std::atoi(argv[a + 1])));
        else if (flag == "--brute-sample")
            brute_sample = std::strtoull(argv[a + 1], nullptr, 10);
        else if (flag == "--write-names")
            write_dir = argv[a + 1];
        else if (flag == "--prefix")
            prefix = std::strtoull(argv[a + 1], nullptr, 10);
        else if (flag == "--seed")
            seed = std::strtoull(argv[a + 1], nullptr, 10);
        else if (flag == "--middle")
            middle_count = std::strtoull(argv[a + 1], nullptr, 10);
        else if (flag == "--names-only")
            names_only = std::atoi(argv[a + 1]) != 0;
    }
    if (thread_counts.empty()) thread_counts = {1, 2};

    masq::testing::name_set_generator gen(seed);
    const auto f_names = gen.take(f_count), i_names = gen.take(i_count);
    const std::vector<std::optional<std::string>> frequent(f_names.begin(), f_names.end());
    const std::vector<std::optional<std::string>> infrequent(i_names.begin(), i_names.end());
    if (!write_dir.empty()) {
        std::filesystem::create_directories(write_dir);
        std::ofstream(write_dir + "/frequent.txt") << [&] {
            std::string s;
            for (const auto& n : f_names)
                s += n + "\n";
            return s;
        }();
        std::ofstream(write_dir + "/infrequent.txt") << [&] {
            std::string s;
            for (const auto& n : i_names)
                s += n + "\n";
            return s;
        }();
        if (middle_count > 0) {
            std::string s;
            for (const auto& n : gen.take(middle_count))
                s += n + "\n";
            std::ofstream(write_dir + "/middle.txt") << s;
        }
    }
    if (names_only) return 0;

    std::printf("{\"frequent\": %zu, \"infrequent\": %zu, \"indexed\": [", f_count, i_count);
    std::size_t matches = 0;
    for (std::size_t t = 0; t < thread_counts.size(); ++t) {
        masq::join_options options;
        options.threads = thread_counts[t];
        options.prefix_length = prefix;
        masq::join_stats stats;
        const auto t0 = std::chrono::steady_clock::now();
        const auto got = masq::seed_match_indexed(frequent, infrequent, 0.85, options, &stats);
        const double wall = seconds_since(t0);
        matches = got.size();
        std::printf("%s{\"threads\": %u, \"seconds\": %.4f, \"matches\": %zu, \"index_entries\": %llu, "
                    "\"postings\": %llu, \"candidates\": %llu, \"verified\": %llu, \"direct\": %llu}",
                    t ? ", " : "", thread_counts[t], wall, got.size(),
                    (unsigned long long)stats.index_entries, (unsigned long long)stats.postings,
                    (unsigned long long)stats.candidates, (unsigned long long)stats.verified,
                    (unsigned long long)stats.direct);
        std::fflush(stdout);
    }
    std::printf("], \"peak_rss_mib\": %.1f", static_cast<double>(peak_rss_kib()) / 1024.0);
    if (!write_dir.empty()) {
        // The pairs, for the peers' exactness check.
        masq::join_options options;
        std::ofstream out(write_dir + "/matches.tsv");
        for (const auto& m : masq::seed_match_indexed(frequent, infrequent, 0.85, options))
            out << m.frequent_index << '\t' << m.infrequent_index << '\t' << m.distance << '\n';
    }
    if (brute_sample > 0) {
        // The same rule over every pair, on the first S infrequent names; its matches must be the
        // indexed matches restricted to those names.
        brute_sample = std::min(brute_sample, i_count);
        const std::span<const std::optional<std::string>> sample(infrequent.data(), brute_sample);
        const auto t0 = std::chrono::steady_clock::now();
        const auto brute = masq::seed_match_brute_force(frequent, sample, 0.85);
        const double wall = seconds_since(t0);
        masq::join_options options;
        options.threads = 1;
        const auto indexed = masq::seed_match_indexed(frequent, sample, 0.85, options);
        std::printf(", \"brute_force\": {\"sample\": %zu, \"seconds\": %.4f, \"extrapolated_seconds\": %.1f, "
                    "\"matches_in_sample\": %zu, \"indexed_equal_on_sample\": %s}",
                    brute_sample, wall,
                    wall * static_cast<double>(i_count) / static_cast<double>(brute_sample), brute.size(),
                    brute == indexed ? "true" : "false");
    }
    std::printf(", \"matches\": %zu}\n", matches);
    return 0;
}
