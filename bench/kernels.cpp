// SPDX-License-Identifier: MIT
// Kernel benchmarks: the true Damerau-Levenshtein distance, the visual distance (beside its slow
// reference) and the seed-mode brute-force join.
#include "masq/match/seed_match.h"
#include "masq/match/similarity.h"
#include "masq/match/visual_distance.h"
#include "masq/util/unicode.h"
#include "reference/visual_distance.h"

#include <benchmark/benchmark.h>
#include <random>

namespace {

std::vector<std::optional<std::string>> process_like_names(std::size_t n, std::uint64_t seed) {
    static const char* stems[] = {"svchost",   "conhost",       "explorer", "powershell",         "rundll32",
                                  "taskhostw", "searchindexer", "wmiprvse", "backgroundtaskhost", "msedge",
                                  "chrome",    "lsass"};
    std::mt19937_64 rng(seed);
    std::vector<std::optional<std::string>> names;
    for (std::size_t i = 0; i < n; ++i) {
        std::string s = stems[rng() % std::size(stems)];
        const std::size_t edits = rng() % 4;
        for (std::size_t e = 0; e < edits; ++e)
            s[rng() % s.size()] = static_cast<char>('a' + rng() % 26);
        s += std::to_string(i % 97);
        names.emplace_back(s + ".exe");
    }
    return names;
}

void BM_damerau_levenshtein(benchmark::State& state) {
    const std::u32string a = U"backgroundtaskhost", b = U"backgruondtaskhots";
    for (auto _ : state)
        benchmark::DoNotOptimize(masq::damerau_levenshtein(a, b));
    state.SetLabel("18 code points, 2 transpositions");
}
BENCHMARK(BM_damerau_levenshtein);

void BM_damerau_levenshtein_bounded(benchmark::State& state) {
    const std::u32string a = U"backgroundtaskhost", b = U"searchfilterhost";
    for (auto _ : state)
        benchmark::DoNotOptimize(masq::damerau_levenshtein(a, b, 2));
    state.SetLabel("dissimilar names, bound 2 (early exit)");
}
BENCHMARK(BM_damerau_levenshtein_bounded);

// A look-alike of 11 letters (two glyph swaps) against its target, as the visual detector meets
// its candidate pairs.
const std::u32string visual_suspect = U"expi0rerhost", visual_target = U"explorerhost";

void BM_visual_distance(benchmark::State& state) {
    for (auto _ : state)
        benchmark::DoNotOptimize(masq::visual_distance(visual_suspect, visual_target));
    state.SetLabel("12 code points, 2 swaps");
}
BENCHMARK(BM_visual_distance);

void BM_visual_distance_reference(benchmark::State& state) {
    const auto& multi = masq::reference::multi_glyph_rows();
    for (auto _ : state)
        benchmark::DoNotOptimize(masq::reference::visual_distance(visual_suspect, visual_target, multi));
    state.SetLabel("the same pair, tests/reference/visual_distance.h");
}
BENCHMARK(BM_visual_distance_reference);

void BM_seed_brute_force(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto frequent = process_like_names(n, 1), infrequent = process_like_names(n, 2);
    for (auto _ : state)
        benchmark::DoNotOptimize(masq::seed_match_brute_force(frequent, infrequent, 0.85));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n * n));
    state.SetLabel("pairs/s = items/s");
}
BENCHMARK(BM_seed_brute_force)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
