// SPDX-License-Identifier: MIT
// A catalog file given with --catalog (tab-separated rows of names and folders, either table's
// header): a bad row is a catalog_error naming its line and field, never a crash; a catalog that
// loads is the catalog full mode detects with, on a small fleet whose names are one edit, an
// affix or a few look-alike glyphs from Windows binaries, in writable and installed folders.
#include "masq/detect/catalog.h"

#include "fuzz_common.h"

namespace {

const masq::process_profile& fleet() {
    static const masq::process_profile profile = [] {
        std::string lines;
        const auto add = [&](const char* name, const char* folder, const char* host) {
            lines += std::string(R"({"EventID":4688,"Process":")") + name + R"(","NewProcessName":")" +
                     folder + name + R"(","Computer":")" + host +
                     R"(","TimeGenerated":"2019-01-15T10:00:00Z"})" + "\n";
        };
        for (int i = 0; i < 30; ++i)
            add("svchost.exe", "C:\\\\Windows\\\\System32\\\\", i % 2 == 0 ? "HOST-1" : "HOST-2");
        add("svch0stt.exe", "C:\\\\Users\\\\a\\\\AppData\\\\Local\\\\Temp\\\\", "LAB-1");
        add("svchost32.exe", "C:\\\\Program Files\\\\Vendor\\\\", "LAB-2");
        add("lssas.exe", "C:\\\\Users\\\\Public\\\\", "LAB-3");
        add("chrome_proxy.exe", "C:\\\\Program Files\\\\Google\\\\Chrome\\\\Application\\\\", "HOST-1");
        masq::process_profile p;
        masq::diagnostics diag;
        masq::read_stats stats;
        masq::read_buffer(lines, "fleet", p, diag, stats);
        return p;
    }();
    return profile;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const masq::binary_catalog::file_text file{"fuzz-catalog",
                                                   std::string(reinterpret_cast<const char*>(data), size)};
        const masq::binary_catalog catalog = masq::binary_catalog::with_texts({&file, 1});
        masq::detect_options options;
        options.mode = masq::detect_mode::full;
        options.threads = 1;
        options.catalog = &catalog;
        masq_fuzz::render(masq::detect(fleet(), options).findings);
    } catch (const masq::catalog_error&) {
        // A bad row: the documented outcome (the CLI names file, line and field).
    }
    return 0;
}
