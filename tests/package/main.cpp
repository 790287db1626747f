// SPDX-License-Identifier: MIT
// Builds a profile from a few SecurityEvent records (the file named on the command line, read
// with masq::read_buffer), runs full-mode detection and prints "findings: N" and each finding's
// detector and names, for tests/package/run.sh to compare with the installed CLI.
#include <masq/masq.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: masq_consumer EVENTS.jsonl\n";
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary);
    std::stringstream data;
    data << in.rdbuf();
    if (!in) {
        std::cerr << "masq_consumer: cannot read " << argv[1] << "\n";
        return 2;
    }

    masq::process_profile profile;
    masq::diagnostics diag;
    masq::read_stats stats;
    masq::read_buffer(data.str(), argv[1], profile, diag, stats);

    masq::detect_options options;
    options.mode = masq::detect_mode::full;
    const masq::detect_result result = masq::detect(profile, options);

    std::cout << "events: " << stats.events << "\n";
    std::cout << "findings: " << result.findings.size() << "\n";
    for (const masq::finding& f : result.findings)
        std::cout << f.detector << " " << f.suspicious_process << " " << f.normal_process.value_or("-") << "\n";
    return diag.total() == 0 ? 0 : 1;
}
