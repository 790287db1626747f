// SPDX-License-Identifier: MIT
// Events as SecurityEvent export lines (`masq convert`, `masq synth`): the columns the notebook
// reads, then every context field the event has, under the SecurityEvent names the export reader
// reads back (formats/security_event.cpp), so that convert -> detect finds what detect finds.
#include "masq/util/text.h"
#include "masq/write.h"

#include <fmt/format.h>

namespace masq {

void write_security_event_line(std::ostream& out, const process_event& e, bool with_host) {
    std::string line;
    line += "{\"TimeGenerated\":";
    line += e.time ? json_quote(format_iso8601(*e.time)) : "null";
    line += ",\"EventID\":4688";
    if (with_host) line += ",\"Computer\":" + (e.host ? json_quote(*e.host) : std::string("null"));
    line += ",\"NewProcessName\":" + (e.path ? json_quote(*e.path) : std::string("null"));
    line += ",\"Process\":" + (e.process ? json_quote(*e.process) : std::string("null"));
    const auto text = [&](std::string_view key, const std::optional<std::string_view>& v) {
        if (v) line += fmt::format(",\"{}\":{}", key, json_quote(*v));
    };
    text("ParentProcessName", e.parent_path);
    text("OriginalFileName", e.original_file_name);
    text("SubjectUserName", e.user);
    if (e.command_line_json)
        line += ",\"CommandLine\":" + std::string(*e.command_line_json); // already a JSON string
    else
        text("CommandLine", e.command_line);
    text("Hashes", e.hashes);
    // 4688 writes process ids in hexadecimal; its ProcessId is the parent's.
    if (e.process_id) line += fmt::format(",\"NewProcessId\":\"0x{:x}\"", *e.process_id);
    if (e.parent_process_id) line += fmt::format(",\"ProcessId\":\"0x{:x}\"", *e.parent_process_id);
    if (e.record_id) line += fmt::format(",\"EventRecordId\":{}", *e.record_id);
    line += ",\"Type\":\"SecurityEvent\"}\n";
    out << line;
}

} // namespace masq
