// SPDX-License-Identifier: MIT
#pragma once

/// @file event.h
/// One process-creation event as the sources hand it to the profile. Views point into the
/// reader's buffer and are valid only during the `event_sink::on_event` call.

#include "masq/util/timestamp.h"

#include <cstdint>
#include <optional>
#include <string_view>

namespace masq {

/// Where an event came from: the user's data, or the notebook's hard-coded synthetic rows
/// (its `From` column: "User" / "Hardcoded").
enum class event_origin : std::uint8_t { user, synthetic };

struct process_event {
    /// `Process` as recorded (file name, original case); empty optional when missing or null.
    std::optional<std::string_view> process;
    /// `NewProcessName`: the full path of the new process.
    std::optional<std::string_view> path;
    /// `Computer`.
    std::optional<std::string_view> host;
    /// `TimeGenerated`.
    std::optional<timestamp> time;
    /// The parent's path (`ParentProcessName`, Sysmon `ParentImage`), when the source has it.
    std::optional<std::string_view> parent_path;
    /// The PE version-info name (Sysmon/Defender `OriginalFileName`), when the source has it:
    /// what a renamed binary really is.
    std::optional<std::string_view> original_file_name;
    /// The account that started the process (`SubjectUserName`, Sysmon `User`, ECS `user.name`).
    std::optional<std::string_view> user;
    /// The command line, when the source has it.
    std::optional<std::string_view> command_line;
    event_origin origin = event_origin::user;
};

/// Receives events from a source as they are read; a source never builds a list of all events.
class event_sink {
  public:
    virtual ~event_sink() = default;
    virtual void on_event(const process_event& event) = 0;
};

} // namespace masq
