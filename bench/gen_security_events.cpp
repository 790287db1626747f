// SPDX-License-Identifier: MIT
// Writes realistic Log Analytics `SecurityEvent` export lines (all the table's usual columns, about
// 2 KB each, escaped backslashes, a large escaped-XML `EventData`) for ingest benchmarks.
//
//   gen_security_events BYTES [--seed N] [--names N] > day.json
//
// Names follow a Zipf law over N distinct process names (default 5,000) with 15 % look-alikes.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace {

std::string random_name(std::mt19937_64& rng, std::size_t i) {
    static const char* parts[] = {"svc", "host", "update", "agent", "win", "micro", "soft", "sync", "helper",
                                  "tray", "run", "broker", "task", "search", "index", "print", "spool", "net",
                                  "cloud", "edge", "teams", "office", "vpn", "setup", "install", "crash"};
    std::string s;
    const std::size_t n = 1 + rng() % 3;
    for (std::size_t k = 0; k < n; ++k)
        s += parts[rng() % (sizeof parts / sizeof *parts)];
    s += std::to_string(i % 1000);
    if (rng() % 100 < 15) s[rng() % s.size()] = static_cast<char>('a' + rng() % 26); // look-alike
    if (rng() % 100 < 20) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    return s + ".exe";
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s BYTES [--seed N] [--names N]\n", argv[0]);
        return 2;
    }
    const std::uint64_t target = std::strtoull(argv[1], nullptr, 10);
    std::uint64_t seed = 1;
    std::size_t distinct = 5000;
    for (int a = 2; a + 1 < argc; a += 2) {
        if (std::string(argv[a]) == "--seed") seed = std::strtoull(argv[a + 1], nullptr, 10);
        if (std::string(argv[a]) == "--names") distinct = std::strtoull(argv[a + 1], nullptr, 10);
    }
    std::mt19937_64 rng(seed);
    std::vector<std::string> names;
    for (std::size_t i = 0; i < distinct; ++i)
        names.push_back(random_name(rng, i));
    // Zipf(1.1) over names via a cumulative table.
    std::vector<double> cdf(distinct);
    double total = 0;
    for (std::size_t i = 0; i < distinct; ++i)
        cdf[i] = (total += 1.0 / std::pow(static_cast<double>(i + 1), 1.1));
    std::uniform_real_distribution<double> u(0, total);
    std::vector<std::string> hosts;
    for (int i = 0; i < 2000; ++i)
        hosts.push_back("WS" + std::to_string(10000 + i) + ".contoso.local");
    std::string line;
    std::uint64_t written = 0;
    std::uint64_t n = 0;
    static const char* folders[] = {"C:\\\\Windows\\\\System32\\\\", "C:\\\\Program Files\\\\Contoso\\\\",
                                    "C:\\\\Users\\\\alice\\\\AppData\\\\Local\\\\Temp\\\\",
                                    "C:\\\\Windows\\\\SysWOW64\\\\"};
    while (written < target) {
        const std::size_t k = static_cast<std::size_t>(std::lower_bound(cdf.begin(), cdf.end(), u(rng)) - cdf.begin());
        const std::string& name = names[std::min(k, distinct - 1)];
        const std::string& host = hosts[rng() % hosts.size()];
        const std::string folder = folders[rng() % 4];
        const unsigned sec = static_cast<unsigned>(n % 86400);
        char time[64];
        std::snprintf(time, sizeof time, "2026-11-20T%02u:%02u:%02u.%03uZ", sec / 3600, sec / 60 % 60, sec % 60,
                      static_cast<unsigned>(rng() % 1000));
        const std::string id = std::to_string(0x1000 + rng() % 0xF000);
        line.clear();
        line += "{\"TenantId\":\"5f1a0c8e-1b2d-4c3e-9f8a-7b6c5d4e3f2a\",\"TimeGenerated\":\"";
        line += time;
        line += "\",\"SourceSystem\":\"OpsManager\",\"Account\":\"CONTOSO\\\\alice\",\"AccountType\":\"User\","
                "\"Computer\":\"" + host + "\",\"EventSourceName\":\"Microsoft-Windows-Security-Auditing\","
                "\"Channel\":\"Security\",\"Task\":13312,\"Level\":\"0\",\"EventData\":\"<EventData "
                "xmlns=\\\"http://schemas.microsoft.com/win/2004/08/events/event\\\"><Data Name=\\\"SubjectUserSid\\\">"
                "S-1-5-21-3623811015-3361044348-30300820-1013</Data><Data Name=\\\"SubjectUserName\\\">alice</Data>"
                "<Data Name=\\\"SubjectDomainName\\\">CONTOSO</Data><Data Name=\\\"SubjectLogonId\\\">0x3e7</Data>"
                "<Data Name=\\\"NewProcessId\\\">0x" + id + "</Data><Data Name=\\\"NewProcessName\\\">" + folder + name +
                "</Data><Data Name=\\\"TokenElevationType\\\">%%1936</Data><Data Name=\\\"ProcessId\\\">0x2b8</Data>"
                "<Data Name=\\\"CommandLine\\\">\\\"" + folder + name + "\\\" -k netsvcs -p -s Schedule</Data>"
                "<Data Name=\\\"TargetUserSid\\\">S-1-0-0</Data><Data Name=\\\"TargetUserName\\\">-</Data>"
                "<Data Name=\\\"TargetDomainName\\\">-</Data><Data Name=\\\"TargetLogonId\\\">0x0</Data>"
                "<Data Name=\\\"ParentProcessName\\\">C:\\\\Windows\\\\System32\\\\services.exe</Data>"
                "<Data Name=\\\"MandatoryLabel\\\">S-1-16-16384</Data></EventData>\",\"EventID\":4688,"
                "\"Activity\":\"4688 - A new process has been created.\",\"CommandLine\":\"\\\"" + folder + name +
                "\\\" -k netsvcs -p -s Schedule\",\"MandatoryLabel\":\"S-1-16-16384\",\"NewProcessId\":\"0x" + id +
                "\",\"NewProcessName\":\"" + folder + name + "\",\"ParentProcessName\":\"C:\\\\Windows\\\\System32\\\\"
                "services.exe\",\"Process\":\"" + name + "\",\"ProcessId\":\"0x2b8\",\"SubjectAccount\":"
                "\"CONTOSO\\\\alice\",\"SubjectDomainName\":\"CONTOSO\",\"SubjectLogonId\":\"0x3e7\",\"SubjectUserName\":"
                "\"alice\",\"SubjectUserSid\":\"S-1-5-21-3623811015-3361044348-30300820-1013\",\"TargetAccount\":"
                "\"-\\\\-\",\"TargetLogonId\":\"0x0\",\"TokenElevationType\":\"%%1936\",\"ManagementGroupName\":\"AOI-"
                "5f1a0c8e-1b2d-4c3e-9f8a-7b6c5d4e3f2a\",\"_ResourceId\":\"/subscriptions/0a1b2c3d/resourcegroups/"
                "rg-servers/providers/microsoft.compute/virtualmachines/" + host + "\",\"Type\":\"SecurityEvent\","
                "\"MG\":\"00000000-0000-0000-0000-000000000001\",\"EventOriginId\":\"8c1e3a7d-5b2f-4e6a-9d0c-"
                "1f2e3d4c5b6a\",\"TimeCollected\":\"" + std::string(time) + "\"}\n";
        std::fwrite(line.data(), 1, line.size(), stdout);
        written += line.size();
        ++n;
    }
    std::fprintf(stderr, "%llu lines, %llu bytes, mean %.0f bytes/line\n", static_cast<unsigned long long>(n),
                 static_cast<unsigned long long>(written), static_cast<double>(written) / static_cast<double>(n));
    return 0;
}
