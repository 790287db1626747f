// SPDX-License-Identifier: MIT
#include "masq/match/seed_match.h"

#include "masq/match/similarity.h"
#include "masq/util/unicode.h"

#include <algorithm>
#include <unordered_map>

namespace masq {

std::vector<name_match> seed_match_brute_force(std::span<const std::optional<std::string>> frequent,
                                               std::span<const std::optional<std::string>> infrequent,
                                               double similarity_threshold) {
    std::vector<std::u32string> infrequent_cps(infrequent.size());
    for (std::size_t j = 0; j < infrequent.size(); ++j)
        if (infrequent[j]) infrequent_cps[j] = decode_utf8(*infrequent[j]);
    std::vector<name_match> matches;
    for (std::size_t i = 0; i < frequent.size(); ++i) {
        if (!frequent[i]) continue; // calcDist(None, x) == 0.0
        const std::u32string one = decode_utf8(*frequent[i]);
        for (std::size_t j = 0; j < infrequent.size(); ++j) {
            if (!infrequent[j]) continue;
            const seed_comparison c = seed_compare(one, infrequent_cps[j]);
            const float score = to_spark_float(c.similarity);
            if (!seed_flagged(score, similarity_threshold)) continue;
            matches.push_back({i, j, score, c.similarity, c.distance, c.extension_stripped});
        }
    }
    return matches;
}

namespace {

/// One side of the seed join: the names that have a '.', split at the last one.
struct dotted_names {
    std::vector<std::size_t> original; ///< index into the caller's list
    std::vector<std::u32string> full, stem;
    std::vector<std::uint64_t> extension; ///< id of the text after the last '.'
    std::size_t longest_full = 0, longest_stem = 0;
};

dotted_names split_dotted(std::span<const std::optional<std::string>> names,
                          std::unordered_map<std::u32string, std::uint64_t>& extension_ids) {
    dotted_names out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (!names[i]) continue; // calcDist(None, x) == 0.0
        std::u32string cps = decode_utf8(*names[i]);
        const auto dot = cps.rfind(U'.');
        if (dot == std::u32string::npos) continue; // calcDist returns 0.0 without comparing
        const auto [it, inserted] = extension_ids.try_emplace(cps.substr(dot + 1), extension_ids.size());
        out.original.push_back(i);
        out.extension.push_back(it->second);
        out.stem.push_back(cps.substr(0, dot));
        out.longest_stem = std::max(out.longest_stem, dot);
        out.longest_full = std::max(out.longest_full, cps.size());
        out.full.push_back(std::move(cps));
    }
    return out;
}

} // namespace

std::vector<name_match> seed_match_indexed(std::span<const std::optional<std::string>> frequent,
                                           std::span<const std::optional<std::string>> infrequent,
                                           double similarity_threshold, const join_options& options,
                                           join_stats* stats) {
    // A threshold below zero flags calcDist's 0.0 too, i.e. names without a dot: no index helps.
    if (!(similarity_threshold >= 0.0))
        return seed_match_brute_force(frequent, infrequent, similarity_threshold);

    std::unordered_map<std::u32string, std::uint64_t> extension_ids;
    const dotted_names f = split_dotted(frequent, extension_ids);
    const dotted_names in = split_dotted(infrequent, extension_ids);
    if (f.full.empty() || in.full.empty()) return {};

    // Same extension: calcDist compares the stems.
    const edit_budget stem_budget =
        edit_budget::seed(similarity_threshold, std::max(f.longest_stem, in.longest_stem));
    std::vector<join_pair> pairs = similarity_join(f.stem, in.stem, stem_budget, f.extension, in.extension,
                                                   group_rule::same, options, stats);
    // Different extensions: calcDist compares the full names.
    const edit_budget full_budget =
        edit_budget::seed(similarity_threshold, std::max(f.longest_full, in.longest_full));
    const std::vector<join_pair> cross = similarity_join(f.full, in.full, full_budget, f.extension,
                                                         in.extension, group_rule::different, options, stats);

    // The joins return exact distances, so the score is calcDist's formula on them (the same
    // `seed_similarity` that `seed_compare` uses): bit-identical to the cross join.
    std::vector<name_match> matches;
    matches.reserve(pairs.size() + cross.size());
    const auto keep = [&](const join_pair& p, std::size_t max_length, bool stripped) {
        const double similarity = seed_similarity(max_length, p.distance);
        const float score = to_spark_float(similarity);
        if (!seed_flagged(score, similarity_threshold)) return;
        matches.push_back(
            {f.original[p.left], in.original[p.right], score, similarity, p.distance, stripped});
    };
    for (const join_pair& p : pairs)
        keep(p, std::max(f.stem[p.left].size(), in.stem[p.right].size()), true);
    for (const join_pair& p : cross)
        keep(p, std::max(f.full[p.left].size(), in.full[p.right].size()), false);
    std::sort(matches.begin(), matches.end(), [](const name_match& a, const name_match& b) {
        return a.frequent_index != b.frequent_index ? a.frequent_index < b.frequent_index
                                                    : a.infrequent_index < b.infrequent_index;
    });
    return matches;
}

} // namespace masq
