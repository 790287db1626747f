// SPDX-License-Identifier: MIT
// The masq command line: parse and dispatch. Each subcommand is a file in commands/; what they
// print besides their output is in report.cpp; the option rules are the library's.

#include "cli/commands/commands.h"
#include "cli/report.h"
#include "masq/version.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <memory>
#include <vector>

int main(int argc, char** argv) {
    using namespace masq::cli;
    CLI::App app{"masq - find masquerading process names in Windows process-creation logs"};
    app.set_version_flag("--version", std::string("masq ") + MASQ_VERSION_STRING);
    app.require_subcommand(1);
    app.footer("Run 'masq COMMAND --help' for the options of a command.\n"
               "Exit status: 0 success, 1 findings with --fail-on-findings, 2 usage or input error,\n"
               "3 findings spooled instead of delivered to Sentinel (masq send --resume).");

    std::vector<std::unique_ptr<command>> commands;
    commands.push_back(make_detect_command());
    commands.push_back(make_synth_command());
    commands.push_back(make_convert_command());
    commands.push_back(make_explain_command());
    commands.push_back(make_send_command());
    commands.push_back(make_report_command());
    commands.push_back(make_detectors_command());
    std::vector<CLI::App*> subcommands;
    for (const auto& c : commands)
        subcommands.push_back(c->add(app));

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? exit_ok : exit_error;
    }
    try {
        for (std::size_t i = 0; i < commands.size(); ++i)
            if (*subcommands[i]) return commands[i]->run();
    } catch (const std::exception& e) {
        fmt::print(stderr, "masq: error: {}\n", e.what());
        return exit_error;
    }
    return exit_error;
}
