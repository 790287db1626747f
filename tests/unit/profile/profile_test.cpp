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
    EXPECT_EQ(masq::paths_of(a), masq::paths_of(b));
    EXPECT_EQ(masq::parents_of(a), masq::parents_of(b));
    EXPECT_EQ(masq::original_names_of(a), masq::original_names_of(b));
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

// The pool's arena: every view stays valid and equal to its text while blocks are added, large
// strings get blocks of their own without cutting the block being filled short, and a moved pool
// keeps its views.
TEST(string_pool, views_stay_valid_across_blocks_large_strings_and_a_move) {
    masq::string_pool pool;
    std::vector<std::pair<std::string, std::string_view>> kept;
    for (int i = 0; i < 20000; ++i) {
        std::string text = i % 997 == 0 ? std::string(40000 + i, static_cast<char>('a' + i % 26))
                                        : "C:\\Program Files\\Vendor " + std::to_string(i) + "\\tool.exe";
        const std::string_view view = pool.intern(text);
        EXPECT_EQ(view, text);
        kept.emplace_back(std::move(text), view);
    }
    EXPECT_EQ(pool.intern(""), "");
    EXPECT_EQ(pool.size(), 20001u);
    masq::string_pool moved = std::move(pool);
    for (const auto& [text, view] : kept) {
        ASSERT_EQ(view, text);
        EXPECT_EQ(moved.intern(text).data(), view.data()) << "interned twice";
    }
    EXPECT_EQ(moved.size(), 20001u);
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
    // The copy's pool holds the two hosts and the variant's path, which its key reads from it.
    EXPECT_EQ(copy.hosts().size(), 3u);
    const auto& variants = copy.find("svchost.exe")->variants;
    ASSERT_EQ(variants.size(), 1u);
    EXPECT_EQ(variants.begin()->first.path,
              std::optional<std::string_view>("C:\\Windows\\System32\\svchost.exe"));
}

} // namespace

namespace {

// A name's per-value counts are its variants' sums: a path under two parents is one path with
// both variants' events, each parent keeps its own, and a variant of no events (hosts added to
// it alone, as the Spark driver's second pass may) names no value.
TEST(profile, per_value_counts_are_the_variants_sums) {
    masq::process_profile p;
    p.add(event("svchost.exe", "C:\\Windows\\System32\\svchost.exe", "h1",
                "C:\\Windows\\System32\\services.exe"));
    p.add(event("svchost.exe", "C:\\Windows\\System32\\svchost.exe", "h2",
                "C:\\Windows\\System32\\services.exe"));
    p.add(event("svchost.exe", "C:\\Windows\\System32\\svchost.exe", "h1", "C:\\Windows\\explorer.exe"));
    p.add(event("svchost.exe", "C:\\Users\\a\\AppData\\Local\\Temp\\svchost.exe", "h3"));
    masq::process_event renamed = event("svchost.exe", "C:\\Temp\\svchost.exe", "h3");
    renamed.original_file_name = "PsExec.exe";
    p.add(renamed);
    masq::name_stats hosts_only;
    hosts_only.variants[masq::variant_key{"C:\\Elsewhere\\svchost.exe", "C:\\Windows\\cmd.exe", std::nullopt}]
        .hosts["h9"] = 1;
    p.add_stats("svchost.exe", hosts_only);

    const masq::name_stats& s = *p.find("svchost.exe");
    EXPECT_EQ(s.count, 5u);
    const masq::string_count_map paths = masq::paths_of(s);
    EXPECT_EQ(paths.size(), 3u);
    EXPECT_EQ(paths.at("C:\\Windows\\System32\\svchost.exe"), 3u);
    EXPECT_EQ(paths.at("C:\\Users\\a\\AppData\\Local\\Temp\\svchost.exe"), 1u);
    EXPECT_EQ(paths.at("C:\\Temp\\svchost.exe"), 1u);
    const masq::string_count_map parents = masq::parents_of(s);
    EXPECT_EQ(parents.size(), 2u);
    EXPECT_EQ(parents.at("C:\\Windows\\System32\\services.exe"), 2u);
    EXPECT_EQ(parents.at("C:\\Windows\\explorer.exe"), 1u);
    const masq::string_count_map originals = masq::original_names_of(s);
    ASSERT_EQ(originals.size(), 1u);
    EXPECT_EQ(originals.at("PsExec.exe"), 1u);
    EXPECT_EQ(masq::hosts_of(s).at("h9"), 1u); // the hosts-only variant's hosts still count
}

} // namespace
