// SPDX-License-Identifier: MIT
// masq detectors: the detector table of each mode (id, category, ATT&CK technique, summary), as
// a table for people or JSON lines for machines.

#include "masq/detect/detectors.h"

#include "cli/commands/commands.h"
#include "cli/report.h"
#include "masq/util/text.h"

#include <fmt/format.h>

namespace masq::cli {
namespace {

class detectors_command final : public command {
  public:
    CLI::App* add(CLI::App& app) override {
        auto* c = app.add_subcommand("detectors", "List the detectors of each mode (for --detectors)");
        c->add_option("--mode", mode_, "full or seed")
            ->check(CLI::IsMember({"seed", "full"}))
            ->capture_default_str();
        c->add_option("-f,--format", format_, "table or jsonl")->check(CLI::IsMember({"table", "jsonl"}));
        c->footer(R"(Examples:
  masq detectors
  masq detect --detectors -parent,-renamed export/)");
        return c;
    }

    int run() override {
        const auto mode = *masq::parse_detect_mode(mode_);
        for (const masq::detector_info& d : masq::detectors_of(mode)) {
            if (format_ == "jsonl")
                fmt::print("{{\"id\":{},\"category\":{},\"technique\":{},\"summary\":{}}}\n",
                           json_quote(d.id), json_quote(to_string(d.category)), json_quote(d.technique),
                           json_quote(d.summary));
            else
                fmt::print("{:<16} {:<7} {:<10} {}\n", d.id, to_string(d.category), d.technique, d.summary);
        }
        return exit_ok;
    }

  private:
    std::string mode_ = "full";
    std::string format_ = "table";
};

} // namespace

std::unique_ptr<command> make_detectors_command() {
    return std::make_unique<detectors_command>();
}

} // namespace masq::cli
