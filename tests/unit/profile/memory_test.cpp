// SPDX-License-Identifier: MIT
// Memory per distinct name (docs/performance.md): a profile read from realistic SecurityEvent
// lines holds at most a fixed number of heap bytes per name. The counter is the C library's count
// of bytes in use (glibc mallinfo2), not a time: the test fails when a change makes each name
// cost more, on any machine.
#include "masq/read.h"
#include "support/name_sets.h"

#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <gtest/gtest.h>
#include <unistd.h>
#if defined(__GLIBC__)
#    include <malloc.h>
#endif

namespace {

/// The bound docs/performance.md states, in bytes per distinct name (2 events per name on
/// average, each with a path, a parent, a host and a time, as bench/cardinality.py's).
constexpr double bytes_per_name_bound = 1000;

std::size_t heap_in_use() {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
    const struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;
#else
    return 0;
#endif
}

TEST(profile_memory, bytes_per_distinct_name_stay_under_the_documented_bound) {
    constexpr std::size_t names = 20000;
    masq::testing::name_set_generator gen(2026);
    const std::vector<std::string> set = gen.take(names);
    const auto path = std::filesystem::temp_directory_path() / fmt::format("masq-memory-{}.json", ::getpid());
    {
        std::ofstream out(path);
        // Frequent (3 events), middle (2) and rare (1) names, as bench/cardinality.py writes them.
        for (int round = 0; round < 3; ++round)
            for (std::size_t i = 0; i < set.size(); ++i) {
                const int events = i % 5 == 0 ? 3 : i % 5 == 1 ? 1 : 2;
                if (round >= events) continue;
                out << fmt::format("{{\"TimeGenerated\":\"2024-05-0{}T10:00:{:02}.000Z\",\"Computer\":"
                                   "\"WS-{:05}.corp.example.com\",\"EventID\":4688,\"Process\":\"{}\","
                                   "\"NewProcessName\":\"C:\\\\Program Files\\\\Vendor\\\\{}\","
                                   "\"ParentProcessName\":\"C:\\\\Windows\\\\explorer.exe\"}}\n",
                                   1 + round, i % 60, (i * 7 + static_cast<std::size_t>(round)) % 5000,
                                   set[i], set[i]);
            }
    }
    masq::read_options options;
    options.threads = 1; // mallinfo2 counts the main arena: read on this thread
    const std::size_t before = heap_in_use();
    auto profile = std::make_unique<masq::process_profile>();
    masq::diagnostics diag(false);
    masq::read_stats stats;
    masq::read_into(std::vector<std::string>{path.string()}, *profile, diag, stats, options);
    const std::size_t after = heap_in_use();
    std::filesystem::remove(path);
    ASSERT_EQ(profile->distinct_names(), names);
    if (before == 0 && after == 0) GTEST_SKIP() << "this C library does not count the bytes in use";
    const double per_name = static_cast<double>(after - before) / static_cast<double>(names);
    RecordProperty("bytes_per_name", static_cast<int>(per_name));
    std::printf("profile: %.0f heap bytes per distinct name\n", per_name);
    EXPECT_LE(per_name, bytes_per_name_bound);
    EXPECT_GT(per_name, 100.0); // the counter counts (a name cannot cost less than its own text)
}

} // namespace
