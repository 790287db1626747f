// SPDX-License-Identifier: MIT
// masq detect: read, rank, detect, write; optionally send to Sentinel.

#include "cli/commands/commands.h"
#include "cli/progress.h"
#include "cli/report.h"
#include "cli/sentinel_options.h"
#include "masq/html_report.h"
#include "masq/masq.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <random>
#include <unistd.h>

namespace masq::cli {
namespace {

/// ": 3 critical, 1 high; path 3, parent 2" — alerts by level (worst first), then by detection.
std::string alert_breakdown(const std::vector<masq::finding>& alerts) {
    if (alerts.empty()) return {};
    std::array<std::size_t, 5> levels{};
    std::vector<std::pair<std::string, std::size_t>> detectors;
    for (const masq::finding& f : alerts) {
        ++levels[static_cast<std::size_t>(f.level)];
        for (const masq::detection& d : f.detections) {
            auto it = std::find_if(detectors.begin(), detectors.end(),
                                   [&](const auto& p) { return p.first == d.detector; });
            if (it == detectors.end())
                detectors.emplace_back(d.detector, 1);
            else
                ++it->second;
        }
    }
    std::string out = ":";
    const char* sep = " ";
    for (std::size_t i = levels.size(); i-- > 0;)
        if (levels[i] > 0) {
            out +=
                fmt::format("{}{} {}", sep, levels[i], masq::level_name(static_cast<masq::alert_level>(i)));
            sep = ", ";
        }
    std::stable_sort(detectors.begin(), detectors.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    sep = "; ";
    for (const auto& [id, n] : detectors) {
        out += fmt::format("{}{} {}", sep, id, n);
        sep = ", ";
    }
    return out;
}

struct detect_options_cli {
    std::vector<std::string> inputs;
    std::string mode = "full";
    std::string detectors;
    std::string allow_file;
    std::vector<std::string> catalog_files;
    double frequent = 0.8, infrequent = 0.2, similarity = 0.85;
    bool inject_synthetic = false;
    std::optional<std::uint64_t> seed;
    std::string format;
    std::string output;
    std::string report; ///< also write the HTML report to this file
    std::size_t max_paths = 10;
    std::size_t samples = 3;
    std::string min_level = "informational";
    unsigned threads = 0;
    std::string from, to, since;
    bool stats = false, dedupe = false;
    std::string input_format = "auto";
    std::vector<std::string> maps;
    std::string connection_string_file;
    unsigned blob_page_size = 5000;
    std::size_t max_record_bytes = masq::read_options{}.max_record_bytes;
    std::uint64_t max_expansion = masq::read_options{}.max_expansion;
    bool strict = false, fail_on_findings = false, quiet = false, no_color = false;
    std::string send; ///< "sentinel" to send the findings after writing them
    sentinel_cli sentinel;
};

class detect_command final : public command {
  public:
    CLI::App* add(CLI::App& app) override;
    int run() override;

  private:
    detect_options_cli o_;
};

CLI::App* detect_command::add(CLI::App& app) {
    auto* detect = app.add_subcommand("detect", "Find process names that imitate common ones");
    detect->add_option(
        "inputs", o_.inputs,
        "export files (JSON lines, CSV, .evtx; gzip/zstd allowed), export folder trees, an Azure "
        "Blob container URL (https://ACCOUNT.blob.core.windows.net/am-securityevent/PREFIX), or - "
        "for standard input (the default when it is not a terminal)");
    detect
        ->add_option("--mode", o_.mode,
                     "full: every detector (look-alike names, confusable characters, wrong folders, wrong "
                     "parents, renamed binaries, right-to-left override, double extensions; see masq "
                     "detectors); seed: exactly the Sentinel notebook's rule")
        ->check(CLI::IsMember({"seed", "full"}))
        ->capture_default_str();
    detect
        ->add_option("--frequent-threshold", o_.frequent, "percent_rank at or above which a name is frequent")
        ->capture_default_str();
    detect
        ->add_option("--infrequent-threshold", o_.infrequent, "percent_rank below which a name is infrequent")
        ->capture_default_str();
    detect
        ->add_option("--similarity-threshold", o_.similarity,
                     "seed mode: flag pairs whose float32 similarity is above this (0..1)")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    detect->add_option("--detectors", o_.detectors,
                       "which detectors run: ids to run only those (name-similarity,path), -id to leave one "
                       "out (-parent,-renamed); see masq detectors");
    detect->add_flag("--inject-synthetic", o_.inject_synthetic,
                     "add the notebook's synthetic events before ranking, as the notebook does");
    detect->add_option("--seed", o_.seed, "seed for --inject-synthetic (default: random, printed)");
    detect
        ->add_option("-f,--format", o_.format,
                     "table (default on a terminal), jsonl (default otherwise), csv, html (the report)")
        ->check(CLI::IsMember({"table", "jsonl", "csv", "html"}));
    detect->add_option("-o,--output", o_.output, "write findings to FILE instead of standard output");
    detect->add_option("--report", o_.report, "also write the HTML report (one self-contained page) to FILE");
    detect->add_option(
        "--allow", o_.allow_file,
        "full mode: JSON-lines allow-list of accepted findings (name, path, host, detector, reason)");
    detect
        ->add_option(
            "--catalog", o_.catalog_files,
            "full mode: your own binaries and folders, in the format of data/catalog/known_files.tsv "
            "(name, folder, kind, source) or binaries.tsv (name, role, folder, source); repeatable")
        ->allow_extra_args(false);
    detect->add_option("--max-paths", o_.max_paths, "paths listed per name in a finding (0 = all)")
        ->capture_default_str();
    detect
        ->add_option(
            "--samples", o_.samples,
            "example events listed per alert: time, host, user, parent, command line, ids, file and line")
        ->capture_default_str();
    detect
        ->add_option("--min-level", o_.min_level,
                     "leave out alerts below this level: critical, high, medium, low, informational")
        ->check(CLI::IsMember({"critical", "high", "medium", "low", "informational"}))
        ->capture_default_str();
    detect->add_option("-j,--threads", o_.threads,
                       "threads for reading and matching (default: all cores; output never depends on it)");
    detect->add_option("--from", o_.from, "only events with TimeGenerated at or after this ISO-8601 time");
    detect->add_option("--to", o_.to, "only events with TimeGenerated before this ISO-8601 time");
    detect->add_option("--since", o_.since,
                       "only events of the last DURATION (e.g. 24h, 90m, 7d); export "
                       "folders outside the window are not opened");
    detect
        ->add_option("--input-format", o_.input_format,
                     "auto (default: from each file's first record), sentinel, ecs, defender, sysmon, csv")
        ->check(CLI::IsMember(input_format_choices()));
    detect
        ->add_option("--map", o_.maps,
                     "FIELD=PATH: where a field is in your records (process, path, host, time, code; e.g. "
                     "--map process=proc.image_name)")
        ->allow_extra_args(false);
    detect->add_option(
        "--connection-string-file", o_.connection_string_file,
        "Azure Storage connection string for https:// inputs (else AZURE_STORAGE_CONNECTION_STRING, "
        "AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN, or a SAS token in the URL)");
    detect->add_option("--blob-page-size", o_.blob_page_size, "blobs per List Blobs call (default 5000)")
        ->check(CLI::Range(1u, 5000u));
    detect
        ->add_option("--max-record-bytes", o_.max_record_bytes,
                     "skip (and report) lines longer than this many bytes (default 64 MiB)")
        ->check(CLI::PositiveNumber);
    detect
        ->add_option("--max-expansion", o_.max_expansion,
                     "stop reading (and report) a gzip/zstd input that inflates past this many times its "
                     "compressed size, as a decompression bomb does (default 200; 0 = no bound)")
        ->check(CLI::NonNegativeNumber);
    detect->add_flag("--dedupe", o_.dedupe,
                     "drop byte-identical records (the export rewrites a blob after a retry); costs about 20 "
                     "bytes of memory per distinct record");
    detect->add_flag("--stats", o_.stats,
                     "print the funnel (bytes, records, names, candidates, findings) and "
                     "the time of each stage on standard error");
    detect->add_flag("--strict", o_.strict, "stop with exit status 2 at the first malformed input");
    detect->add_flag("--fail-on-findings", o_.fail_on_findings, "exit with status 1 when there are findings");
    detect->add_flag("-q,--quiet", o_.quiet, "print no summary or warnings on standard error");
    detect->add_flag("--no-color", o_.no_color, "no colour in the table (also when NO_COLOR is set)");
    detect
        ->add_option("--send", o_.send,
                     "also send the findings: sentinel (see the Microsoft Sentinel options)")
        ->check(CLI::IsMember({"sentinel"}));
    add_sentinel_options(*detect, o_.sentinel);
    detect->footer(R"(Examples:
  masq detect export/                                  # full mode over an export folder tree
  masq detect --allow accepted.jsonl -f jsonl events.jsonl.gz
  masq detect --min-level high --detectors -parent export/   # high and critical alerts only
  masq detect --mode seed export/                      # exactly the notebook
  masq detect --mode seed PT05M.json.gz -f jsonl -o findings.jsonl
  masq detect --mode seed --inject-synthetic --seed 7 events.jsonl
  zcat day.json.gz | masq detect --mode seed --fail-on-findings -q -f csv
  masq detect export/ --send sentinel                  # and post them to the Logs Ingestion API
  masq detect export/ --report report.html             # the table, and an HTML report to share

Seed mode is the Sentinel notebook "Masquerading Process Name Anomaly", exactly: EventID 4688,
lower-cased Process, Spark percent_rank of the counts, frequent (>= 0.8) x infrequent (< 0.2)
names, true Damerau-Levenshtein similarity with the notebook's extension rule, float32 > 0.85.
Full mode (the default) also compares rare names with Windows binaries that are rare themselves,
allows one edit in short names, sees look-alike characters, system binaries in the wrong folder,
right-to-left override and double extensions, and skips known benign look-alike pairs.
See 'masq explain NAME' for why a name is or is not flagged.)");

    return detect;
}

int detect_command::run() {
    const detect_options_cli& opt = o_;
    masq::detect_options options;
    options.mode = *masq::parse_detect_mode(opt.mode);
    masq::allow_list allow;
    options.thresholds.frequent = opt.frequent;
    options.thresholds.infrequent = opt.infrequent;
    options.similarity_threshold = opt.similarity;
    options.max_paths = opt.max_paths;
    options.samples = opt.samples;
    options.min_level = masq::parse_level(opt.min_level).value_or(masq::alert_level::informational);
    options.threads = opt.threads;
    // The library's option rules (the same as Python's), checked before any input is read.
    try {
        if (!opt.detectors.empty())
            options.detectors = masq::parse_detector_list(options.mode, opt.detectors);
        if (!opt.allow_file.empty()) options.allow = &allow;
        if (!opt.catalog_files.empty()) options.catalog = &masq::binary_catalog::builtin(); // checked below
        masq::validate(options);
    } catch (const std::invalid_argument& e) {
        fmt::print(stderr, "masq: {}\n", e.what());
        return exit_error;
    }
    std::optional<masq::binary_catalog> catalog;
    if (!load_catalog(opt.catalog_files, catalog)) return exit_error;
    if (catalog) options.catalog = &*catalog;
    if (!opt.allow_file.empty() && !load_allow_list(opt.allow_file, allow)) return exit_error;
    // A send that cannot work should fail before hours of reading, not after.
    if (!opt.send.empty() && !check_sentinel_options(opt.sentinel)) return exit_error;

    std::vector<std::string> inputs = opt.inputs;
    if (inputs.empty()) {
        if (isatty(STDIN_FILENO)) {
            fmt::print(stderr, "masq: no input given (files, directories, or - for standard input); see masq "
                               "detect --help\n");
            return exit_error;
        }
        inputs.push_back("-");
    }

    masq::diagnostics diag(opt.strict);
    problem_printer printer(opt.quiet);
    diag.set_observer([&](const masq::diagnostic& d) { printer(d); });
    // The profile is the run's largest structure (a million names: hundreds of MB in millions of
    // heap blocks). Freeing it block by block when the command returns cost a fifth of a seed
    // run's wall time, and the process exits right after, so it is never freed: the kernel takes
    // the pages back at once. Held by a static, it stays reachable (no leak to a sanitizer).
    static masq::process_profile* kept_profile = nullptr;
    kept_profile = new masq::process_profile;
    masq::process_profile& profile = *kept_profile;
    masq::read_stats stats;
    masq::read_options read;
    read.threads = opt.threads;
    read.dedupe = opt.dedupe;
    read.samples = opt.samples;
    read.format = *masq::parse_input_format(opt.input_format);
    // Azure conventions for credentials; none of them is ever printed.
    read.blob = masq::blob_options::from_environment();
    if (!opt.connection_string_file.empty()) {
        std::ifstream in(opt.connection_string_file);
        if (!in) {
            fmt::print(stderr, "masq: cannot read --connection-string-file {}\n", opt.connection_string_file);
            return exit_error;
        }
        std::getline(in, read.blob.connection_string);
    }
    read.blob.page_size = opt.blob_page_size;
    read.max_record_bytes = opt.max_record_bytes;
    read.max_expansion = opt.max_expansion;
    read.name_from_path = options.mode == masq::detect_mode::full;
    if (!parse_maps(opt.maps, read.fields)) return exit_error;
    try {
        read.window = masq::make_time_window(opt.from, opt.to, opt.since, masq::now());
    } catch (const std::invalid_argument& e) {
        fmt::print(stderr, "masq: {}\n", e.what());
        return exit_error;
    }
    const auto started = std::chrono::steady_clock::now();
    try {
        const std::vector<std::string> files =
            masq::expand_inputs(inputs, diag, read.window, &stats.pruned_files);
        // Progress on a terminal only: bytes, rate and (for uncompressed input) time left.
        progress_line progress(!opt.quiet && isatty(STDERR_FILENO), files);
        read.progress = progress.counter();
        masq::read_into(files, profile, diag, stats, read);
    } catch (const masq::input_error& e) {
        fmt::print(stderr, "masq: error: {} (--strict)\n", masq::display_safe(e.what()));
        return exit_error;
    }
    const std::uint64_t user_events = profile.events();
    // Input that gives a detector nothing to work on is said, never answered with "0 alerts".
    const std::vector<std::string> unusable = masq::unusable_input(stats, profile, read.window.set());
    for (const std::string& why : unusable)
        if (opt.strict || !opt.quiet)
            fmt::print(stderr, "masq: {}: {}\n", opt.strict ? "error" : "warning", why);
    if (opt.strict && !unusable.empty()) return exit_error;

    std::uint64_t synthetic = 0;
    std::uint64_t seed = 0;
    if (opt.inject_synthetic) {
        seed = opt.seed ? *opt.seed : std::random_device{}();
        synthetic = masq::inject_notebook_synthetic(profile, seed, masq::now());
    }

    const auto read_done = std::chrono::steady_clock::now();
    masq::detect_result result;
    try {
        result = masq::detect(profile, options);
    } catch (const std::invalid_argument& e) {
        fmt::print(stderr, "masq: {}\n", e.what());
        return exit_error;
    }
    const auto detected = std::chrono::steady_clock::now();

    std::string format = opt.format;
    const bool to_terminal = opt.output.empty() && isatty(STDOUT_FILENO);
    if (format.empty()) format = to_terminal ? "table" : "jsonl";

    std::ofstream file;
    if (!open_output(opt.output, file)) return exit_error;
    std::ostream& out = opt.output.empty() ? std::cout : file;
    const std::span<const masq::finding> all(result.findings);
    const auto write_report = [&](std::ostream& to) {
        masq::report_run run;
        run.mode = options.mode == masq::detect_mode::seed ? "seed" : "full";
        run.generated = masq::format_iso8601(masq::now());
        run.files = stats.files;
        run.records = stats.records;
        run.events = user_events;
        run.suppressed = result.summary.suppressed;
        run.below_level = result.summary.below_level;
        run.thresholds = options.thresholds;
        masq::describe_profile(profile, run);
        masq::write_html_report(to, all, run);
    };
    if (!opt.report.empty()) {
        std::ofstream report_file;
        if (!open_output(opt.report, report_file)) return exit_error;
        write_report(report_file);
        report_file.flush();
        if (!report_file) {
            fmt::print(stderr, "masq: error writing the report {}\n", opt.report);
            return exit_error;
        }
    }
    if (format == "html") {
        write_report(out);
    } else if (format == "jsonl") {
        masq::write_findings_jsonl(out, all, opt.threads);
    } else if (format == "csv") {
        masq::write_findings_csv(out, all);
    } else {
        masq::table_options table;
        table.width = terminal_width();
        table.fit = to_terminal;
        table.color = to_terminal && !opt.no_color && std::getenv("NO_COLOR") == nullptr;
        table.show_reasons = options.mode == masq::detect_mode::full;
        table.score_column = options.mode == masq::detect_mode::seed;
        if (!opt.inject_synthetic) {
            if (all.empty())
                out << "No masquerading process names found.\n";
            else
                masq::write_findings_table(out, all, table);
        } else {
            // The notebook's two tables: pairs within the user's data, and pairs with synthetic rows.
            std::vector<masq::finding> yours, synthetic_examples;
            for (const auto& f : all) {
                if (f.in_user_data) yours.push_back(f);
                if (f.involves_synthetic) synthetic_examples.push_back(f);
            }
            out << "Your anomalies:\n";
            if (yours.empty())
                out << "  none\n";
            else
                masq::write_findings_table(out, yours, table);
            out << "\nHard-coded anomaly examples (synthetic rows):\n";
            if (synthetic_examples.empty())
                out << "  none\n";
            else
                masq::write_findings_table(out, synthetic_examples, table);
        }
    }
    out.flush();
    if (!out) {
        fmt::print(stderr, "masq: error writing the findings\n");
        return exit_error;
    }
    const auto written = std::chrono::steady_clock::now();

    if (!opt.quiet) {
        fmt::print(stderr, "masq: read {} records in {} file{} ({}); kept {} events (EventID 4688)\n",
                   thousands(stats.records), thousands(stats.files), stats.files == 1 ? "" : "s",
                   bytes_human(stats.bytes), thousands(user_events));
        if (stats.names_from_path > 0)
            fmt::print(stderr, "masq: {} event{} without a process name named by the path's file name\n",
                       thousands(stats.names_from_path), stats.names_from_path == 1 ? "" : "s");
        if (opt.inject_synthetic)
            fmt::print(stderr, "masq: injected {} synthetic events (--seed {})\n", thousands(synthetic),
                       seed);
        const auto& s = result.summary;
        if (options.mode == masq::detect_mode::seed)
            fmt::print(
                stderr,
                "masq: {} distinct names: {} frequent, {} infrequent; {} pairs compared (the notebook's "
                "cross join; {} verified after the index); {} finding{}\n",
                thousands(s.distinct_names), thousands(s.frequent), thousands(s.infrequent),
                thousands(s.pairs_compared), thousands(s.candidates), thousands(s.findings),
                s.findings == 1 ? "" : "s");
        else
            fmt::print(stderr, "masq: {} distinct names, {} frequent; full mode: {} alert{}{}{}\n",
                       thousands(s.distinct_names), thousands(s.frequent), thousands(s.findings),
                       s.findings == 1 ? "" : "s", alert_breakdown(result.findings),
                       s.suppressed
                           ? fmt::format(" ({} suppressed by the allow-list)", thousands(s.suppressed))
                           : "");
        if (s.below_level > 0)
            fmt::print(stderr, "masq: {} alert{} below --min-level {} left out\n", thousands(s.below_level),
                       s.below_level == 1 ? "" : "s", masq::level_name(options.min_level));
        if (stats.skipped_lines > 0)
            fmt::print(stderr, "masq: {} malformed line{} skipped\n", thousands(stats.skipped_lines),
                       stats.skipped_lines == 1 ? "" : "s");
        if (stats.recovered_dropped > 0)
            fmt::print(stderr,
                       "masq: event logs' free space: {} recovered record{} kept, {} dropped (fragments, "
                       "other events, or an implausible time, host or image)\n",
                       thousands(stats.recovered_records), stats.recovered_records == 1 ? "" : "s",
                       thousands(stats.recovered_dropped));
        print_problem_summary(diag);
    }
    if (opt.stats) {
        // The funnel, for tuning and for capacity planning.
        const auto done = std::chrono::steady_clock::now();
        const double read_s = std::chrono::duration<double>(read_done - started).count();
        const double detect_s = std::chrono::duration<double>(done - read_done).count();
        const auto& s = result.summary;
        fmt::print(
            stderr,
            "masq: stats: files {} ({} pruned by the window), bytes {}, lines {}, records {}, 4688 events {} "
            "({} outside the window, {} duplicates dropped), kept {}, distinct names {}, frequent {}, "
            "infrequent {}, candidate "
            "pairs "
            "{}, findings {}\n",
            thousands(stats.files), thousands(stats.pruned_files), bytes_human(stats.bytes),
            thousands(stats.lines), thousands(stats.records), thousands(stats.events + stats.outside_window),
            thousands(stats.outside_window), thousands(stats.duplicates), thousands(user_events),
            thousands(s.distinct_names), thousands(s.frequent), thousands(s.infrequent),
            thousands(s.candidates), thousands(s.findings));
        if (stats.recovered_records + stats.recovered_dropped > 0)
            fmt::print(stderr, "masq: stats: evtx free space: {} recovered records kept, {} dropped\n",
                       thousands(stats.recovered_records), thousands(stats.recovered_dropped));
        fmt::print(stderr, "masq: stats: read {:.3f} s ({}/s), detect {:.3f} s\n", read_s,
                   bytes_human(read_s > 0
                                   ? static_cast<std::uint64_t>(static_cast<double>(stats.bytes) / read_s)
                                   : 0),
                   detect_s);
        // Where the time went: the merge of the threads' profiles (part of the read), each stage
        // of detection, writing the findings.
        std::string stages = fmt::format("merge {:.3f}", stats.merge_seconds);
        for (const masq::stage_time& t : s.stages)
            stages += fmt::format(", {} {:.3f}", t.name, t.seconds);
        stages += fmt::format(", write {:.3f}", std::chrono::duration<double>(written - detected).count());
        fmt::print(stderr, "masq: stats: stages (s): {}\n", stages);
    }
    const int sent =
        opt.send.empty() ? exit_ok : send_findings(result.findings, opt.mode, opt.sentinel, opt.quiet);
    if (diag.file_problems() > 0 || sent == exit_error) return exit_error;
    if (sent != exit_ok) return sent;
    if (opt.fail_on_findings && !result.findings.empty()) return exit_findings;
    return exit_ok;
}

} // namespace

std::unique_ptr<command> make_detect_command() {
    return std::make_unique<detect_command>();
}

} // namespace masq::cli
