// SPDX-License-Identifier: MIT
#include "detect/context.h"

#include <gtest/gtest.h>

namespace {

// find_target's index against the scan it replaced: the same target (the first of its name in
// `targets` order) for every target name, for names in the data that are no target, and for
// names not in the data.
TEST(context, find_target_matches_the_scan) {
    masq::process_profile profile;
    masq::process_event e;
    e.host = "H";
    const auto add = [&](const char* name, int times) {
        e.process = name;
        for (int i = 0; i < times; ++i)
            profile.add(e);
    };
    add("svchost.exe", 40); // a catalog binary that is also frequent: two targets of one name
    add("explorer.exe", 30);
    add("vendortool.exe", 30);
    add("zz.exe", 25);
    add("a.exe", 20);
    add("scvhost.exe", 1);
    add("rare.exe", 1);
    add("rarer.exe", 1);
    const masq::detect_options options;
    const masq::frequency_split split = masq::split_by_frequency(profile, options.thresholds);
    const masq::detectors::detector_context ctx = masq::detectors::make_context(profile, split, options);
    ASSERT_GT(ctx.targets.size(), 3u);
    std::vector<std::string> names;
    for (const auto& t : ctx.targets)
        names.push_back(t.name);
    for (const auto& n : ctx.names)
        names.push_back(n.name);
    for (const char* other : {"", "nothere.exe", "svchost", "zzz.exe", "\xff"})
        names.emplace_back(other);
    std::size_t found = 0;
    for (const std::string& name : names) {
        const masq::detectors::target* fast = masq::detectors::find_target(ctx, name);
        EXPECT_EQ(fast, masq::detectors::find_target_by_scan(ctx, name)) << name;
        found += fast != nullptr;
    }
    EXPECT_GE(found, ctx.targets.size());
}

} // namespace
