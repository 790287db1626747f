// SPDX-License-Identifier: MIT
// The destination of a send is completed from the environment and the cloud in the library, so
// the CLI and Python cannot drift (Python had its own copy of the variables, and no --cloud).
#include "masq/sentinel.h"

#include <cstdlib>
#include <gtest/gtest.h>

namespace {

TEST(sentinel_destination, filled_from_the_environment_then_the_cloud) {
    ::setenv("MASQ_DCE_ENDPOINT", "https://dce.example", 1);
    ::setenv("AZURE_TENANT_ID", "tenant-from-env", 1);
    ::unsetenv("AZURE_AUTHORITY_HOST");
    ::unsetenv("MASQ_DCR_STREAM");
    masq::sentinel_destination d;
    d.ingestion.credentials.tenant_id = "given";
    d.ingestion.stream.clear();
    d.ingestion.credentials.authority_host.clear();
    d.ingestion.credentials.scope.clear();
    const masq::sentinel_cloud* usgov = masq::find_sentinel_cloud("usgov");
    ASSERT_NE(usgov, nullptr);
    masq::complete_from_environment(d, *usgov);
    EXPECT_EQ(d.ingestion.endpoint, "https://dce.example");
    EXPECT_EQ(d.ingestion.credentials.tenant_id, "given"); // what the caller set wins
    EXPECT_EQ(d.ingestion.credentials.authority_host, "https://login.microsoftonline.us");
    EXPECT_EQ(d.ingestion.credentials.scope, "https://monitor.azure.us/.default");
    EXPECT_EQ(d.ingestion.stream, "Custom-MasqFindings_CL");
    d.collector.workspace_id = "ws";
    masq::complete_from_environment(d, *masq::find_sentinel_cloud("china"));
    EXPECT_EQ(d.collector.endpoint, "https://ws.ods.opinsights.azure.cn");
    EXPECT_EQ(masq::find_sentinel_cloud("mars"), nullptr);
    ::unsetenv("MASQ_DCE_ENDPOINT");
    ::unsetenv("AZURE_TENANT_ID");
}

} // namespace
