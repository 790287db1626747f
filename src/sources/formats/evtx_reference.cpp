// SPDX-License-Identifier: MIT
// The reference EVTX reader: libevtx renders each record as XML and libxml2 reads it. It was
// masq's reader until the decoder of evtx_binxml.cpp replaced it (30 to 50 times faster,
// docs/evtx.md); it stays as the independent reader the decoder is tested against record by
// record (tests/unit/sources/formats/evtx_differential_test.cpp). Records libevtx recovers from
// a dirty or partly overwritten log are read too, and records that cannot be read are reported
// by index.
#include "masq/util/timestamp.h"
#include "sources/formats/evtx.h"
#include "sources/record.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <libevtx.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <map>
#include <optional>
#include <set>

namespace masq::detail {
namespace {

std::string evtx_error(libevtx_error_t* error) {
    char text[512] = {};
    if (error != nullptr) {
        libevtx_error_sprint(error, text, sizeof text);
        libevtx_error_free(&error);
    }
    return text[0] ? std::string(text) : std::string("unknown libevtx error");
}

std::string node_text(xmlNode* n) {
    xmlChar* c = xmlNodeGetContent(n);
    std::string s = c ? reinterpret_cast<const char*>(c) : "";
    xmlFree(c);
    return s;
}

std::string attribute(xmlNode* n, const char* name) {
    xmlChar* c = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
    std::string s = c ? reinterpret_cast<const char*>(c) : "";
    xmlFree(c);
    return s;
}

xmlNode* child(xmlNode* parent, const char* name) {
    for (xmlNode* n = parent ? parent->children : nullptr; n != nullptr; n = n->next)
        if (n->type == XML_ELEMENT_NODE && std::strcmp(reinterpret_cast<const char*>(n->name), name) == 0)
            return n;
    return nullptr;
}

struct evtx_record {
    std::string event_id, provider, computer, time_created, event_record_id;
    std::map<std::string, std::string> data;
};

bool parse_record_xml(const std::string& xml, evtx_record& out) {
    xmlDoc* doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "record.xml", nullptr,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE);
    if (doc == nullptr) return false;
    xmlNode* event = xmlDocGetRootElement(doc);
    xmlNode* system = child(event, "System");
    if (xmlNode* id = child(system, "EventID")) out.event_id = node_text(id);
    if (xmlNode* p = child(system, "Provider")) out.provider = attribute(p, "Name");
    if (xmlNode* c = child(system, "Computer")) out.computer = node_text(c);
    if (xmlNode* n = child(system, "EventRecordID")) out.event_record_id = node_text(n);
    if (xmlNode* t = child(system, "TimeCreated")) out.time_created = attribute(t, "SystemTime");
    if (xmlNode* data = child(event, "EventData"))
        for (xmlNode* d = data->children; d != nullptr; d = d->next)
            if (d->type == XML_ELEMENT_NODE) out.data[attribute(d, "Name")] = node_text(d);
    xmlFreeDoc(doc);
    return true;
}

} // namespace

void read_evtx_reference(const std::string& path, event_sink& sink, diagnostics& diag, read_stats& stats,
                         const time_window& window) {
    libevtx_file_t* file = nullptr;
    libevtx_error_t* error = nullptr;
    if (libevtx_file_initialize(&file, &error) != 1) {
        diag.report(problem_kind::unreadable_file, path, 0, "", evtx_error(error));
        return;
    }
    if (libevtx_file_open(file, path.c_str(), LIBEVTX_OPEN_READ, &error) != 1) {
        diag.report(problem_kind::unreadable_file, path, 0, "",
                    "not a readable event log: " + evtx_error(error));
        libevtx_file_free(&file, nullptr);
        return;
    }
    std::error_code ec;
    ++stats.files;
    int normal = 0, recovered = 0;
    libevtx_file_get_number_of_records(file, &normal, nullptr);
    libevtx_file_get_number_of_recovered_records(file, &recovered, nullptr);
    // Recovered records come from slack space: some repeat live records (same identifier) and
    // some are fragments. Repeats are skipped; fragments are summed up in one problem. (libfwevt,
    // bundled with libevtx 20181227, leaks a few KB inside its own parsing of some damaged
    // fragments; it cannot be freed from here, and skipping recovered records would lose events.)
    std::set<std::uint64_t> seen_ids;
    std::uint64_t lost_fragments = 0;
    const timestamp latest_plausible = now() + 2 * 86'400 * ticks_per_second;
    for (int pass = 0; pass < 2; ++pass) {
        const int count = pass == 0 ? normal : recovered;
        for (int i = 0; i < count; ++i) {
            const std::uint64_t number =
                static_cast<std::uint64_t>(i) + 1 + (pass == 1 ? static_cast<std::uint64_t>(normal) : 0);
            libevtx_record_t* record = nullptr;
            const int got = pass == 0 ? libevtx_file_get_record_by_index(file, i, &record, &error)
                                      : libevtx_file_get_recovered_record_by_index(file, i, &record, &error);
            if (got != 1) {
                if (pass == 1) {
                    ++lost_fragments;
                    libevtx_error_free(&error);
                    continue;
                }
                ++stats.lines;
                diag.report(problem_kind::malformed_record, path, number, "",
                            fmt::format("event record {} cannot be read: {}", number, evtx_error(error)));
                error = nullptr;
                ++stats.skipped_lines;
                continue;
            }
            std::uint64_t id = 0;
            std::optional<std::uint64_t> record_id; // EventRecordID, for an analyst to open the event
            if (libevtx_record_get_identifier(record, &id, nullptr) == 1) {
                record_id = id;
                if (pass == 1 && seen_ids.count(id) != 0) {
                    libevtx_record_free(&record, nullptr);
                    continue;
                }
                seen_ids.insert(id);
            }
            ++stats.lines;
            std::size_t size = 0;
            std::string xml;
            if (libevtx_record_get_utf8_xml_string_size(record, &size, &error) == 1 && size > 0) {
                xml.assign(size, '\0');
                if (libevtx_record_get_utf8_xml_string(record, reinterpret_cast<std::uint8_t*>(xml.data()),
                                                       size, &error) != 1)
                    xml.clear();
                else
                    xml.resize(std::strlen(xml.c_str()));
            }
            libevtx_record_free(&record, nullptr);
            evtx_record r;
            const bool readable = !xml.empty() && parse_record_xml(xml, r);
            if (!readable && pass == 1) {
                --stats.lines;
                ++lost_fragments;
                if (error != nullptr) libevtx_error_free(&error);
                continue;
            }
            if (!readable) {
                diag.report(problem_kind::malformed_record, path, number, "",
                            fmt::format("event record {} has no readable XML{}", number,
                                        error ? ": " + evtx_error(error) : std::string()));
                error = nullptr;
                ++stats.skipped_lines;
                continue;
            }
            const bool sysmon = r.provider == "Microsoft-Windows-Sysmon";
            const bool is_4688 = r.event_id == security_process_creation && !sysmon;
            const bool is_sysmon_1 = r.event_id == sysmon_process_creation && sysmon;
            const bool process_creation = is_4688 || is_sysmon_1;
            std::string image, when;
            std::optional<timestamp> time;
            if (process_creation) {
                image = r.data[is_4688 ? "NewProcessName" : "Image"];
                when = is_sysmon_1 && !r.data["UtcTime"].empty() ? r.data["UtcTime"] : r.time_created;
                time = parse_iso8601(when);
            }
            // A recovered process creation that does not validate is misaligned data, not a record.
            if (pass == 1 && process_creation &&
                !plausible_recovered(r.computer, image, time, latest_plausible)) {
                --stats.lines;
                ++lost_fragments;
                continue;
            }
            stats.bytes += xml.size();
            ++stats.records;
            if (!process_creation) {
                ++stats.other_events;
                continue;
            }
            if (pass == 1) ++stats.recovered_records;
            if (!when.empty() && !time)
                diag.report(problem_kind::bad_timestamp, path, number, "TimeCreated",
                            fmt::format("'{}' is not an ISO-8601 time; event kept without a time", when));
            process_event e;
            if (!image.empty()) {
                e.path = image;
                e.process = file_name_of(image);
            }
            if (!r.computer.empty()) e.host = r.computer;
            e.time = time;
            const std::string& parent = r.data[is_4688 ? "ParentProcessName" : "ParentImage"];
            const std::string& original = r.data["OriginalFileName"];
            if (!parent.empty()) e.parent_path = parent;
            e.original_file_name = original; // "-" and empty are none (record.h)
            const std::string& user = r.data[is_4688 ? "SubjectUserName" : "User"];
            const std::string& command_line = r.data["CommandLine"];
            e.user = user;
            if (!command_line.empty()) e.command_line = command_line;
            // 4688 writes the ids in hexadecimal (NewProcessId, ProcessId of the creator), Sysmon
            // in decimal (ProcessId, ParentProcessId); Sysmon also logs the image's hashes.
            e.process_id = parse_id(r.data[is_4688 ? "NewProcessId" : "ProcessId"]);
            e.parent_process_id = parse_id(r.data[is_4688 ? "ProcessId" : "ParentProcessId"]);
            const std::string& hashes = r.data["Hashes"];
            e.hashes = hashes;
            // The EventRecordID of the XML (what Event Viewer shows; a log saved from a filter
            // renumbers the record headers but keeps it), else the header's identifier.
            e.record_id = parse_id(r.event_record_id);
            if (!e.record_id) e.record_id = record_id;
            deliver(e, window, stats, sink);
        }
    }
    // Not a problem of the file: free space holds whatever was overwritten. The run's summary
    // counts them (read_stats::recovered_dropped).
    stats.recovered_dropped += lost_fragments;
    if (const auto why = evtx_truncation(path)) diag.report(problem_kind::truncated_file, path, 0, "", *why);
    (void)ec;
    libevtx_file_close(file, nullptr);
    libevtx_file_free(&file, nullptr);
}

} // namespace masq::detail
