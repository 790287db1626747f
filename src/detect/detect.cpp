// SPDX-License-Identifier: MIT
#include "masq/detect.h"

#include "detect/context.h"
#include "masq/detect/detectors.h"
#include "masq/match/seed_match.h"
#include "util/parallel.h"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <iterator>
#include <map>
#include <span>
#include <stdexcept>

namespace masq {
namespace {

/// Times the stages of one run into `detect_summary::stages` (`--stats`): each `lap` records the
/// time since the previous one under a name.
class stage_clock {
  public:
    explicit stage_clock(std::vector<stage_time>& into) : into_(into) {}
    void lap(std::string name) {
        const auto now = std::chrono::steady_clock::now();
        const double s = std::chrono::duration<double>(now - last_).count();
        // A detector that runs in several tables (none today) adds up under its one name.
        for (stage_time& t : into_)
            if (t.name == name) {
                t.seconds += s;
                last_ = now;
                return;
            }
        into_.push_back({std::move(name), s});
        last_ = now;
    }

  private:
    std::vector<stage_time>& into_;
    std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

/// The alert of one group of events of a name (docs/alerts.md, "One alert per incident"): the
/// detections that fired on them, strongest first (it names the alert's detector and technique),
/// counts and hosts over these events only, and a level raised by one for each further category
/// (name, path, parent) that fired.
finding build_alert(std::vector<const detectors::hit*> hits, const detectors::evidence_set& evidence,
                    const std::vector<detector_category>& categories, const std::vector<detectors::hit>& all,
                    const detectors::detector_context& ctx, const detect_options& options) {
    std::stable_sort(hits.begin(), hits.end(), [](const detectors::hit* a, const detectors::hit* b) {
        return a->f.score > b->f.score;
    });
    finding alert = hits.front()->f;
    const detectors::hit* imitating = nullptr;
    std::vector<detector_category> seen;
    alert.detections.clear();
    for (const detectors::hit* h : hits) {
        alert.detections.insert(alert.detections.end(), h->f.detections.begin(), h->f.detections.end());
        if (alert.expected.empty()) alert.expected = h->f.expected;
        if (imitating == nullptr && h->f.normal_process) imitating = h;
        const detector_category c = categories[static_cast<std::size_t>(h - all.data())];
        if (std::find(seen.begin(), seen.end(), c) == seen.end()) seen.push_back(c);
    }
    const name_stats& stats = *hits.front()->suspect->stats;
    detectors::fill_evidence(alert, stats, evidence, nullptr, options);
    if (imitating != nullptr) {
        const finding& n = imitating->f;
        alert.normal_process = n.normal_process;
        alert.normal_count = n.normal_count;
        alert.normal_paths = n.normal_paths;
        alert.normal_distinct_paths = n.normal_distinct_paths;
        alert.normal_distinct_hosts = n.normal_distinct_hosts;
        alert.normal_percent_rank = n.normal_percent_rank;
        alert.in_user_data = n.in_user_data;
        alert.involves_synthetic = n.involves_synthetic;
    }
    alert.reason.clear();
    for (const detection& d : alert.detections)
        alert.reason += (alert.reason.empty() ? "" : " + ") + d.reason;
    // Rarity per host: how many of the name's events these are, and how widespread.
    if (alert.suspicious_count == stats.count)
        alert.reason += fmt::format("; {} event{}", stats.count, stats.count == 1 ? "" : "s");
    else
        alert.reason += fmt::format("; {} of {} events of {}", alert.suspicious_count, stats.count,
                                    alert.suspicious_process);
    if (ctx.total_hosts > 0 && alert.distinct_hosts > 0) {
        alert.reason += fmt::format(", on {} of {} host{}", alert.distinct_hosts, ctx.total_hosts,
                                    ctx.total_hosts == 1 ? "" : "s");
        if (alert.distinct_hosts > 1 && !alert.hosts.empty())
            alert.reason +=
                fmt::format(", most on {} ({})", alert.hosts.front().value, alert.hosts.front().count);
    }
    const int level =
        static_cast<int>(detectors::level_of_score(alert.score)) + static_cast<int>(seen.size()) - 1;
    alert.level = static_cast<alert_level>(std::min(level, static_cast<int>(alert_level::critical)));
    return alert;
}

/// Splits the kept detections of one name into alerts: the name's events are grouped by the set
/// of detections whose evidence holds them, so every event is in one alert at most and an alert's
/// counts are exactly those of its events (a `svchost.exe` from Downloads started by `cmd.exe` is
/// one alert; a `svchost.exe` from System32 started by `cmd.exe` is another).
void alerts_of_name(std::span<const std::size_t> kept, const std::vector<detectors::hit>& found,
                    const std::vector<detector_category>& categories, const detectors::detector_context& ctx,
                    const detect_options& options, std::vector<finding>& out) {
    const name_stats& stats = *found[kept.front()].suspect->stats;
    if (stats.variants
            .empty()) { // a caller's aggregates without variants: every detection is about the whole name
        std::vector<const detectors::hit*> hits;
        for (std::size_t i : kept)
            hits.push_back(&found[i]);
        out.push_back(build_alert(std::move(hits), {}, categories, found, ctx, options));
        return;
    }
    std::map<std::vector<std::size_t>, detectors::evidence_set> groups;
    for (const auto& [key, v] : stats.variants) {
        std::vector<std::size_t> signature;
        for (std::size_t i : kept) {
            const detectors::evidence_set& e = found[i].evidence;
            if (e.empty() || std::binary_search(e.begin(), e.end(), &key)) signature.push_back(i);
        }
        if (!signature.empty()) groups[signature].push_back(&key);
    }
    for (auto& [signature, evidence] : groups) {
        std::sort(evidence.begin(), evidence.end());
        if (evidence.size() == stats.variants.size()) evidence.clear(); // the whole name
        std::vector<const detectors::hit*> hits;
        for (std::size_t i : signature)
            hits.push_back(&found[i]);
        out.push_back(build_alert(std::move(hits), evidence, categories, found, ctx, options));
    }
}

detect_result detect_full(const process_profile& profile, const detect_options& options) {
    detect_result result;
    stage_clock clock(result.summary.stages);
    const frequency_split split = split_by_frequency(profile, options.thresholds);
    result.summary.distinct_names = split.names.size();
    result.summary.frequent = split.frequent.size();
    result.summary.infrequent = split.infrequent.size();
    clock.lap("rank");
    // Build with every path and host so the allow-list sees them all; trim afterwards.
    detect_options all = options;
    all.max_paths = 0;
    all.max_hosts = 0;
    const detectors::detector_context ctx = detectors::make_context(profile, split, all);
    clock.lap("context");
    // Each detection carries the category of the detector that made it, from the table.
    std::vector<detectors::hit> found;
    std::vector<detector_category> category;
    std::vector<detectors::hit> batch;
    for (const detectors::detector* d : detectors::full_mode_table()) {
        if (!detectors::enabled(options, d->info.id)) continue;
        batch.clear();
        d->run(ctx, batch);
        for (detectors::hit& h : batch) {
            found.push_back(std::move(h));
            category.push_back(d->info.category);
        }
        clock.lap(std::string(d->info.id));
    }

    // One detection per (name, category, imitated name, evidence): the highest score wins, so
    // `svch0st.exe` is a confusable (0 for o) rather than also a one-edit look-alike.
    std::vector<std::size_t> order(found.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (found[a].f.suspicious_process != found[b].f.suspicious_process)
            return found[a].f.suspicious_process < found[b].f.suspicious_process;
        return found[a].f.score > found[b].f.score;
    });
    // A suppressed detection still stands for its category: its lower-scored duplicates are
    // dropped as duplicates, not suppressed (and counted) again.
    // `order` groups the detections by name and only a detection of the same name can be a
    // duplicate, so `standing` holds the current name's: a scan of every earlier name's was
    // quadratic in the detections (0.36 s of 100k names in full mode, minutes at 1M).
    std::vector<std::size_t> standing, keep;
    for (std::size_t i : order) {
        const detectors::hit& h = found[i];
        const finding& f = h.f;
        if (!standing.empty() && found[standing.back()].f.suspicious_process != f.suspicious_process)
            standing.clear();
        const bool duplicate = std::any_of(standing.begin(), standing.end(), [&](std::size_t k) {
            const finding& other = found[k].f;
            return other.suspicious_process == f.suspicious_process && category[k] == category[i] &&
                   found[k].evidence == h.evidence &&
                   (other.normal_process == f.normal_process || !f.normal_process || !other.normal_process);
        });
        if (duplicate) continue;
        standing.push_back(i);
        if (options.allow != nullptr && options.allow->match(f) != nullptr) {
            ++result.summary.suppressed;
            continue;
        }
        keep.push_back(i);
    }
    clock.lap("deduplicate");
    // The alerts of each name (kept is in name order), names over the threads: each block of
    // names has its own list, joined in block order, so any thread count gives the same alerts.
    std::vector<std::size_t> name_starts;
    for (std::size_t i = 0; i < keep.size(); ++i)
        if (i == 0 || found[keep[i]].f.suspicious_process != found[keep[i - 1]].f.suspicious_process)
            name_starts.push_back(i);
    name_starts.push_back(keep.size());
    const std::size_t names_with_detections = name_starts.size() - 1;
    constexpr std::size_t names_per_block = 512;
    std::vector<std::vector<finding>> alerts_by_block((names_with_detections + names_per_block - 1) /
                                                      names_per_block);
    detail::parallel_blocks(
        names_with_detections, names_per_block, detail::thread_count(options.threads),
        [&](std::size_t, std::size_t first, std::size_t last, std::size_t block) {
            for (std::size_t n = first; n < last; ++n)
                alerts_of_name(std::span(keep).subspan(name_starts[n], name_starts[n + 1] - name_starts[n]),
                               found, category, ctx, all, alerts_by_block[block]);
        });
    std::vector<finding> alerts;
    for (std::vector<finding>& block : alerts_by_block)
        std::move(block.begin(), block.end(), std::back_inserter(alerts));
    std::vector<finding> kept;
    kept.reserve(alerts.size());
    for (finding& f : alerts) {
        if (f.level < options.min_level) {
            ++result.summary.below_level;
            continue;
        }
        if (options.max_paths != 0 && f.suspicious_paths.size() > options.max_paths)
            f.suspicious_paths.resize(options.max_paths);
        if (options.max_paths != 0 && f.normal_paths.size() > options.max_paths)
            f.normal_paths.resize(options.max_paths);
        if (options.max_paths != 0 && f.parents.size() > options.max_paths)
            f.parents.resize(options.max_paths);
        if (options.max_hosts != 0 && f.hosts.size() > options.max_hosts) f.hosts.resize(options.max_hosts);
        kept.push_back(std::move(f));
    }
    std::stable_sort(kept.begin(), kept.end(), [](const finding& a, const finding& b) {
        if (a.level != b.level) return a.level > b.level;
        if (a.score != b.score) return a.score > b.score;
        if (a.suspicious_process != b.suspicious_process) return a.suspicious_process < b.suspicious_process;
        if (a.detector != b.detector) return a.detector < b.detector;
        return a.first_seen < b.first_seen;
    });
    result.findings = std::move(kept);
    result.summary.findings = result.findings.size();
    clock.lap("alerts");
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
        throw std::invalid_argument(fmt::format("the frequent threshold (--frequent-threshold, "
                                                "frequent_threshold) must be between 0 and 1, not {}",
                                                options.thresholds.frequent));
    if (!unit(options.thresholds.infrequent))
        throw std::invalid_argument(fmt::format("the infrequent threshold (--infrequent-threshold, "
                                                "infrequent_threshold) must be between 0 and 1, not {}",
                                                options.thresholds.infrequent));
    if (options.thresholds.frequent < options.thresholds.infrequent)
        throw std::invalid_argument(fmt::format("the frequent threshold ({}) must not be below the "
                                                "infrequent threshold ({}): a name would be both",
                                                options.thresholds.frequent, options.thresholds.infrequent));
    if (!unit(options.similarity_threshold))
        throw std::invalid_argument("the similarity threshold must be between 0 and 1");
    if (options.mode == detect_mode::seed && options.catalog != nullptr)
        throw std::invalid_argument(
            "--catalog / catalog applies to full mode only: seed mode is the notebook's rule, "
            "which knows no catalog");
    if (options.mode == detect_mode::seed && options.allow != nullptr)
        throw std::invalid_argument("the allow-list (--allow, allow) applies to full mode (seed mode is the "
                                    "notebook, which has none)");
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
    stage_clock clock(result.summary.stages);
    const frequency_split split = split_by_frequency(profile, options.thresholds);
    result.summary.distinct_names = split.names.size();
    result.summary.frequent = split.frequent.size();
    result.summary.infrequent = split.infrequent.size();
    clock.lap("rank");
    result.summary.pairs_compared = static_cast<std::uint64_t>(split.frequent.size()) *
                                    static_cast<std::uint64_t>(split.infrequent.size());

    std::vector<std::optional<std::string>> frequent, infrequent;
    frequent.reserve(split.frequent.size());
    infrequent.reserve(split.infrequent.size());
    const auto copy = [](const std::optional<std::string_view>& name) {
        return name ? std::optional<std::string>(*name) : std::nullopt;
    };
    for (std::size_t i : split.frequent)
        frequent.push_back(copy(split.names[i].name));
    for (std::size_t i : split.infrequent)
        infrequent.push_back(copy(split.names[i].name));

    join_options join;
    join.threads = options.threads;
    join_stats stats;
    const std::vector<name_match> matches =
        seed_match_indexed(frequent, infrequent, options.similarity_threshold, join, &stats);
    result.summary.candidates = stats.verified;
    clock.lap("join");

    // Each match's finding on its own slot, built over the threads (the evidence, its paths,
    // hosts and samples, is most of a finding's cost: a second for 100k findings on one core).
    std::vector<finding> built(matches.size());
    detail::parallel_blocks(
        matches.size(), 1024, detail::thread_count(options.threads),
        [&](std::size_t, std::size_t begin, std::size_t end, std::size_t) {
            for (std::size_t i = begin; i < end; ++i) {
                const name_match& m = matches[i];
                const ranked_name& normal = split.names[split.frequent[m.frequent_index]];
                const ranked_name& suspicious = split.names[split.infrequent[m.infrequent_index]];
                const name_stats* s = suspicious.stats;
                const name_stats* f = normal.stats;
                finding out =
                    detectors::make_finding(*s, suspicious.percent_rank, f, normal.percent_rank, options);
                out.detector = seed_detector.id;
                out.suspicious_process = *suspicious.name;
                out.normal_process = *normal.name;
                out.score = m.score;
                out.similarity = m.similarity;
                out.distance = m.distance;
                const std::string what =
                    m.extension_stripped ? "" : " (extensions differ, full names compared)";
                out.reason =
                    fmt::format("{} edit{} from {}{}; similarity {:.4f} > {}; {} seen {} time{}, {} seen {}",
                                m.distance, m.distance == 1 ? "" : "s", *normal.name, what, m.similarity,
                                options.similarity_threshold, *normal.name, f->count,
                                f->count == 1 ? "" : "s", *suspicious.name, s->count);
                out.technique = std::string(seed_detector.technique);
                out.level = detectors::level_of_score(out.score);
                out.detections.push_back({out.detector, out.technique, out.score, out.reason});
                built[i] = std::move(out);
            }
        });
    result.findings.reserve(matches.size());
    for (finding& out : built) {
        if (out.level < options.min_level) {
            ++result.summary.below_level;
            continue;
        }
        result.findings.push_back(std::move(out));
    }
    std::stable_sort(result.findings.begin(), result.findings.end(), [](const finding& a, const finding& b) {
        if (a.score != b.score) return a.score > b.score;
        if (a.suspicious_process != b.suspicious_process) return a.suspicious_process < b.suspicious_process;
        return a.normal_process < b.normal_process;
    });
    result.summary.findings = result.findings.size();
    clock.lap("findings");
    return result;
}

} // namespace masq
