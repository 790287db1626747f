// SPDX-License-Identifier: MIT
// masq explain NAME [INPUT...]: why a name is or is not flagged in full mode, each detector in
// its own words. Inputs are read by the same driver as detect (any format).

#include "cli/commands/commands.h"
#include "cli/report.h"
#include "masq/masq.h"

#include <fmt/format.h>
#include <iostream>
#include <unistd.h>

namespace masq::cli {
namespace {

struct explain_cli {
    std::string name, path, allow_file, detectors;
    std::vector<std::string> catalog_files;
    std::vector<std::string> inputs;
    std::string input_format = "auto";
    std::vector<std::string> maps;
    unsigned threads = 0;
};

class explain_command final : public command {
  public:
    CLI::App* add(CLI::App& app) override {
        auto* explain =
            app.add_subcommand("explain", "Show why a process name is or is not flagged in full mode");
        explain->add_option("name", o_.name, "the process name, e.g. svch0st.exe")->required();
        explain->add_option("inputs", o_.inputs,
                            "inputs to compare with, as for detect: files, folders, blob URLs (optional)");
        explain->add_option("--path", o_.path, "the path it ran from, for the folder check");
        explain->add_option("--allow", o_.allow_file, "allow-list to consult");
        explain->add_option("--catalog", o_.catalog_files, "as for detect: your own binaries and folders")
            ->allow_extra_args(false);
        explain->add_option("--detectors", o_.detectors, "as for detect: which detectors run");
        explain->add_option("--input-format", o_.input_format, "as for detect (default auto)")
            ->check(CLI::IsMember(input_format_choices()));
        explain->add_option("--map", o_.maps, "FIELD=PATH, as for detect")->allow_extra_args(false);
        explain->add_option("-j,--threads", o_.threads, "threads for reading (default: all cores)");
        explain->footer(R"(Examples:
  masq explain svch0st.exe
  masq explain lsass.exe --path 'C:\Users\Public\lsass.exe'
  masq explain taskhost.exe export/
  masq explain svchost.exe Security.evtx)");
        return explain;
    }
    int run() override;

  private:
    explain_cli o_;
};

int explain_command::run() {
    const explain_cli& opt = o_;
    masq::diagnostics diag(false);
    problem_printer printer(false);
    diag.set_observer([&](const masq::diagnostic& d) { printer(d); });
    masq::process_profile profile;
    masq::read_stats stats;
    // The same driver as detect: an .evtx, CSV or ECS input is read as what it is.
    masq::read_options read;
    read.threads = opt.threads;
    read.format = *masq::parse_input_format(opt.input_format);
    read.blob = masq::blob_options::from_environment();
    read.name_from_path = true; // explain is full mode, as detect reads for it
    if (!parse_maps(opt.maps, read.fields)) return exit_error;
    masq::read_into(masq::expand_inputs(opt.inputs, diag), profile, diag, stats, read);
    masq::detect_options options;
    options.mode = masq::detect_mode::full;
    options.threads = opt.threads;
    try {
        if (!opt.detectors.empty())
            options.detectors = masq::parse_detector_list(options.mode, opt.detectors);
    } catch (const std::invalid_argument& e) {
        fmt::print(stderr, "masq: {}\n", e.what());
        return exit_error;
    }
    masq::allow_list allow;
    if (!opt.allow_file.empty()) {
        if (!load_allow_list(opt.allow_file, allow)) return exit_error;
        options.allow = &allow;
    }
    std::optional<masq::binary_catalog> catalog;
    if (!load_catalog(opt.catalog_files, catalog)) return exit_error;
    if (catalog) options.catalog = &*catalog;
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
        table.width = terminal_width();
        table.fit = isatty(STDOUT_FILENO);
        table.show_reasons = true;
        masq::write_findings_table(std::cout, ex.findings, table);
    }
    return diag.file_problems() > 0 ? exit_error : exit_ok;
}

} // namespace

std::unique_ptr<command> make_explain_command() {
    return std::make_unique<explain_command>();
}

} // namespace masq::cli
