// SPDX-License-Identifier: MIT
// masq convert: any supported input to SecurityEvent export lines, in file order.

#include "cli/commands/commands.h"
#include "cli/report.h"
#include "masq/masq.h"

#include <fstream>
#include <iostream>

namespace masq::cli {
namespace {

/// Writes events as SecurityEvent export lines.
class export_writer final : public masq::event_sink {
  public:
    explicit export_writer(std::ostream& out) : out_(out) {}
    void on_event(const masq::process_event& e) override { masq::write_security_event_line(out_, e); }

  private:
    std::ostream& out_;
};

struct convert_cli {
    std::vector<std::string> inputs;
    std::string output, input_format = "auto";
    std::vector<std::string> maps;
    std::size_t max_record_bytes = masq::read_options{}.max_record_bytes;
    std::uint64_t max_expansion = masq::read_options{}.max_expansion;
};

class convert_command final : public command {
  public:
    CLI::App* add(CLI::App& app) override {
        auto* convert = app.add_subcommand(
            "convert",
            "Write the process-creation events of any supported input as SecurityEvent export lines");
        convert
            ->add_option("inputs", o_.inputs, "files or folders (JSON lines, CSV, .evtx; gzip/zstd allowed)")
            ->required();
        convert->add_option("-o,--output", o_.output, "write to FILE instead of standard output");
        convert->add_option("--input-format", o_.input_format, "auto, sentinel, ecs, defender, sysmon, csv")
            ->check(CLI::IsMember(input_format_choices()));
        convert->add_option("--map", o_.maps, "FIELD=PATH, as for detect")->allow_extra_args(false);
        convert
            ->add_option("--max-record-bytes", o_.max_record_bytes,
                         "skip (and report) longer lines, as for detect")
            ->check(CLI::PositiveNumber);
        convert
            ->add_option("--max-expansion", o_.max_expansion,
                         "stop reading a gzip/zstd input that inflates past this ratio, as for detect")
            ->check(CLI::NonNegativeNumber);
        convert->footer(R"(Examples:
  masq convert Security.evtx > security.jsonl
  masq convert --input-format defender DeviceProcessEvents.csv | masq detect)");
        return convert;
    }
    int run() override;

  private:
    convert_cli o_;
};

int convert_command::run() {
    const convert_cli& opt = o_;
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
    read.max_expansion = opt.max_expansion;
    // One thread: events come out in file order.
    for (const std::string& f : masq::expand_inputs(opt.inputs, diag))
        masq::read_events(f, writer, diag, stats, read);
    out.flush();
    return diag.file_problems() > 0 || !out ? exit_error : exit_ok;
}

} // namespace

std::unique_ptr<command> make_convert_command() {
    return std::make_unique<convert_command>();
}

} // namespace masq::cli
