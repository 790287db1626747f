// SPDX-License-Identifier: MIT
#pragma once

// Log Analytics data export read straight from Azure Blob Storage (or Azurite): list the
// container under a prefix with paging, keep the blobs whose y=/m=/d=/h=/m= folders meet the time
// window, download each into memory and parse it. Shared Key (HMAC-SHA256 over the canonical
// request) or SAS authorisation; secrets never appear in messages.

#include "masq/read.h"

#include <optional>
#include <string>
#include <vector>

namespace masq::detail {

bool is_blob_url(const std::string& input);

/// One page of a List Blobs response (REST "List Blobs", `EnumerationResults`): the blob names
/// and the marker of the next page (empty on the last).
struct listing {
    std::vector<std::string> names;
    std::string next_marker;
};

/// Reads a List Blobs page; a body that is not XML, or has no root element, is an empty page.
listing parse_listing(const std::string& xml);

/// Reads every export blob under `url` into `sink`.
void read_blob_exports(const std::string& url, const blob_options& options, event_sink& sink,
                       diagnostics& diag, read_stats& stats, const read_options& read);

} // namespace masq::detail
