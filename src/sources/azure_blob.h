// SPDX-License-Identifier: MIT
#pragma once

// Log Analytics data export read straight from Azure Blob Storage (or Azurite): list the
// container under a prefix with paging, keep the blobs whose y=/m=/d=/h=/m= folders meet the time
// window, download each into memory and parse it. Shared Key (HMAC-SHA256 over the canonical
// request) or SAS authorisation; secrets never appear in messages.

#include "masq/read.h"

#include <optional>
#include <string>

namespace masq::detail {

bool is_blob_url(const std::string& input);

/// Reads every export blob under `url` into `sink`.
void read_blob_exports(const std::string& url, const blob_options& options, event_sink& sink,
                       diagnostics& diag, read_stats& stats, const read_options& read);

} // namespace masq::detail
