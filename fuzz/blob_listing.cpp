// SPDX-License-Identifier: MIT
// The List Blobs response (EnumerationResults XML, libxml2 with the network off): blob names and
// the next marker, and what the reader does with each name (export-file test, folder pruning).
#include "masq/read.h"
#include "sources/azure_blob.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const masq::detail::listing page =
        masq::detail::parse_listing(std::string(reinterpret_cast<const char*>(data), size));
    masq::time_window window;
    window.from = masq::parse_iso8601("2019-01-15T00:00:00Z");
    window.to = masq::parse_iso8601("2019-01-16T00:00:00Z");
    for (const auto& name : page.names)
        (void)masq::export_folder_outside(name, window);
    (void)masq::detail::is_blob_url(page.next_marker);
    return 0;
}
