// SPDX-License-Identifier: MIT
// masq send FINDINGS.jsonl / masq send --resume: findings into Microsoft Sentinel (the options
// and the delivery report are in cli/sentinel_options.cpp, shared with detect --send).

#include "cli/commands/commands.h"
#include "cli/sentinel_options.h"

namespace masq::cli {
namespace {

class send_command final : public command {
  public:
    CLI::App* add(CLI::App& app) override { return add_send_command(app, o_); }
    int run() override { return run_send(o_); }

  private:
    send_cli o_;
};

} // namespace

std::unique_ptr<command> make_send_command() {
    return std::make_unique<send_command>();
}

} // namespace masq::cli
