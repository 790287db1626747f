// SPDX-License-Identifier: MIT
// The pure parts of the Sentinel sink: records, batch planning, ids, the HTTP helpers, and reading
// findings back. The protocol itself is tested against a local server in tests/integration.
#include "masq/sentinel.h"
#include "masq/write.h"
#include "net/http.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <sstream>

namespace {

masq::finding sample_finding(int i) {
    masq::finding f;
    f.detector = "name-similarity";
    f.suspicious_process = "svch0st" + std::to_string(i) + "\"\\\xE2\x80\xAE.exe"; // quote, backslash, RLO
    f.normal_process = "svchost.exe";
    f.score = 0.90909094f;
    f.similarity = 10.0 / 11.0;
    f.distance = 1;
    f.suspicious_paths = {{"C:\\Users\\Public\\svch0st.exe", 3}};
    f.suspicious_distinct_paths = 1;
    f.normal_paths = {{"C:\\Windows\\System32\\svchost.exe", 900}};
    f.normal_distinct_paths = 1;
    f.suspicious_count = 3;
    f.normal_count = 900;
    f.hosts = {{"ws-1", 3}};
    f.distinct_hosts = 1;
    f.first_seen = masq::parse_iso8601("2024-05-01T10:00:00Z");
    f.last_seen = masq::parse_iso8601("2024-05-01T11:00:00.1234567Z");
    f.reason = "one substitution from svchost.exe";
    return f;
}

masq::record_context context() {
    return {*masq::parse_iso8601("2026-11-30T12:00:00.5Z"), "3f0e3a52-52a5-4bd0-8c35-0a0c5b9b1f11", "full"};
}

TEST(SentinelRecords, AreValidJsonWithTheContextColumns) {
    const std::vector<masq::finding> findings{sample_finding(1), sample_finding(2)};
    const auto records = masq::sentinel_records(findings, context());
    ASSERT_EQ(records.size(), 2u);
    simdjson::ondemand::parser parser;
    for (std::size_t i = 0; i < records.size(); ++i) {
        simdjson::padded_string padded(records[i]);
        auto doc = parser.iterate(padded);
        EXPECT_EQ(std::string_view(doc["TimeGenerated"].get_string().value()), "2026-11-30T12:00:00.500Z");
        EXPECT_EQ(std::string_view(doc["SuspiciousProcess"].get_string().value()),
                  findings[i].suspicious_process);
        EXPECT_EQ(std::string_view(doc["NormalProcess"].get_string().value()), "svchost.exe");
        EXPECT_EQ(doc["Distance"].get_uint64().value(), 1u);
        EXPECT_EQ(std::string_view(doc["LastSeen"].get_string().value()), "2024-05-01T11:00:00.1234567Z");
        auto paths = doc["SuspiciousPaths"].get_array().value();
        for (auto p : paths) {
            EXPECT_EQ(std::string_view(p["value"].get_string().value()), "C:\\Users\\Public\\svch0st.exe");
            EXPECT_EQ(p["count"].get_uint64().value(), 3u);
        }
        EXPECT_EQ(std::string_view(doc["RunId"].get_string().value()), context().run_id);
    }
}

TEST(SentinelRecords, SeedPayloadHasTheNotebooksFourColumns) {
    const std::vector<masq::finding> findings{sample_finding(1)};
    const auto records = masq::sentinel_records(findings, context(), masq::sentinel_payload::seed);
    ASSERT_EQ(records.size(), 1u);
    simdjson::ondemand::parser parser;
    simdjson::padded_string padded(records[0]);
    auto doc = parser.iterate(padded);
    std::vector<std::string> keys;
    for (auto field : doc.get_object())
        keys.emplace_back(std::string_view(field.unescaped_key().value()));
    EXPECT_EQ(keys, (std::vector<std::string>{"TimeStamp", "NormalProcess", "PotentiallyMaliciousProcess",
                                              "AnomalyScore"}));
    EXPECT_NE(records[0].find("\"AnomalyScore\":0.90909094"), std::string::npos) << records[0];
    EXPECT_NE(records[0].find("\"TimeStamp\":\"2026-11-30T12:00:00.000Z\""), std::string::npos) << records[0];
}

TEST(SentinelRecords, LongValuesAreCutOnACharacterBoundary) {
    auto f = sample_finding(1);
    f.reason.clear();
    for (int i = 0; i < 20000; ++i)
        f.reason += "\xD0\xBE"; // 40,000 bytes of Cyrillic o
    const auto records = masq::sentinel_records(std::vector<masq::finding>{f}, context());
    simdjson::ondemand::parser parser;
    simdjson::padded_string padded(records[0]);
    auto doc = parser.iterate(padded);
    const std::string_view reason = doc["Reason"].get_string().value(); // throws on invalid UTF-8
    EXPECT_LE(reason.size(), 32u * 1024);
    EXPECT_GT(reason.size(), 32u * 1024 - 2);
}

TEST(FindingId, IsStableAndDistinguishesFindings) {
    EXPECT_EQ(masq::finding_id(sample_finding(1)), masq::finding_id(sample_finding(1)));
    EXPECT_NE(masq::finding_id(sample_finding(1)), masq::finding_id(sample_finding(2)));
    auto later = sample_finding(1);
    later.last_seen = *later.last_seen + 1;
    EXPECT_NE(masq::finding_id(sample_finding(1)), masq::finding_id(later));
    EXPECT_EQ(masq::finding_id(sample_finding(1)).size(), 32u);
}

/// The slow reference: the body of a batch, built naively.
std::size_t body_size(const std::vector<std::string>& batch) {
    std::size_t n = 2 + (batch.empty() ? 0 : batch.size() - 1);
    for (const auto& r : batch)
        n += r.size();
    return n;
}

TEST(PlanBatches, FillsBatchesUpToTheLimitKeepingOrder) {
    std::vector<std::string> records;
    for (int i = 0; i < 500; ++i)
        records.push_back(std::string(static_cast<std::size_t>(10 + (i * 37) % 90), 'x') + std::to_string(i));
    for (std::size_t limit : {50u, 101u, 400u, 1000u, 100000u}) {
        const auto batches = masq::plan_batches(records, limit);
        std::vector<std::string> flat;
        for (std::size_t b = 0; b < batches.size(); ++b) {
            ASSERT_FALSE(batches[b].empty());
            if (batches[b].size() > 1) EXPECT_LE(body_size(batches[b]), limit);
            // Greedy: the next batch's first record would not have fitted.
            if (b + 1 < batches.size()) {
                auto with_next = batches[b];
                with_next.push_back(batches[b + 1].front());
                EXPECT_GT(body_size(with_next), limit);
            }
            flat.insert(flat.end(), batches[b].begin(), batches[b].end());
        }
        EXPECT_EQ(flat, records) << limit;
    }
}

TEST(PlanBatches, ARecordOverTheLimitGoesAlone) {
    const auto batches = masq::plan_batches({"a", std::string(100, 'b'), "c"}, 20);
    ASSERT_EQ(batches.size(), 3u);
    EXPECT_EQ(batches[1].size(), 1u);
}

TEST(Http, RetryAfterReadsSecondsAndDates) {
    using std::chrono::milliseconds;
    EXPECT_EQ(masq::detail::parse_retry_after("120"), milliseconds(120000));
    EXPECT_EQ(masq::detail::parse_retry_after(" 0 "), milliseconds(0));
    EXPECT_EQ(masq::detail::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT"),
              milliseconds(0)); // in the past
    const auto future = masq::detail::parse_retry_after("Fri, 31 Dec 2100 23:59:59 GMT");
    ASSERT_TRUE(future);
    EXPECT_GT(future->count(), 1000LL * 3600 * 24 * 365);
    EXPECT_FALSE(masq::detail::parse_retry_after("soon"));
    EXPECT_FALSE(masq::detail::parse_retry_after(""));
}

TEST(Http, Base64AndHmacMatchRfc4231) {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    const std::string mac = masq::detail::hmac_sha256("Jefe", "what do ya want for nothing?");
    EXPECT_EQ(masq::detail::base64_encode(mac), "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
    for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) // RFC 4648 §10
        EXPECT_EQ(masq::detail::base64_decode(masq::detail::base64_encode(s)), s);
    EXPECT_EQ(masq::detail::base64_encode("foobar"), "Zm9vYmFy");
    EXPECT_FALSE(masq::detail::base64_decode("not base64!"));
}

TEST(Http, UuidsAreVersion4AndDistinct) {
    const auto a = masq::detail::random_uuid(), b = masq::detail::random_uuid();
    EXPECT_NE(a, b);
    ASSERT_EQ(a.size(), 36u);
    EXPECT_EQ(a[14], '4');
    EXPECT_NE(std::string("89ab").find(a[19]), std::string::npos);
}

TEST(FindingsJsonl, ReadBackEqualsWhatWasWritten) {
    std::vector<masq::finding> findings{sample_finding(1), sample_finding(2)};
    findings[1].normal_process.reset();
    findings[1].first_seen.reset();
    findings[1].involves_synthetic = true;
    std::ostringstream first;
    masq::write_findings_jsonl(first, findings);
    masq::diagnostics diag;
    const auto back = masq::read_findings_jsonl(first.str(), "f.jsonl", diag);
    EXPECT_EQ(diag.total(), 0u);
    ASSERT_EQ(back.size(), 2u);
    std::ostringstream second;
    masq::write_findings_jsonl(second, back);
    EXPECT_EQ(first.str(), second.str());
    EXPECT_EQ(masq::finding_id(back[0]), masq::finding_id(findings[0]));
}

TEST(FindingsJsonl, BadLinesAreNamedAndSkipped) {
    masq::diagnostics diag;
    const auto back = masq::read_findings_jsonl(
        "{\"type\":\"finding\",\"suspicious_process\":\"a.exe\"}\n[1]\n{\"type\":\"finding\",\"score\":\"x\","
        "\"suspicious_process\":\"b.exe\"}\n{\"type\":\"summary\"}\n",
        "f.jsonl", diag);
    ASSERT_EQ(back.size(), 1u);
    EXPECT_EQ(back[0].suspicious_process, "a.exe");
    ASSERT_EQ(diag.kept().size(), 2u);
    EXPECT_EQ(diag.kept()[0].line, 2u);
    EXPECT_EQ(diag.kept()[1].line, 3u);
    EXPECT_EQ(diag.kept()[1].field, "score");
}

TEST(SentinelConfig, NamesWhatIsMissing) {
    masq::sentinel_destination d;
    try {
        masq::validate(d);
        FAIL() << "an empty destination validated";
    } catch (const masq::sentinel_config_error& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("ingestion endpoint"), std::string::npos);
        EXPECT_NE(m.find("AZURE_CLIENT_SECRET"), std::string::npos);
    }
    d.api = masq::sentinel_api::data_collector;
    d.collector.workspace_id = "ws";
    d.collector.shared_key = "***not base64***";
    EXPECT_THROW(masq::validate(d), masq::sentinel_config_error);
    d.collector.shared_key = "a2V5a2V5a2V5";
    EXPECT_NO_THROW(masq::validate(d));
    d.collector.log_type = "bad type!";
    EXPECT_THROW(masq::validate(d), masq::sentinel_config_error);
}

TEST(SentinelConfig, ChecksTheShapeOfDcrIdStreamAndEndpoint) {
    masq::sentinel_destination d;
    auto& t = d.ingestion;
    t.endpoint = "https://masq-dce.westeurope-1.ingest.monitor.azure.com";
    t.dcr_immutable_id = "dcr-0123456789abcdef0123456789ABCDEF";
    t.credentials.tenant_id = "t";
    t.credentials.client_id = "c";
    t.credentials.client_secret = "s";
    EXPECT_NO_THROW(masq::validate(d));
    for (const char* bad : {"dcr-1", "masq-rule", "dcr-0123456789abcdef0123456789abcdeg",
                            "0123456789abcdef0123456789abcdef0123"}) {
        t.dcr_immutable_id = bad;
        EXPECT_THROW(masq::validate(d), masq::sentinel_config_error) << bad;
    }
    t.dcr_immutable_id = "dcr-0123456789abcdef0123456789abcdef";
    for (const char* bad : {"MasqFindings_CL", "Custom-", "Custom-Masq Findings"}) {
        t.stream = bad;
        EXPECT_THROW(masq::validate(d), masq::sentinel_config_error) << bad;
    }
    t.stream = "Microsoft-SecurityEvent";
    EXPECT_NO_THROW(masq::validate(d));
    for (const char* bad : {"https://", "https:///path", "ingest.monitor.azure.com", "ftp://host"}) {
        t.endpoint = bad;
        EXPECT_THROW(masq::validate(d), masq::sentinel_config_error) << bad;
    }
}

} // namespace
