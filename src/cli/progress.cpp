// SPDX-License-Identifier: MIT
#include "cli/progress.h"
#include "cli/report.h"
#include "masq/read.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fmt/format.h>

namespace masq::cli {

progress_line::progress_line(bool enabled, const std::vector<std::string>& files) : enabled_(enabled) {
    if (!enabled_) return;
    std::uint64_t total = 0;
    bool sized = true;
    for (const auto& f : files) {
        std::error_code ec;
        if (f == "-" || masq::is_compressed_file(f))
            sized = false;
        else
            total += static_cast<std::uint64_t>(std::filesystem::file_size(f, ec));
    }
    const auto started = std::chrono::steady_clock::now();
    thread_ = std::jthread([this, total, sized, started] {
        bool shown = false;
        while (running_.load()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(250));
            if (!running_.load()) break;
            const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            const std::uint64_t b = bytes_.load();
            const double rate = s > 0 ? static_cast<double>(b) / s : 0;
            std::string eta;
            if (sized && rate > 0 && total > b)
                eta = fmt::format(", {:.0f} s left", static_cast<double>(total - b) / rate);
            fmt::print(stderr, "\rmasq: read {} at {}/s{}   ", bytes_human(b),
                       bytes_human(static_cast<std::uint64_t>(rate)), eta);
            shown = true;
        }
        if (shown) fmt::print(stderr, "\r\x1b[K");
    });
}

void progress_line::stop() {
    running_ = false;
    if (thread_.joinable()) thread_.join();
}

} // namespace masq::cli
