// SPDX-License-Identifier: MIT
// masq synth: the notebook's synthetic 4688 events as export lines.

#include "cli/commands/commands.h"
#include "cli/report.h"
#include "masq/masq.h"

#include <fmt/format.h>
#include <fstream>
#include <iostream>

namespace masq::cli {
namespace {

struct synth_cli {
    std::uint64_t seed = 0;
    std::string start, end, output;
};

class synth_command final : public command {
  public:
    CLI::App* add(CLI::App& app) override {
        auto* synth =
            app.add_subcommand("synth", "Write the notebook's synthetic 4688 events as export JSON lines");
        synth->add_option("--seed", o_.seed, "random seed; the same seed and window give the same events")
            ->capture_default_str();
        synth->add_option("--start", o_.start,
                          "start of the time window (ISO-8601; default: 24 h before --end)");
        synth->add_option("--end", o_.end, "end of the time window (ISO-8601; default: today 00:00Z)");
        synth->add_option("-o,--output", o_.output, "write to FILE instead of standard output");
        synth->footer(R"(Examples:
  masq synth --seed 1 > synthetic.jsonl
  masq synth --seed 1 --end 2024-05-01T00:00:00Z | masq detect --mode seed)");
        return synth;
    }
    int run() override;

  private:
    synth_cli o_;
};

int synth_command::run() {
    const synth_cli& opt = o_;
    masq::timestamp end, start;
    if (opt.end.empty()) {
        const masq::timestamp day = 86400 * masq::ticks_per_second;
        end = masq::now() / day * day; // midnight UTC today: stable within a day
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
        masq::process_event event;
        event.time = e.time;
        event.path = e.path;
        event.process = e.process;
        masq::write_security_event_line(out, event,
                                        /*with_host=*/false); // the notebook's rows have no Computer
    }
    out.flush();
    return out ? exit_ok : exit_error;
}

} // namespace

std::unique_ptr<command> make_synth_command() {
    return std::make_unique<synth_command>();
}

} // namespace masq::cli
