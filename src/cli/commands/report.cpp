// SPDX-License-Identifier: MIT
// masq report FINDINGS.jsonl... -o report.html: the HTML report (html_report.h) of findings saved
// by an earlier `masq detect -f jsonl`. `masq detect --report` writes the same page with the
// run's figures (files, events, the per-name count curve), which saved findings do not carry.

#include "cli/report.h"

#include "cli/commands/commands.h"
#include "masq/html_report.h"
#include "masq/util/text.h"
#include "masq/util/timestamp.h"
#include "masq/write.h"

#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <iterator>
#include <unistd.h>

namespace masq::cli {
namespace {

class report_command final : public command {
  public:
    CLI::App* add(CLI::App& app) override {
        auto* cmd = app.add_subcommand("report", "Write the HTML report of saved findings");
        cmd->add_option(
            "inputs", inputs_,
            "findings files from 'masq detect -f jsonl', plain, .gz or .zst (- for standard input)");
        cmd->add_option("-o,--output", output_, "write the page to FILE (default: standard output)");
        cmd->add_option("--mode", mode_, "the mode the findings were found in, for the page")
            ->check(CLI::IsMember({"seed", "full"}))
            ->capture_default_str();
        cmd->add_flag("-q,--quiet", quiet_, "print nothing on standard error");
        cmd->footer(R"(Examples:
  masq detect export/ -f jsonl -o findings.jsonl && masq report findings.jsonl -o report.html
  masq detect export/ --report report.html      # the same page, with the run's figures and count curve

Exit status: 0 written, 2 usage error, an unreadable input or records that are not findings.)");
        return cmd;
    }

    int run() override {
        if (inputs_.empty()) {
            if (isatty(STDIN_FILENO)) {
                fmt::print(stderr, "masq: report: no findings file given (or - for standard input)\n");
                return exit_error;
            }
            inputs_.push_back("-");
        }
        diagnostics diag;
        findings_read_stats read;
        std::vector<finding> findings;
        for (const auto& path : inputs_) {
            auto more = read_findings_file(path, diag, read);
            std::move(more.begin(), more.end(), std::back_inserter(findings));
        }
        for (const auto& d : diag.kept())
            if (!quiet_ || is_file_problem(d.kind))
                fmt::print(stderr, "masq: report: {}{}\n",
                           is_file_problem(d.kind) ? "" : "warning: ", display_safe(d.to_string()));
        if (diag.count(problem_kind::unreadable_file) > 0) return exit_error;
        if (findings.empty() && read.records > 0) {
            fmt::print(stderr,
                       "masq: report: error: none of the {} records read is a masq finding (a line with "
                       "\"type\":\"finding\", as 'masq detect -f jsonl' writes)\n",
                       read.records);
            return exit_error;
        }
        report_run run;
        run.mode = mode_;
        run.generated = format_iso8601(now());
        run.files = inputs_.size();
        run.records = read.records;
        std::ofstream file;
        if (!open_output(output_, file)) return exit_error;
        std::ostream& out = output_.empty() ? std::cout : file;
        write_html_report(out, findings, run);
        out.flush();
        if (!out) {
            fmt::print(stderr, "masq: report: error writing the page\n");
            return exit_error;
        }
        if (!quiet_ && !output_.empty())
            fmt::print(stderr, "masq: report: {} alert{} written to {}\n", findings.size(),
                       findings.size() == 1 ? "" : "s", output_);
        return exit_ok;
    }

  private:
    std::vector<std::string> inputs_;
    std::string output_;
    std::string mode_ = "full";
    bool quiet_ = false;
};

} // namespace

std::unique_ptr<command> make_report_command() {
    return std::make_unique<report_command>();
}

} // namespace masq::cli
