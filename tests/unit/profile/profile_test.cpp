// SPDX-License-Identifier: MIT
// The profile's merges: moving stats in (absorb, what the readers' flush uses) gives what copying
// them in (merge, the reference) gives; a copied profile owns its host names.
#include "masq/profile.h"

#include <gtest/gtest.h>
#include <memory>

namespace {

masq::process_event event(std::string_view process, std::string_view path, std::string_view host,
                          std::optional<std::string_view> parent = std::nullopt) {
    masq::process_event e;
    e.process = process;
    e.path = path;
    e.host = host;
    e.parent_path = parent;
    e.time = 1000;
    e.command_line = "cmd /c run";
    return e;
}

/// A name's stats built through a profile of its own, so their host views point into that
/// profile's pool, which `keep` holds alive.
masq::name_stats stats_of(std::vector<masq::process_event> events,
                          std::unique_ptr<masq::process_profile>& keep) {
    keep = std::make_unique<masq::process_profile>();
    for (const auto& e : events)
        keep->add(e);
    return *keep->find("svchost.exe");
}

void expect_same(const masq::name_stats& a, const masq::name_stats& b) {
    EXPECT_EQ(a.count, b.count);
    EXPECT_EQ(a.paths, b.paths);
    EXPECT_EQ(a.parents, b.parents);
    ASSERT_EQ(a.variants.size(), b.variants.size());
    for (const auto& [key, v] : a.variants) {
        const auto it = b.variants.find(key);
        ASSERT_NE(it, b.variants.end());
        EXPECT_EQ(v.count, it->second.count);
        EXPECT_EQ(masq::top_values(v.hosts), masq::top_values(it->second.hosts));
        EXPECT_EQ(v.samples, it->second.samples);
    }
    EXPECT_EQ(masq::top_values(masq::hosts_of(a)), masq::top_values(masq::hosts_of(b)));
}

TEST(profile, absorbing_stats_equals_merging_them) {
    std::unique_ptr<masq::process_profile> p1, p2;
    const auto first = stats_of({event("svchost.exe", "C:\\Windows\\System32\\svchost.exe", "H1"),
                                 event("svchost.exe", "C:\\Users\\x\\svchost.exe", "H2", "C:\\cmd.exe")},
                                p1);
    const auto second = stats_of({event("svchost.exe", "C:\\Windows\\System32\\svchost.exe", "H3"),
                                  event("svchost.exe", "C:\\Windows\\System32\\svchost.exe", "H1"),
                                  event("svchost.exe", "C:\\Temp\\svchost.exe", "H4")},
                                 p2);
    masq::process_profile merged, absorbed;
    merged.add_stats("svchost.exe", first);
    merged.add_stats("svchost.exe", second);
    absorbed.add_stats("svchost.exe", masq::name_stats(first));
    absorbed.add_stats("svchost.exe", masq::name_stats(second));
    p1.reset(); // the hosts of both profiles now live in their own pools only
    p2.reset();
    const masq::name_stats* m = merged.find("svchost.exe");
    const masq::name_stats* a = absorbed.find("svchost.exe");
    ASSERT_NE(m, nullptr);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(m->count, 5u);
    EXPECT_EQ(m->variants.size(), 3u);
    expect_same(*m, *a);
    EXPECT_EQ(masq::hosts_of(*a).size(), 4u);
    EXPECT_EQ(merged.events(), absorbed.events());
}

TEST(profile, a_copy_owns_its_host_names) {
    auto original = std::make_unique<masq::process_profile>();
    original->add(event("svchost.exe", "C:\\Windows\\System32\\svchost.exe", "WORKSTATION-1"));
    original->add(event("svchost.exe", "C:\\Windows\\System32\\svchost.exe", "WORKSTATION-2"));
    masq::process_profile copy(*original);
    original.reset();
    const auto hosts = masq::top_values(masq::hosts_of(*copy.find("svchost.exe")));
    ASSERT_EQ(hosts.size(), 2u);
    EXPECT_EQ(hosts[0].value, "WORKSTATION-1");
    EXPECT_EQ(hosts[1].value, "WORKSTATION-2");
    EXPECT_EQ(copy.hosts().size(), 2u);
}

} // namespace
