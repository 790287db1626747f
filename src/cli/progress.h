// SPDX-License-Identifier: MIT
#pragma once

// The progress line of a long read: on a terminal only (standard error), erased when done, so
// the summary never lands on it.

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace masq::cli {

class progress_line {
  public:
    /// Starts showing progress when `enabled` (a terminal, not --quiet): bytes read so far (the
    /// reader adds them to `bytes()`), the rate and, for uncompressed files, the time left.
    progress_line(bool enabled, const std::vector<std::string>& files);
    ~progress_line() { stop(); }
    progress_line(const progress_line&) = delete;
    progress_line& operator=(const progress_line&) = delete;

    /// The counter to hand to `read_options::progress`, or null when not shown.
    std::atomic<std::uint64_t>* counter() noexcept { return enabled_ ? &bytes_ : nullptr; }
    /// Stops and erases the line (idempotent).
    void stop();

  private:
    bool enabled_;
    std::atomic<std::uint64_t> bytes_{0};
    std::atomic<bool> running_{true};
    std::jthread thread_;
};

} // namespace masq::cli
