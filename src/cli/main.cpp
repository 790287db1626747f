// SPDX-License-Identifier: MIT
// The masq command line: options in, core calls, output out. All printing and exit codes live here.

#include "cli/sentinel_cli.h"
#include "masq/util/text.h"
#include "masq/explain.h"
#include "masq/masq.h"
#include "masq/synth.h"

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <random>
#include <sys/ioctl.h>
#include <thread>
#include <unistd.h>

namespace {

constexpr int exit_ok = 0;
constexpr int exit_findings = 1; // only with --fail-on-findings
constexpr int exit_error = 2;    // usage or input errors

std::string thousands(std::uint64_t n) {
    std::string digits = std::to_string(n), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string bytes_human(std::uint64_t n) {
    if (n >= (1ull << 30)) return fmt::format("{:.1f} GiB", static_cast<double>(n) / (1ull << 30));
    if (n >= (1ull << 20)) return fmt::format("{:.1f} MiB", static_cast<double>(n) / (1ull << 20));
    if (n >= (1ull << 10)) return fmt::format("{:.1f} KiB", static_cast<double>(n) / (1ull << 10));
    return fmt::format("{} B", n);
}

std::size_t terminal_width() {
    winsize ws{};
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    if (const char* columns = std::getenv("COLUMNS")) {
        const long c = std::strtol(columns, nullptr, 10);
        if (c > 20) return static_cast<std::size_t>(c);
    }
    return 120;
}

masq::timestamp now_ticks() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count() * 10;
}

/// Prints the first problems of each kind as they happen; the rest are counted for the summary.
class problem_printer {
  public:
    explicit problem_printer(bool quiet) : quiet_(quiet) {}
    void operator()(const masq::diagnostic& d) {
        auto& shown = shown_[static_cast<std::size_t>(d.kind)];
        if (quiet_ || shown > limit_) return;
        if (shown++ == limit_) {
            fmt::print(stderr, "masq: further {} problems are counted, not shown\n", masq::to_string(d.kind));
            return;
        }
        const char* level = masq::is_file_problem(d.kind) ? "error" : "warning";
        fmt::print(stderr, "masq: {}: {}\n", level, masq::display_safe(d.to_string()));
    }

  private:
    bool quiet_;
    std::size_t limit_ = 10;
    std::array<std::size_t, masq::problem_kind_count> shown_{};
};

/// Opens `path` for the output (empty: standard output, nothing to open); says why on failure.
bool open_output(const std::string& path, std::ofstream& file) {
    if (path.empty()) return true;
    file.open(path, std::ios::binary | std::ios::trunc);
    if (!file) fmt::print(stderr, "masq: cannot write {}: {}\n", path, std::strerror(errno));
    return static_cast<bool>(file);
}

/// Loads an allow-list, printing the file:line:field of a bad rule.
bool load_allow_list(const std::string& path, masq::allow_list& out) {
    try {
        out = masq::allow_list::load(path);
        return true;
    } catch (const masq::input_error& e) {
        fmt::print(stderr, "masq: error: {}\n", masq::display_safe(e.what()));
        return false;
    }
}

/// Applies every --map FIELD=PATH.
bool parse_maps(const std::vector<std::string>& maps, masq::field_map& fields) {
    for (const std::string& m : maps)
        if (!fields.set(m)) {
            fmt::print(
                stderr,
                "masq: --map '{}': expected FIELD=PATH with FIELD one of process, path, host, time, code\n",
                m);
            return false;
        }
    return true;
}

struct detect_cli {
    std::vector<std::string> inputs;
    std::string mode = "full";
    std::string allow_file;
    double frequent = 0.8, infrequent = 0.2, similarity = 0.85;
    bool inject_synthetic = false;
    std::optional<std::uint64_t> seed;
    std::string format;
    std::string output;
    std::size_t max_paths = 10;
    unsigned threads = 0;
    std::string from, to, since;
    bool stats = false, dedupe = false;
    std::string input_format = "auto";
    std::vector<std::string> maps;
    std::string connection_string_file;
    unsigned blob_page_size = 5000;
    std::size_t max_record_bytes = masq::read_options{}.max_record_bytes;
    bool strict = false, fail_on_findings = false, quiet = false, no_color = false;
    std::string send; ///< "sentinel" to send the findings after writing them
    masq::cli::sentinel_cli sentinel;
};

struct synth_cli {
    std::uint64_t seed = 0;
    std::string start, end, output;
};

void print_problem_summary(const masq::diagnostics& diag) {
    if (diag.total() == 0) return;
    std::string parts;
    for (std::size_t k = 0; k < masq::problem_kind_count; ++k) {
        const auto kind = static_cast<masq::problem_kind>(k);
        if (diag.count(kind) == 0) continue;
        if (!parts.empty()) parts += ", ";
        parts += fmt::format("{} {}", thousands(diag.count(kind)), masq::to_string(kind));
    }
    fmt::print(stderr, "masq: input problems: {} (use --strict to stop at the first)\n", parts);
}

int run_detect(const detect_cli& opt) {
    masq::detect_options options;
    options.mode = opt.mode == "seed" ? masq::detect_mode::seed : masq::detect_mode::full;
    masq::allow_list allow;
    if (!opt.allow_file.empty()) {
        if (options.mode == masq::detect_mode::seed) {
            fmt::print(stderr,
                       "masq: --allow applies to --mode full (seed mode is the notebook, which has none)\n");
            return exit_error;
        }
        if (!load_allow_list(opt.allow_file, allow)) return exit_error;
        options.allow = &allow;
    }
    options.thresholds.frequent = opt.frequent;
    options.thresholds.infrequent = opt.infrequent;
    options.similarity_threshold = opt.similarity;
    options.max_paths = opt.max_paths;
    options.threads = opt.threads;
    // A send that cannot work should fail before hours of reading, not after.
    if (!opt.send.empty() && !masq::cli::check_sentinel_options(opt.sentinel)) return exit_error;

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
    masq::process_profile profile;
    masq::read_stats stats;
    masq::read_options read;
    read.threads = opt.threads;
    read.dedupe = opt.dedupe;
    read.format = *masq::parse_input_format(opt.input_format);
    // Azure conventions for credentials; none of them is ever printed.
    if (const char* cs = std::getenv("AZURE_STORAGE_CONNECTION_STRING")) read.blob.connection_string = cs;
    if (const char* key = std::getenv("AZURE_STORAGE_KEY")) read.blob.account_key = key;
    if (const char* sas = std::getenv("AZURE_STORAGE_SAS_TOKEN")) read.blob.sas_token = sas;
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
    if (!parse_maps(opt.maps, read.fields)) return exit_error;
    if (!opt.from.empty() || !opt.to.empty() || !opt.since.empty()) {
        const auto when = [&](const std::string& text, const char* flag) -> std::optional<masq::timestamp> {
            if (text.empty()) return std::nullopt;
            const auto t = masq::parse_iso8601(text);
            if (!t) throw std::invalid_argument(fmt::format("{} '{}' is not an ISO-8601 time", flag, text));
            return t;
        };
        try {
            read.window.from = when(opt.from, "--from");
            read.window.to = when(opt.to, "--to");
            if (!opt.since.empty()) {
                const auto d = masq::parse_duration(opt.since);
                if (!d && opt.since.size() > 1 &&
                    opt.since.find_first_not_of("0123456789") == opt.since.size() - 1 &&
                    std::string_view("smhdw").find(opt.since.back()) != std::string_view::npos)
                    throw std::invalid_argument(
                        fmt::format("--since '{}' is too long (at most about 29,000 years)", opt.since));
                if (!d)
                    throw std::invalid_argument(
                        fmt::format("--since '{}' is not a duration such as 24h, 30m or 7d", opt.since));
                read.window.from = now_ticks() - *d;
            }
        } catch (const std::invalid_argument& e) {
            fmt::print(stderr, "masq: {}\n", e.what());
            return exit_error;
        }
    }
    const auto started = std::chrono::steady_clock::now();
    std::atomic<std::uint64_t> progress_bytes{0};
    std::atomic<bool> reading{true};
    std::jthread progress;
    struct stop_progress {
        std::atomic<bool>& flag;
        ~stop_progress() { flag = false; }
    } stop_progress_on_exit{reading};
    try {
        const std::vector<std::string> files =
            masq::expand_inputs(inputs, diag, read.window, &stats.pruned_files);
        if (!opt.quiet && isatty(STDERR_FILENO)) {
            // Progress on a terminal only: bytes, rate and (for uncompressed input) time left.
            std::uint64_t total = 0;
            bool sized = true;
            for (const auto& f : files) {
                std::error_code ec;
                if (f == "-" || masq::is_compressed_file(f))
                    sized = false;
                else
                    total += static_cast<std::uint64_t>(std::filesystem::file_size(f, ec));
            }
            read.progress = &progress_bytes;
            progress = std::jthread([&, total, sized] {
                bool shown = false;
                while (reading.load()) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(250));
                    if (!reading.load()) break;
                    const double s =
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
                    const std::uint64_t b = progress_bytes.load();
                    const double rate = s > 0 ? static_cast<double>(b) / s : 0;
                    std::string eta;
                    if (sized && rate > 0 && total > b)
                        eta = fmt::format(", {:.0f} s left", static_cast<double>(total - b) / rate);
                    fmt::print(stderr, "\rmasq: read {} at {}/s{}   ", bytes_human(b),
                               bytes_human(static_cast<std::uint64_t>(rate)), eta);
                    shown = true;
                }
                if (shown) fmt::print(stderr, "\r\x1b[K");
            });
        }
        masq::read_into(files, profile, diag, stats, read);
        reading = false;
    } catch (const masq::input_error& e) {
        reading = false;
        fmt::print(stderr, "masq: error: {} (--strict)\n", masq::display_safe(e.what()));
        return exit_error;
    }
    const std::uint64_t user_events = profile.events();

    std::uint64_t synthetic = 0;
    std::uint64_t seed = 0;
    if (opt.inject_synthetic) {
        seed = opt.seed ? *opt.seed : std::random_device{}();
        synthetic = masq::inject_notebook_synthetic(profile, seed, now_ticks());
    }

    const auto read_done = std::chrono::steady_clock::now();
    masq::detect_result result;
    try {
        result = masq::detect(profile, options);
    } catch (const std::invalid_argument& e) {
        fmt::print(stderr, "masq: {}\n", e.what());
        return exit_error;
    }

    std::string format = opt.format;
    const bool to_terminal = opt.output.empty() && isatty(STDOUT_FILENO);
    if (format.empty()) format = to_terminal ? "table" : "jsonl";

    std::ofstream file;
    if (!open_output(opt.output, file)) return exit_error;
    std::ostream& out = opt.output.empty() ? std::cout : file;
    const std::span<const masq::finding> all(result.findings);
    if (format == "jsonl") {
        masq::write_findings_jsonl(out, all);
    } else if (format == "csv") {
        masq::write_findings_csv(out, all);
    } else {
        masq::table_options table;
        table.width = to_terminal ? terminal_width() : 160;
        table.color = to_terminal && !opt.no_color && std::getenv("NO_COLOR") == nullptr;
        table.show_reasons = options.mode == masq::detect_mode::full;
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

    if (!opt.quiet) {
        fmt::print(stderr, "masq: read {} records in {} file{} ({}); kept {} events (EventID 4688)\n",
                   thousands(stats.records), thousands(stats.files), stats.files == 1 ? "" : "s",
                   bytes_human(stats.bytes), thousands(user_events));
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
            fmt::print(stderr, "masq: {} distinct names, {} frequent; full mode: {} finding{}{}\n",
                       thousands(s.distinct_names), thousands(s.frequent), thousands(s.findings),
                       s.findings == 1 ? "" : "s",
                       s.suppressed
                           ? fmt::format(" ({} suppressed by the allow-list)", thousands(s.suppressed))
                           : "");
        if (stats.skipped_lines > 0)
            fmt::print(stderr, "masq: {} malformed line{} skipped\n", thousands(stats.skipped_lines),
                       stats.skipped_lines == 1 ? "" : "s");
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
        fmt::print(stderr, "masq: stats: read {:.3f} s ({}/s), detect {:.3f} s\n", read_s,
                   bytes_human(read_s > 0
                                   ? static_cast<std::uint64_t>(static_cast<double>(stats.bytes) / read_s)
                                   : 0),
                   detect_s);
    }
    const int sent = opt.send.empty()
                         ? exit_ok
                         : masq::cli::send_findings(result.findings, opt.mode, opt.sentinel, opt.quiet);
    if (diag.file_problems() > 0 || sent == exit_error) return exit_error;
    if (sent != exit_ok) return sent;
    if (opt.fail_on_findings && !result.findings.empty()) return exit_findings;
    return exit_ok;
}

/// Writes events as SecurityEvent export lines (what `masq convert` prints).
class export_writer final : public masq::event_sink {
  public:
    explicit export_writer(std::ostream& out) : out_(out) {}
    void on_event(const masq::process_event& e) override {
        out_ << "{\"TimeGenerated\":" << (e.time ? masq::json_quote(masq::format_iso8601(*e.time)) : "null")
             << ",\"EventID\":4688,\"Computer\":" << (e.host ? masq::json_quote(*e.host) : "null")
             << ",\"NewProcessName\":" << (e.path ? masq::json_quote(*e.path) : "null")
             << ",\"Process\":" << (e.process ? masq::json_quote(*e.process) : "null")
             << ",\"Type\":\"SecurityEvent\"}\n";
    }

  private:
    std::ostream& out_;
};

struct convert_cli {
    std::vector<std::string> inputs;
    std::string output, input_format = "auto";
    std::vector<std::string> maps;
    std::size_t max_record_bytes = masq::read_options{}.max_record_bytes;
};

int run_convert(const convert_cli& opt) {
    masq::diagnostics diag(false);
    problem_printer printer(false);
    diag.set_observer([&](const masq::diagnostic& d) { printer(d); });
    std::ofstream file;
    if (!open_output(opt.output, file)) return exit_error;
    std::ostream& out = opt.output.empty() ? std::cout : file;
    export_writer writer(out);
    masq::field_map fields;
    if (!parse_maps(opt.maps, fields)) return exit_error;
    masq::read_stats stats;
    masq::read_options read;
    read.format = *masq::parse_input_format(opt.input_format);
    read.fields = fields;
    read.max_record_bytes = opt.max_record_bytes;
    // One thread: events come out in file order.
    for (const std::string& f : masq::expand_inputs(opt.inputs, diag))
        masq::read_events(f, writer, diag, stats, read);
    out.flush();
    return diag.file_problems() > 0 || !out ? exit_error : exit_ok;
}

struct explain_cli {
    std::string name, path, allow_file;
    std::vector<std::string> inputs;
};

int run_explain(const explain_cli& opt) {
    masq::diagnostics diag(false);
    problem_printer printer(false);
    diag.set_observer([&](const masq::diagnostic& d) { printer(d); });
    masq::process_profile profile;
    masq::read_stats stats;
    // The same driver as detect: an .evtx, CSV or ECS input is read as what it is.
    masq::read_into(masq::expand_inputs(opt.inputs, diag), profile, diag, stats, {});
    masq::detect_options options;
    options.mode = masq::detect_mode::full;
    masq::allow_list allow;
    if (!opt.allow_file.empty()) {
        if (!load_allow_list(opt.allow_file, allow)) return exit_error;
        options.allow = &allow;
    }
    const masq::explanation ex = masq::explain_name(profile, opt.name, opt.path, options);
    if (!opt.inputs.empty())
        fmt::print("against {} events, {} distinct names\n", thousands(profile.events()),
                   thousands(profile.distinct_names()));
    else
        fmt::print("against the built-in catalog only (give export files to compare with your data)\n");
    for (const std::string& line : ex.lines)
        fmt::print("  {}\n", masq::display_safe(line));
    if (!ex.findings.empty()) {
        fmt::print("\n");
        masq::table_options table;
        table.width = isatty(STDOUT_FILENO) ? terminal_width() : 160;
        table.show_reasons = true;
        masq::write_findings_table(std::cout, ex.findings, table);
    }
    return diag.file_problems() > 0 ? exit_error : exit_ok;
}

int run_synth(const synth_cli& opt) {
    masq::timestamp end, start;
    if (opt.end.empty()) {
        const masq::timestamp day = 86400 * masq::ticks_per_second;
        end = now_ticks() / day * day; // midnight UTC today: stable within a day
    } else if (auto t = masq::parse_iso8601(opt.end)) {
        end = *t;
    } else {
        fmt::print(stderr, "masq: --end '{}' is not an ISO-8601 time\n", opt.end);
        return exit_error;
    }
    if (opt.start.empty()) {
        start = end - 86400 * masq::ticks_per_second;
    } else if (auto t = masq::parse_iso8601(opt.start)) {
        start = *t;
    } else {
        fmt::print(stderr, "masq: --start '{}' is not an ISO-8601 time\n", opt.start);
        return exit_error;
    }
    if (start >= end) {
        fmt::print(stderr, "masq: --start must be before --end\n");
        return exit_error;
    }
    std::ofstream file;
    if (!open_output(opt.output, file)) return exit_error;
    std::ostream& out = opt.output.empty() ? std::cout : file;
    for (const auto& e : masq::notebook_synthetic_events(opt.seed, start, end)) {
        out << "{\"TimeGenerated\":" << masq::json_quote(masq::format_iso8601(e.time))
            << ",\"EventID\":4688,\"NewProcessName\":" << masq::json_quote(e.path)
            << ",\"Process\":" << masq::json_quote(e.process) << ",\"Type\":\"SecurityEvent\"}\n";
    }
    out.flush();
    return out ? exit_ok : exit_error;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"masq - find masquerading process names in Windows process-creation logs"};
    app.set_version_flag("--version", std::string("masq ") + MASQ_VERSION_STRING);
    app.require_subcommand(1);
    app.footer("Run 'masq COMMAND --help' for the options of a command.\n"
               "Exit status: 0 success, 1 findings with --fail-on-findings, 2 usage or input error,\n"
               "3 findings spooled instead of delivered to Sentinel (masq send --resume).");

    detect_cli d;
    auto* detect = app.add_subcommand("detect", "Find process names that imitate common ones");
    detect->add_option(
        "inputs", d.inputs,
        "export files (JSON lines, CSV, .evtx; gzip/zstd allowed), export folder trees, an Azure "
        "Blob container URL (https://ACCOUNT.blob.core.windows.net/am-securityevent/PREFIX), or - "
        "for standard input (the default when it is not a terminal)");
    detect
        ->add_option("--mode", d.mode,
                     "full: every detector (look-alike names, confusable characters, wrong folders, "
                     "right-to-left override, double extensions); seed: exactly the Sentinel notebook's rule")
        ->check(CLI::IsMember({"seed", "full"}))
        ->capture_default_str();
    detect
        ->add_option("--frequent-threshold", d.frequent, "percent_rank at or above which a name is frequent")
        ->capture_default_str();
    detect
        ->add_option("--infrequent-threshold", d.infrequent, "percent_rank below which a name is infrequent")
        ->capture_default_str();
    detect
        ->add_option("--similarity-threshold", d.similarity,
                     "seed mode: flag pairs whose float32 similarity is above this (0..1)")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    detect->add_flag("--inject-synthetic", d.inject_synthetic,
                     "add the notebook's synthetic events before ranking, as the notebook does");
    detect->add_option("--seed", d.seed, "seed for --inject-synthetic (default: random, printed)");
    detect
        ->add_option("-f,--format", d.format, "table (default on a terminal), jsonl (default otherwise), csv")
        ->check(CLI::IsMember({"table", "jsonl", "csv"}));
    detect->add_option("-o,--output", d.output, "write findings to FILE instead of standard output");
    detect->add_option(
        "--allow", d.allow_file,
        "full mode: JSON-lines allow-list of accepted findings (name, path, host, detector, reason)");
    detect->add_option("--max-paths", d.max_paths, "paths listed per name in a finding (0 = all)")
        ->capture_default_str();
    detect->add_option("-j,--threads", d.threads,
                       "threads for reading and matching (default: all cores; output never depends on it)");
    detect->add_option("--from", d.from, "only events with TimeGenerated at or after this ISO-8601 time");
    detect->add_option("--to", d.to, "only events with TimeGenerated before this ISO-8601 time");
    detect->add_option("--since", d.since,
                       "only events of the last DURATION (e.g. 24h, 90m, 7d); export "
                       "folders outside the window are not opened");
    detect
        ->add_option("--input-format", d.input_format,
                     "auto (default: from each file's first record), sentinel, ecs, defender, sysmon, csv")
        ->check(CLI::IsMember({"auto", "sentinel", "ecs", "defender", "sysmon", "csv"}));
    detect
        ->add_option("--map", d.maps,
                     "FIELD=PATH: where a field is in your records (process, path, host, time, code; e.g. "
                     "--map process=proc.image_name)")
        ->allow_extra_args(false);
    detect->add_option(
        "--connection-string-file", d.connection_string_file,
        "Azure Storage connection string for https:// inputs (else AZURE_STORAGE_CONNECTION_STRING, "
        "AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN, or a SAS token in the URL)");
    detect->add_option("--blob-page-size", d.blob_page_size, "blobs per List Blobs call (default 5000)")
        ->check(CLI::Range(1u, 5000u));
    detect
        ->add_option("--max-record-bytes", d.max_record_bytes,
                     "skip (and report) lines longer than this many bytes (default 64 MiB)")
        ->check(CLI::PositiveNumber);
    detect->add_flag("--dedupe", d.dedupe,
                     "drop byte-identical records (the export rewrites a blob after a retry); costs about 20 "
                     "bytes of memory per distinct record");
    detect->add_flag("--stats", d.stats,
                     "print the funnel (bytes, records, names, candidates, findings) and "
                     "the time of each stage on standard error");
    detect->add_flag("--strict", d.strict, "stop with exit status 2 at the first malformed input");
    detect->add_flag("--fail-on-findings", d.fail_on_findings, "exit with status 1 when there are findings");
    detect->add_flag("-q,--quiet", d.quiet, "print no summary or warnings on standard error");
    detect->add_flag("--no-color", d.no_color, "no colour in the table (also when NO_COLOR is set)");
    detect
        ->add_option("--send", d.send,
                     "also send the findings: sentinel (see the Microsoft Sentinel options)")
        ->check(CLI::IsMember({"sentinel"}));
    masq::cli::add_sentinel_options(*detect, d.sentinel);
    detect->footer(R"(Examples:
  masq detect export/                                  # full mode over an export folder tree
  masq detect --allow accepted.jsonl -f jsonl events.jsonl.gz
  masq detect --mode seed export/                      # exactly the notebook
  masq detect --mode seed PT05M.json.gz -f jsonl -o findings.jsonl
  masq detect --mode seed --inject-synthetic --seed 7 events.jsonl
  zcat day.json.gz | masq detect --mode seed --fail-on-findings -q -f csv
  masq detect export/ --send sentinel                  # and post them to the Logs Ingestion API

Seed mode is the Sentinel notebook "Masquerading Process Name Anomaly", exactly: EventID 4688,
lower-cased Process, Spark percent_rank of the counts, frequent (>= 0.8) x infrequent (< 0.2)
names, true Damerau-Levenshtein similarity with the notebook's extension rule, float32 > 0.85.
Full mode (the default) also compares rare names with Windows binaries that are rare themselves,
allows one edit in short names, sees look-alike characters, system binaries in the wrong folder,
right-to-left override and double extensions, and skips known benign look-alike pairs.
See 'masq explain NAME' for why a name is or is not flagged.)");

    synth_cli s;
    auto* synth =
        app.add_subcommand("synth", "Write the notebook's synthetic 4688 events as export JSON lines");
    synth->add_option("--seed", s.seed, "random seed; the same seed and window give the same events")
        ->capture_default_str();
    synth->add_option("--start", s.start, "start of the time window (ISO-8601; default: 24 h before --end)");
    synth->add_option("--end", s.end, "end of the time window (ISO-8601; default: today 00:00Z)");
    synth->add_option("-o,--output", s.output, "write to FILE instead of standard output");
    synth->footer(R"(Examples:
  masq synth --seed 1 > synthetic.jsonl
  masq synth --seed 1 --end 2024-05-01T00:00:00Z | masq detect --mode seed)");

    convert_cli c;
    auto* convert = app.add_subcommand(
        "convert", "Write the process-creation events of any supported input as SecurityEvent export lines");
    convert->add_option("inputs", c.inputs, "files or folders (JSON lines, CSV, .evtx; gzip/zstd allowed)")
        ->required();
    convert->add_option("-o,--output", c.output, "write to FILE instead of standard output");
    convert->add_option("--input-format", c.input_format, "auto, sentinel, ecs, defender, sysmon, csv")
        ->check(CLI::IsMember({"auto", "sentinel", "ecs", "defender", "sysmon", "csv"}));
    convert->add_option("--map", c.maps, "FIELD=PATH, as for detect")->allow_extra_args(false);
    convert
        ->add_option("--max-record-bytes", c.max_record_bytes,
                     "skip (and report) longer lines, as for detect")
        ->check(CLI::PositiveNumber);
    convert->footer(R"(Examples:
  masq convert Security.evtx > security.jsonl
  masq convert --input-format defender DeviceProcessEvents.csv | masq detect)");

    explain_cli x;
    auto* explain =
        app.add_subcommand("explain", "Show why a process name is or is not flagged in full mode");
    explain->add_option("name", x.name, "the process name, e.g. svch0st.exe")->required();
    explain->add_option("inputs", x.inputs, "export files or folders to compare with (optional)");
    explain->add_option("--path", x.path, "the path it ran from, for the folder check");
    explain->add_option("--allow", x.allow_file, "allow-list to consult");
    explain->footer(R"(Examples:
  masq explain svch0st.exe
  masq explain lsass.exe --path 'C:\Users\Public\lsass.exe'
  masq explain taskhost.exe export/)");

    masq::cli::send_cli snd;
    auto* send = masq::cli::add_send_command(app, snd);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? exit_ok : exit_error;
    }
    try {
        if (*detect) return run_detect(d);
        if (*synth) return run_synth(s);
        if (*explain) return run_explain(x);
        if (*convert) return run_convert(c);
        if (*send) return masq::cli::run_send(snd);
    } catch (const std::exception& e) {
        fmt::print(stderr, "masq: error: {}\n", e.what());
        return exit_error;
    }
    return exit_error;
}
