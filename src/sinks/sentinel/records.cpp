// SPDX-License-Identifier: MIT
// Findings as Log Analytics records. Column names follow the Logs Ingestion rules (a letter first,
// at most 45 of [A-Za-z0-9_], none of the reserved `_ResourceId`, `id`, `_SubscriptionId`,
// `TenantId`, `Type`, `UniqueId`, `Title`), so the same record also suits the legacy API, which
// adds its type suffixes (`_s`, `_d`, `_b`, `_t`).
#include "../finding_fields.h"
#include "masq/schema.h"
#include "masq/util/text.h"
#include "masq/sentinel.h"
#include "masq/write.h"
#include "masq/version.h"
#include "net/http.h"

#include <fmt/format.h>
#include <xxhash.h>

namespace masq {
namespace {

/// Field values above this are cut: the legacy API truncates at 32 KB, Logs Ingestion at 64 KB.
constexpr std::size_t max_field_bytes = 32 * 1024;

/// `text` cut to at most `limit` bytes without splitting a UTF-8 sequence.
std::string_view cut_utf8(std::string_view text, std::size_t limit) {
    if (text.size() <= limit) return text;
    std::size_t n = limit;
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80)
        --n;
    return text.substr(0, n);
}

std::string quoted(std::string_view text) {
    return json_quote(cut_utf8(text, max_field_bytes));
}

/// A record: when and by which run, then every field of the finding schema under its Sentinel
/// column (data/schema/finding.tsv), then masq's version. deploy/sentinel/masq-findings.bicep
/// declares the same columns (tests/unit/sinks/schema_test.cpp compares them).
std::string findings_record(const finding& f, const record_context& context, std::string_view time_field) {
    std::string r = "{";
    r += fmt::format("\"{}\":{}", time_field, json_quote(format_iso8601(context.time_generated)));
    r += ",\"FindingId\":" + json_quote(finding_id(f));
    r += ",\"RunId\":" + json_quote(context.run_id);
    r += ",\"Mode\":" + json_quote(context.mode);
    const detail::json_style style{.counts_as_value = true, .max_text_bytes = max_field_bytes};
    for (const schema_field& field : finding_schema()) {
        r += ',';
        r += json_quote(field.sentinel_column);
        r += ':';
        detail::append_json(r, f, field, style);
    }
    r += ",\"MasqVersion\":\"" MASQ_VERSION_STRING "\"}";
    return r;
}

/// The notebook's record (cell 38) with its four columns, but well-formed: the notebook doubles
/// backslashes and nothing else, and writes the time on a 12-hour clock labelled Z; here the JSON
/// is escaped properly and TimeStamp is the UTC time of the run.
std::string seed_record(const finding& f, const record_context& context) {
    std::string stamp = format_iso8601(context.time_generated - context.time_generated % ticks_per_second);
    return "{\"TimeStamp\":" + json_quote(stamp) +
           ",\"NormalProcess\":" + quoted(f.normal_process.value_or("")) +
           ",\"PotentiallyMaliciousProcess\":" + quoted(f.suspicious_process) +
           ",\"AnomalyScore\":" + format_score(f.score) + "}";
}

} // namespace

std::string new_run_id() {
    return detail::random_uuid();
}

std::string finding_id(const finding& f) {
    std::string identity = f.detector;
    identity += '\0';
    identity += f.suspicious_process;
    identity += '\0';
    identity += f.normal_process.value_or("");
    identity += '\0';
    // The evidence: a name's alerts differ by the folders and parents they are about.
    for (const auto& p : f.suspicious_paths)
        identity += p.value + '\x1f';
    identity += '\0';
    for (const auto& p : f.parents)
        identity += p.value + '\x1f';
    identity += '\0';
    identity += f.first_seen ? std::to_string(*f.first_seen) : "";
    identity += '\0';
    identity += f.last_seen ? std::to_string(*f.last_seen) : "";
    const XXH128_hash_t h = XXH3_128bits(identity.data(), identity.size());
    return fmt::format("{:016x}{:016x}", h.high64, h.low64);
}

std::vector<std::string> sentinel_records(std::span<const finding> findings, const record_context& context,
                                          sentinel_payload payload, std::string_view time_field) {
    std::vector<std::string> out;
    out.reserve(findings.size());
    for (const auto& f : findings)
        out.push_back(payload == sentinel_payload::seed ? seed_record(f, context)
                                                        : findings_record(f, context, time_field));
    return out;
}

std::vector<std::vector<std::string>> plan_batches(std::vector<std::string> records, std::size_t max_bytes) {
    std::vector<std::vector<std::string>> batches;
    std::size_t body = 0; // bytes of "[" + records joined by "," + "]"
    for (auto& r : records) {
        const std::size_t added = r.size() + 1; // the record and its "," (or the closing "]")
        if (!batches.empty() && !batches.back().empty() && body + added <= max_bytes) {
            body += added;
        } else {
            batches.emplace_back();
            body = 1 + added;
        }
        batches.back().push_back(std::move(r));
    }
    return batches;
}

} // namespace masq
