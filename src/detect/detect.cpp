// SPDX-License-Identifier: MIT
#include "masq/detect.h"

#include "detect/context.h"
#include "masq/detect/detectors.h"
#include "masq/match/seed_match.h"

#include <algorithm>
#include <fmt/format.h>
#include <stdexcept>

namespace masq {
namespace {

detect_result detect_full(const process_profile& profile, const detect_options& options) {
    detect_result result;
    const frequency_split split = split_by_frequency(profile, options.thresholds);
    result.summary.distinct_names = split.names.size();
    result.summary.frequent = split.frequent.size();
    result.summary.infrequent = split.infrequent.size();
    // Build with every path and host so the allow-list sees them all; trim afterwards.
    detect_options all = options;
    all.max_paths = 0;
    all.max_hosts = 0;
    const detectors::detector_context ctx = detectors::make_context(profile, split, all);
    // Each finding carries the category of the detector that made it, from the table.
    struct tagged {
        finding f;
        detector_category category;
    };
    std::vector<tagged> found;
    std::vector<finding> batch;
    for (const detectors::detector* d : detectors::full_mode_table()) {
        if (!detectors::enabled(options, d->info.id)) continue;
        batch.clear();
        d->run(ctx, batch);
        for (finding& f : batch)
            found.push_back({std::move(f), d->info.category});
    }

    // One finding per (suspicious name, category, imitated name): the highest score wins, so
    // `svch0st.exe` is a confusable (0 for o) rather than also a one-edit look-alike. Path and
    // parent findings are about where and how a name ran, not the name, and each stays separate.
    std::stable_sort(found.begin(), found.end(), [](const tagged& a, const tagged& b) {
        if (a.f.suspicious_process != b.f.suspicious_process) return a.f.suspicious_process < b.f.suspicious_process;
        return a.f.score > b.f.score;
    });
    // A suppressed finding still stands for its category: its lower-scored duplicates are
    // dropped as duplicates, not suppressed (and counted) again.
    std::vector<const tagged*> standing; // kept or suppressed
    std::vector<tagged*> keep;
    for (tagged& t : found) {
        const finding& f = t.f;
        const bool duplicate = std::any_of(standing.begin(), standing.end(), [&](const tagged* k) {
            return k->f.suspicious_process == f.suspicious_process && k->category == t.category &&
                   (k->f.normal_process == f.normal_process || !f.normal_process || !k->f.normal_process);
        });
        if (duplicate) continue;
        standing.push_back(&t);
        if (options.allow != nullptr && options.allow->match(f) != nullptr) {
            ++result.summary.suppressed;
            continue;
        }
        keep.push_back(&t);
    }
    std::vector<finding> kept;
    kept.reserve(keep.size());
    for (tagged* t : keep)
        kept.push_back(std::move(t->f));
    for (finding& f : kept) {
        if (options.max_paths != 0 && f.suspicious_paths.size() > options.max_paths)
            f.suspicious_paths.resize(options.max_paths);
        if (options.max_paths != 0 && f.normal_paths.size() > options.max_paths)
            f.normal_paths.resize(options.max_paths);
        if (options.max_hosts != 0 && f.hosts.size() > options.max_hosts) f.hosts.resize(options.max_hosts);
    }
    std::stable_sort(kept.begin(), kept.end(), [](const finding& a, const finding& b) {
        if (a.score != b.score) return a.score > b.score;
        if (a.suspicious_process != b.suspicious_process) return a.suspicious_process < b.suspicious_process;
        return a.detector < b.detector;
    });
    result.findings = std::move(kept);
    result.summary.findings = result.findings.size();
    return result;
}

} // namespace

std::optional<detect_mode> parse_detect_mode(std::string_view name) noexcept {
    if (name == "seed") return detect_mode::seed;
    if (name == "full") return detect_mode::full;
    return std::nullopt;
}

void validate(const detect_options& options) {
    const auto unit = [](double v) { return v >= 0.0 && v <= 1.0; }; // false for NaN too
    if (!unit(options.thresholds.frequent))
        throw std::invalid_argument(fmt::format(
            "the frequent threshold (--frequent-threshold, frequent_threshold) must be between 0 and 1, not {}",
            options.thresholds.frequent));
    if (!unit(options.thresholds.infrequent))
        throw std::invalid_argument(fmt::format("the infrequent threshold (--infrequent-threshold, "
                                                "infrequent_threshold) must be between 0 and 1, not {}",
                                                options.thresholds.infrequent));
    if (options.thresholds.frequent < options.thresholds.infrequent)
        throw std::invalid_argument(fmt::format(
            "the frequent threshold ({}) must not be below the infrequent threshold ({}): a name would be both",
            options.thresholds.frequent, options.thresholds.infrequent));
    if (!unit(options.similarity_threshold))
        throw std::invalid_argument("the similarity threshold must be between 0 and 1");
    if (options.mode == detect_mode::seed && options.allow != nullptr)
        throw std::invalid_argument(
            "the allow-list (--allow, allow) applies to full mode (seed mode is the notebook, which has none)");
    for (const std::string& id : options.detectors)
        if (find_detector(options.mode, id) == nullptr)
            throw std::invalid_argument(fmt::format("unknown detector '{}'", id));
}

detect_result detect(const process_profile& profile, const detect_options& options) {
    validate(options);
    if (options.mode == detect_mode::full) return detect_full(profile, options);
    // Seed mode is the one-detector table: the notebook's rule.
    const detector_info& seed_detector = detectors_of(detect_mode::seed).front();

    detect_result result;
    const frequency_split split = split_by_frequency(profile, options.thresholds);
    result.summary.distinct_names = split.names.size();
    result.summary.frequent = split.frequent.size();
    result.summary.infrequent = split.infrequent.size();
    result.summary.pairs_compared = static_cast<std::uint64_t>(split.frequent.size()) *
                                    static_cast<std::uint64_t>(split.infrequent.size());

    std::vector<std::optional<std::string>> frequent, infrequent;
    frequent.reserve(split.frequent.size());
    infrequent.reserve(split.infrequent.size());
    for (std::size_t i : split.frequent)
        frequent.push_back(split.names[i].name);
    for (std::size_t i : split.infrequent)
        infrequent.push_back(split.names[i].name);

    join_options join;
    join.threads = options.threads;
    join_stats stats;
    const std::vector<name_match> matches =
        seed_match_indexed(frequent, infrequent, options.similarity_threshold, join, &stats);
    result.summary.candidates = stats.verified;

    result.findings.reserve(matches.size());
    for (const name_match& m : matches) {
        const ranked_name& normal = split.names[split.frequent[m.frequent_index]];
        const ranked_name& suspicious = split.names[split.infrequent[m.infrequent_index]];
        const name_stats* s = profile.find(*suspicious.name);
        const name_stats* f = profile.find(*normal.name);
        finding out = detectors::make_finding(*s, suspicious.percent_rank, f, normal.percent_rank, options);
        out.detector = seed_detector.id;
        out.suspicious_process = *suspicious.name;
        out.normal_process = *normal.name;
        out.score = m.score;
        out.similarity = m.similarity;
        out.distance = m.distance;
        const std::string what = m.extension_stripped ? "" : " (extensions differ, full names compared)";
        out.reason = fmt::format("{} edit{} from {}{}; similarity {:.4f} > {}; {} seen {} time{}, {} seen {}",
                                 m.distance, m.distance == 1 ? "" : "s", *normal.name, what, m.similarity,
                                 options.similarity_threshold, *normal.name, f->count,
                                 f->count == 1 ? "" : "s", *suspicious.name, s->count);
        result.findings.push_back(std::move(out));
    }
    std::stable_sort(result.findings.begin(), result.findings.end(), [](const finding& a, const finding& b) {
        if (a.score != b.score) return a.score > b.score;
        if (a.suspicious_process != b.suspicious_process) return a.suspicious_process < b.suspicious_process;
        return a.normal_process < b.normal_process;
    });
    result.summary.findings = result.findings.size();
    return result;
}

} // namespace masq
