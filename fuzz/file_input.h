// SPDX-License-Identifier: MIT
#pragma once

// The readers that open files (EVTX, gzip/zstd through the streaming line reader)
// get the fuzz input as a file: an anonymous memory file (memfd_create(2)) named by its
// /proc/self/fd path, so no input ever touches the disk.

#include "fuzz_common.h"

#include <string>
#include <sys/mman.h>
#include <unistd.h>

namespace masq_fuzz {

/// Reads `data` as the file `masq detect FILE` would read, through the reader driver.
inline void read_file_and_detect(const std::uint8_t* data, std::size_t size,
                                 const masq::read_options& options) {
    const int fd = memfd_create("masq-fuzz", MFD_CLOEXEC);
    if (fd < 0) return;
    for (std::size_t done = 0; done < size;) {
        const ssize_t n = ::write(fd, data + done, size - done);
        if (n <= 0) {
            ::close(fd);
            return;
        }
        done += static_cast<std::size_t>(n);
    }
    const std::string path = "/proc/self/fd/" + std::to_string(fd);
    masq::process_profile profile;
    masq::diagnostics diag;
    masq::read_stats stats;
    const std::string inputs[] = {path};
    masq::read_into(inputs, profile, diag, stats, options);
    ::close(fd);
    (void)masq::unusable_input(stats, profile, options.window.set());
    detect_and_render(profile);
}

} // namespace masq_fuzz
