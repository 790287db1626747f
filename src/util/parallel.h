// SPDX-License-Identifier: MIT
#pragma once

// The one way the library spreads work over threads: blocks of indices handed to whichever
// worker is free. Callers write results per index (or per block), so the outcome never depends
// on the thread count; per-worker state is for scratch memory only. Internal to the library.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace masq::detail {

/// The threads a `threads` option asks for: itself, or every hardware thread for 0.
inline std::size_t thread_count(unsigned requested) noexcept {
    if (requested > 0) return requested;
    const unsigned hardware = std::thread::hardware_concurrency();
    return hardware == 0 ? 1 : hardware;
}

/// Runs `work(worker, begin, end, block_number)` over [0, n) in blocks of `block` indices on up
/// to `threads` workers (the calling thread is worker 0), and returns when all are done.
template <class Work>
void parallel_blocks(std::size_t n, std::size_t block, std::size_t threads, Work&& work) {
    const std::size_t blocks = (n + block - 1) / block;
    threads = std::max<std::size_t>(1, std::min(threads, blocks));
    std::atomic<std::size_t> next{0};
    const auto run = [&](std::size_t worker) {
        for (std::size_t b; (b = next.fetch_add(1)) < blocks;)
            work(worker, b * block, std::min(n, (b + 1) * block), b);
    };
    std::vector<std::jthread> pool;
    for (std::size_t t = 1; t < threads; ++t)
        pool.emplace_back(run, t);
    run(0);
}

} // namespace masq::detail
