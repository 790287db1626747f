// SPDX-License-Identifier: MIT
#pragma once

// The subcommands of masq, one file each: a command registers its options on the application
// and, when chosen, runs. main.cpp only parses and dispatches.

#include <CLI/CLI.hpp>
#include <memory>

namespace masq::cli {

class command {
  public:
    virtual ~command() = default;
    /// Adds the subcommand and its options to `app`; returns it.
    virtual CLI::App* add(CLI::App& app) = 0;
    /// Runs with the parsed options; returns the exit status.
    virtual int run() = 0;
};

std::unique_ptr<command> make_detect_command();
std::unique_ptr<command> make_explain_command();
std::unique_ptr<command> make_convert_command();
std::unique_ptr<command> make_synth_command();
std::unique_ptr<command> make_send_command();
std::unique_ptr<command> make_detectors_command();
std::unique_ptr<command> make_report_command();

} // namespace masq::cli
