// SPDX-License-Identifier: MIT
// Times masq's EVTX reading in-process, as bench/evtx.py times pyevtx-rs's reading loop: the
// inputs read through the reader driver (read_into: files shared out, large logs split in chunk
// ranges) into a profile, `-r` times, on `-j` threads; `--reference` times the libevtx XML reader
// (evtx_reference.cpp, masq's reader before the decoder) one file after the other instead.
//
//   evtx_read [-j THREADS] [-r REPEAT] [--reference] PATH...
//
// Prints one JSON object: the median and every run's seconds, records, process-creation events,
// files, bytes and the process's peak RSS.
#include "masq/diagnostics.h"
#include "masq/profile.h"
#include "masq/read.h"
#include "sources/formats/evtx.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/resource.h>
#include <vector>

namespace {

class count_sink final : public masq::event_sink {
  public:
    void on_event(const masq::process_event&) override { ++events; }
    std::uint64_t events = 0;
};

} // namespace

int main(int argc, char** argv) {
    unsigned threads = 1, repeat = 5;
    bool reference = false;
    std::vector<std::string> inputs;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "-j") == 0 && i + 1 < argc)
            threads = static_cast<unsigned>(std::atoi(argv[++i]));
        else if (std::strcmp(argv[i], "-r") == 0 && i + 1 < argc)
            repeat = static_cast<unsigned>(std::atoi(argv[++i]));
        else if (std::strcmp(argv[i], "--reference") == 0)
            reference = true;
        else
            inputs.emplace_back(argv[i]);
    }
    if (inputs.empty() || repeat == 0) {
        std::fprintf(stderr, "usage: evtx_read [-j THREADS] [-r REPEAT] [--reference] PATH...\n");
        return 2;
    }
    masq::diagnostics expand_diag;
    const std::vector<std::string> files = masq::expand_inputs(inputs, expand_diag);
    std::vector<double> seconds;
    masq::read_stats stats;
    std::uint64_t events = 0;
    for (unsigned r = 0; r < repeat; ++r) {
        stats = {};
        masq::diagnostics diag;
        const auto start = std::chrono::steady_clock::now();
        if (reference) {
            count_sink sink;
            for (const std::string& f : files)
                masq::detail::read_evtx_reference(f, sink, diag, stats, {});
            events = sink.events;
        } else {
            masq::process_profile profile;
            masq::read_options options;
            options.threads = threads;
            masq::read_into(files, profile, diag, stats, options);
            events = stats.events;
        }
        seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::vector<double> sorted = seconds;
    std::sort(sorted.begin(), sorted.end());
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("{\"seconds\": %.6f, \"runs\": [", sorted[sorted.size() / 2]);
    for (std::size_t i = 0; i < seconds.size(); ++i)
        std::printf("%s%.6f", i ? ", " : "", seconds[i]);
    std::printf(
        "], \"records\": %llu, \"events\": %llu, \"files\": %llu, \"bytes\": %llu, \"rss_mib\": %.1f}\n",
        static_cast<unsigned long long>(stats.records), static_cast<unsigned long long>(events),
        static_cast<unsigned long long>(stats.files), static_cast<unsigned long long>(stats.bytes),
        static_cast<double>(usage.ru_maxrss) / 1024.0);
    return 0;
}
