// SPDX-License-Identifier: MIT
// Where a send goes, completed from the Azure conventions: one place for the CLI and Python.

#include "masq/sentinel.h"

#include <array>
#include <cstdlib>
#include <fmt/format.h>

namespace masq {
namespace {

void fill(std::string& value, const char* variable) {
    if (!value.empty()) return;
    if (const char* v = std::getenv(variable)) value = v;
}

// Microsoft's sovereign-cloud endpoints (Azure Government, Azure China):
// https://learn.microsoft.com/azure/azure-monitor/logs/logs-ingestion-api-overview
constexpr std::array<sentinel_cloud, 3> clouds{{
    {"public", "https://login.microsoftonline.com", "https://monitor.azure.com/.default", "ods.opinsights.azure.com"},
    {"usgov", "https://login.microsoftonline.us", "https://monitor.azure.us/.default", "ods.opinsights.azure.us"},
    {"china", "https://login.chinacloudapi.cn", "https://monitor.azure.cn/.default", "ods.opinsights.azure.cn"},
}};

} // namespace

const sentinel_cloud* find_sentinel_cloud(std::string_view name) noexcept {
    for (const sentinel_cloud& c : clouds)
        if (c.name == name) return &c;
    return nullptr;
}

void complete_from_environment(sentinel_destination& d, const sentinel_cloud& cloud) {
    auto& c = d.collector;
    fill(c.workspace_id, "LOG_ANALYTICS_WORKSPACE_ID");
    fill(c.shared_key, "LOG_ANALYTICS_SHARED_KEY");
    fill(c.endpoint, "MASQ_DATA_COLLECTOR_ENDPOINT");
    if (c.endpoint.empty() && cloud.name != "public" && !c.workspace_id.empty())
        c.endpoint = fmt::format("https://{}.{}", c.workspace_id, cloud.collector_suffix);
    auto& t = d.ingestion;
    fill(t.endpoint, "MASQ_DCE_ENDPOINT");
    fill(t.dcr_immutable_id, "MASQ_DCR_IMMUTABLE_ID");
    const bool default_stream = t.stream.empty();
    if (default_stream) fill(t.stream, "MASQ_DCR_STREAM");
    if (t.stream.empty()) t.stream = logs_ingestion_target{}.stream;
    auto& cr = t.credentials;
    fill(cr.tenant_id, "AZURE_TENANT_ID");
    fill(cr.client_id, "AZURE_CLIENT_ID");
    fill(cr.client_secret, "AZURE_CLIENT_SECRET");
    fill(cr.authority_host, "AZURE_AUTHORITY_HOST");
    if (cr.authority_host.empty()) cr.authority_host = cloud.authority;
    if (cr.scope.empty()) cr.scope = cloud.scope;
}

} // namespace masq
