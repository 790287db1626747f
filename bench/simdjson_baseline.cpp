// SPDX-License-Identifier: MIT
// The bare parse-and-count loop the ingest target is measured against (issue 4): 16 MiB reads
// with the partial last line carried over, simdjson On-Demand `iterate_many` (1 MiB batches,
// threaded = false), `Process` only, counted per exact spelling. No validation of line
// structure, no lower-casing, no paths, hosts or times — the floor of what a reader can cost.
//
//   simdjson_baseline FILE     prints: seconds bytes records distinct
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <unistd.h>
#include <unordered_map>
#include <vector>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    const auto t0 = std::chrono::steady_clock::now();
    const int fd = ::open(argv[1], O_RDONLY);
    if (fd < 0) return 1;
    constexpr std::size_t chunk = std::size_t{16} << 20;
    std::vector<char> buf(chunk * 2 + simdjson::SIMDJSON_PADDING);
    std::size_t filled = 0;
    std::uint64_t bytes = 0, records = 0;
    std::unordered_map<std::string, std::uint64_t> counts;
    simdjson::ondemand::parser parser;
    parser.threaded = false;
    for (;;) {
        const ssize_t got = ::read(fd, buf.data() + filled, chunk);
        if (got < 0) return 1;
        filled += static_cast<std::size_t>(got);
        bytes += static_cast<std::uint64_t>(got);
        const char* last = static_cast<const char*>(memrchr(buf.data(), '\n', filled));
        const std::size_t cut = got == 0 ? filled : last ? static_cast<std::size_t>(last - buf.data()) + 1 : 0;
        if (cut > 0) {
            simdjson::ondemand::document_stream stream;
            if (parser.iterate_many(buf.data(), cut, std::size_t{1} << 20).get(stream)) return 1;
            for (auto doc : stream) {
                std::string_view process;
                if (doc["Process"].get_string().get(process)) continue;
                ++counts[std::string(process)];
                ++records;
            }
        }
        std::memmove(buf.data(), buf.data() + cut, filled - cut);
        filled -= cut;
        if (got == 0) break;
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("%.4f %llu %llu %zu\n", s, static_cast<unsigned long long>(bytes),
                static_cast<unsigned long long>(records), counts.size());
    return 0;
}
