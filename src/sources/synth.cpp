// SPDX-License-Identifier: MIT
#include "masq/synth.h"

#include <algorithm>

namespace masq {
namespace {

/// SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014):
/// tiny, fully specified, so the same seed gives the same events on every platform and compiler
/// (std::uniform_int_distribution is implementation-defined).
class splitmix64 {
  public:
    explicit splitmix64(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() noexcept {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    /// Uniform in [0, bound) by rejection, so no value is favoured.
    std::uint64_t below(std::uint64_t bound) noexcept {
        const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
        std::uint64_t x;
        do
            x = next();
        while (x >= limit);
        return x % bound;
    }

  private:
    std::uint64_t state_;
};

std::string with_exe(std::string name) {
    if (name.find('.') == std::string::npos) name += ".exe";
    return name;
}

} // namespace

const std::vector<std::string>& notebook_good_processes() {
    // getListGoodProcs(), verbatim and in order (wininit appears twice).
    static const std::vector<std::string> list = {
        "svchost",        "csrss",         "smss",     "services",   "winlogon",    "wininit",
        "lsass",          "spoolsv",       "conhost",  "powershell", "init",        "bash",
        "avahi-daemon",   "gnome-session", "getty",    "acpid",      "dbus-daemon", "dbus-launch",
        "networkmanager", "explorer",      "more.com", "mode.com",   "nbtstat",     "netstat",
        "cscript",        "cnscript",      "tracert",  "tracerpt",   "systeminfo",  "system_info",
        "aitagent",       "adtagent",      "wininit",  "wininst",    "userinit",    "userinst",
        "dnscmd",         "dfscmd",        "nslookup", "nblookup"};
    return list;
}

std::vector<synthetic_event> notebook_synthetic_events(std::uint64_t seed, timestamp start, timestamp end) {
    splitmix64 rng(seed);
    const std::int64_t span_seconds = std::max<std::int64_t>(1, (end - start) / ticks_per_second);
    auto random_time = [&] {
        return start +
               static_cast<timestamp>(rng.below(static_cast<std::uint64_t>(span_seconds))) * ticks_per_second;
    };
    std::vector<synthetic_event> events;
    const auto& good = notebook_good_processes();
    // getSyntheticEvents("normal"): each list entry exploded 20 times, from System32.
    for (const std::string& entry : good) {
        const std::string name = with_exe(entry);
        for (int k = 0; k < 20; ++k)
            events.push_back({name, "C:\\Windows\\System32\\" + name, random_time(), false});
    }
    // getSyntheticMaliciousProcs(): replace one letter at randint(1, len-2) with a random
    // ascii_lowercase letter, then add ".exe" if there is no '.', plus two fixed look-alikes.
    std::vector<std::string> bad;
    for (const std::string& entry : good) {
        std::string name = entry;
        const std::uint64_t position = 1 + rng.below(name.size() - 2);
        name[position] = static_cast<char>('a' + rng.below(26));
        bad.push_back(with_exe(std::move(name)));
    }
    bad.emplace_back("scvhost.exe");
    bad.emplace_back("svch0st.exe");
    for (const std::string& name : bad)
        events.push_back({name, "C:\\Windows\\Temp\\" + name, random_time(), true});
    return events;
}

void emit_synthetic_events(const std::vector<synthetic_event>& events, event_sink& sink) {
    for (const synthetic_event& e : events) {
        process_event event;
        event.process = e.process;
        event.path = e.path;
        // The notebook's synthetic rows have no Computer column.
        event.time = e.time;
        event.origin = event_origin::synthetic;
        sink.on_event(event);
    }
}

} // namespace masq
