// SPDX-License-Identifier: MIT
#include "masq/matcher.h"

#include "masq/similarity.h"
#include "masq/unicode.h"

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

} // namespace masq
