// SPDX-License-Identifier: MIT
// The affix detector's lookup against its slow reference, a scan of every target per name.
#include "detect/affix_index.h"

#include <gtest/gtest.h>
#include <deque>
#include <random>

namespace {

using namespace masq::detectors;

TEST(affix_index, equals_the_scan_of_every_target) {
    // Stems that contain one another (`host` in `svchost`), repeat with other extensions, and
    // repeat outright, so that ties between lengths, targets and both ends all occur.
    std::deque<target> owned;
    std::vector<affix_target> targets;
    const std::vector<std::pair<std::string, std::string>> stems = {
        {"svchost", "exe"}, {"host", "exe"},     {"svchost", "dll"}, {"lsass", "exe"},
        {"update", "exe"},  {"winlogon", "exe"}, {"logon", "exe"},   {"service", "exe"},
        {"host", "exe"},    {"setup", "exe"},    {"copy", "exe"},    {"lsasslsass", "exe"}};
    for (const auto& [stem, ext] : stems) {
        owned.push_back(target{stem + "." + ext});
        const std::string& name = owned.back().name;
        targets.push_back({&owned.back(), std::string_view(name).substr(0, stem.size()),
                           std::string_view(name).substr(stem.size() + 1)});
    }
    const affix_index index(targets);
    std::mt19937 rng(9);
    const std::vector<std::string> parts = {"svchost", "host",  "lsass", "update", "winlogon", "logon",
                                            "service", "setup", "copy",  "32",     "64",       "_",
                                            "-",       "x",     "1",     "my",     "helper",   "."};
    const std::vector<std::string> exts = {"exe", "dll", "scr"};
    std::size_t found = 0, as_prefix = 0;
    for (int round = 0; round < 50000; ++round) {
        std::string stem;
        for (std::size_t n = std::uniform_int_distribution<std::size_t>(1, 4)(rng); n > 0; --n)
            stem += parts[std::uniform_int_distribution<std::size_t>(0, parts.size() - 1)(rng)];
        const std::string& ext = exts[std::uniform_int_distribution<std::size_t>(0, exts.size() - 1)(rng)];
        const affixed fast = index.find(stem, ext), slow = find_affixed_by_scan(targets, stem, ext);
        ASSERT_EQ(fast.t, slow.t) << stem << "." << ext;
        ASSERT_EQ(fast.affix, slow.affix) << stem << "." << ext;
        ASSERT_EQ(fast.suffix, slow.suffix) << stem << "." << ext;
        found += slow.t != nullptr;
        as_prefix += slow.t != nullptr && !slow.suffix;
    }
    EXPECT_GT(found, 2000u);
    EXPECT_GT(as_prefix, 500u);
}

} // namespace
