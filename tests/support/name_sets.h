// SPDX-License-Identifier: MIT
#pragma once

/// @file name_sets.h
/// Realistic sets of distinct, lower-cased process names for property tests and benchmarks:
/// Windows and vendor binaries, syllable-built vendor tools with versions, installer and temp
/// names with hex, the odd name without a dot or with two, and look-alikes of earlier names made by
/// every edit the seed rule and the full mode care about (substitution, insertion, deletion,
/// adjacent and gapped transposition, digit and Cyrillic/Greek look-alikes, extension swap).
/// Deterministic for a seed.

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace masq::testing {

struct name_set_shape {
    double mutant_share = 0.12;   ///< names made by editing an earlier name
    double unicode_share = 0.02;  ///< names with a non-ASCII look-alike character
    double no_dot_share = 0.03;   ///< names without any '.'
    double short_share = 0.05;    ///< 1-5 character stems
    std::size_t cluster_size = 1; ///< >1: each base name spawns this many near-duplicates
};

class name_set_generator {
  public:
    explicit name_set_generator(std::uint64_t seed, name_set_shape shape = {}) : rng_(seed), shape_(shape) {}

    /// `count` distinct names. Names already produced by this generator are not repeated, so two
    /// calls give disjoint sets drawn from one population (like frequent and infrequent names).
    std::vector<std::string> take(std::size_t count) {
        std::vector<std::string> out;
        out.reserve(count);
        while (out.size() < count) {
            std::string name;
            if (!produced_.empty() && chance(shape_.mutant_share)) {
                name = mutate(produced_[pick(produced_.size())]);
            } else {
                name = fresh();
                for (std::size_t c = 1; c < shape_.cluster_size && out.size() + 1 < count; ++c) {
                    std::string near = mutate(name);
                    if (seen_.insert(near).second) {
                        out.push_back(near);
                        produced_.push_back(std::move(near));
                    }
                }
            }
            if (name.empty() || !seen_.insert(name).second) continue;
            out.push_back(name);
            produced_.push_back(std::move(name));
        }
        out.resize(count);
        return out;
    }

  private:
    static constexpr std::string_view windows_[] = {
        "svchost",
        "lsass",
        "csrss",
        "smss",
        "wininit",
        "winlogon",
        "services",
        "explorer",
        "taskhostw",
        "taskhost",
        "conhost",
        "dllhost",
        "rundll32",
        "regsvr32",
        "cmd",
        "powershell",
        "pwsh",
        "wmiprvse",
        "searchindexer",
        "searchprotocolhost",
        "searchfilterhost",
        "spoolsv",
        "lsm",
        "dwm",
        "ctfmon",
        "sihost",
        "runtimebroker",
        "backgroundtaskhost",
        "audiodg",
        "fontdrvhost",
        "msiexec",
        "mshta",
        "wscript",
        "cscript",
        "certutil",
        "bitsadmin",
        "schtasks",
        "sc",
        "net",
        "net1",
        "netstat",
        "nbtstat",
        "ipconfig",
        "whoami",
        "tasklist",
        "taskkill",
        "reg",
        "regedit",
        "notepad",
        "mmc",
        "msedge",
        "chrome",
        "firefox",
        "iexplore",
        "winword",
        "excel",
        "powerpnt",
        "outlook",
        "onedrive",
        "teams",
        "msmpeng",
        "mpcmdrun",
        "securityhealthservice",
        "smartscreen",
        "werfault",
        "wuauclt",
        "trustedinstaller",
        "tiworker",
        "dismhost",
        "consent",
        "userinit",
        "lsaiso",
        "vssvc",
        "wbengine",
        "sppsvc",
        "wlanext",
        "unsecapp",
        "smsvchost",
        "vmtoolsd",
        "vmacthlp",
        "sysmon",
        "sysmon64",
        "procexp64",
        "psexec",
        "psexesvc",
        "at",
        "wmic",
        "vssadmin",
        "bcdedit",
        "wevtutil",
        "forfiles",
        "hh",
        "odbcconf",
        "installutil",
        "msbuild",
        "csc",
        "vbc",
        "jsc",
        "microsoft.workflow.compiler",
        "applicationframehost",
        "shellexperiencehost",
        "startmenuexperiencehost",
        "textinputhost",
        "gamebarpresencewriter",
        "compattelrunner",
    };
    static constexpr std::string_view syllables_[] = {
        "micro",   "soft",   "adobe",    "acro",     "google", "update",    "chrome",    "edge",
        "zoom",    "slack",  "one",      "drive",    "sync",   "helper",    "agent",     "service",
        "host",    "tray",   "launcher", "install",  "setup",  "crash",     "handler",   "broker",
        "runtime", "nvidia", "intel",    "realtek",  "audio",  "display",   "container", "dell",
        "lenovo",  "vpn",    "cisco",    "connect",  "citrix", "workspace", "java",      "python",
        "node",    "git",    "code",     "svc",      "mgr",    "mon",       "cfg",       "srv",
        "win",     "sys",    "net",      "defender", "sense",  "falcon",    "cyber",     "backup",
        "veeam",   "sql",    "server",   "oracle",   "vmware", "hyper",     "print",     "scan",
        "office",  "click",  "to",       "run",      "steam",  "epic",      "spotify",   "discord",
        "team",    "viewer", "any",      "desk",     "remote", "power",     "shell",     "cloud",
        "azure",   "aws",    "cli",      "kube",     "docker", "desktop",   "notifier",  "watch",
        "dog",
    };
    // Real 4688 logs: about 99 % of distinct names end in .exe (433 names in ../shared/data/real: 427).
    static constexpr std::string_view extensions_[] = {"com", "scr", "bat", "cmd", "dll",
                                                       "msi", "ps1", "tmp", "bin", "cpl"};
    std::string_view extension() {
        return chance(0.92) ? std::string_view("exe") : extensions_[pick(std::size(extensions_))];
    }
    static constexpr std::u32string_view confusables_ = U"оаеорсіοαεν"; // Cyrillic and Greek look-alikes

    bool chance(double p) { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < p; }
    std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
    char letter() { return static_cast<char>('a' + pick(26)); }

    std::string hex(std::size_t n) {
        static constexpr char digits[] = "0123456789abcdef";
        std::string s;
        for (std::size_t i = 0; i < n; ++i)
            s += digits[pick(16)];
        return s;
    }

    std::string fresh_stem() {
        const double r = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
        if (r < shape_.short_share) {
            std::string s;
            for (std::size_t i = 0, n = 1 + pick(5); i < n; ++i)
                s += letter();
            return s;
        }
        if (r < 0.15) return std::string(windows_[pick(std::size(windows_))]);
        if (r < 0.25) {
            static constexpr std::string_view temp[] = {"tmp", "setup_", "install_", "~dl",
                                                        "is-", "au_",    "update-"};
            return std::string(temp[pick(std::size(temp))]) + hex(4 + pick(8));
        }
        std::string s;
        for (std::size_t i = 0, n = 1 + pick(3); i < n; ++i)
            s += syllables_[pick(std::size(syllables_))];
        if (chance(0.3)) s += std::to_string(pick(1000));
        if (chance(0.1)) s += chance(0.5) ? "64" : "_x64";
        return s;
    }

    std::string fresh() {
        std::string stem = fresh_stem();
        if (chance(shape_.no_dot_share)) return stem;
        std::string name = stem + "." + std::string(extension());
        if (chance(0.01)) name = stem + ".pdf.exe";
        return name;
    }

    static std::u32string decode(std::string_view s) {
        std::u32string out;
        for (std::size_t i = 0; i < s.size();) {
            const auto c = static_cast<unsigned char>(s[i]);
            const int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
            char32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
            for (int k = 1; k < n; ++k)
                cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
            out += cp;
            i += n;
        }
        return out;
    }
    static std::string encode(std::u32string_view s) {
        std::string out;
        for (char32_t c : s) {
            if (c < 0x80) {
                out += static_cast<char>(c);
            } else if (c < 0x800) {
                out += static_cast<char>(0xC0 | (c >> 6));
                out += static_cast<char>(0x80 | (c & 0x3F));
            } else {
                out += static_cast<char>(0xE0 | (c >> 12));
                out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
                out += static_cast<char>(0x80 | (c & 0x3F));
            }
        }
        return out;
    }

    /// One to three edits of `base`, mostly in the stem.
    std::string mutate(const std::string& base) {
        std::u32string s = decode(base);
        const std::size_t dot = s.rfind(U'.');
        const std::size_t stem_end = dot == std::u32string::npos ? s.size() : dot;
        if (stem_end == 0) return base + "x";
        for (std::size_t e = 0, n = 1 + pick(3) / 2 + (chance(0.1) ? 1 : 0); e < n; ++e) {
            const std::size_t end = std::min(stem_end, s.size());
            const std::size_t at = pick(std::max<std::size_t>(end, 1));
            switch (pick(8)) {
            case 0:
                s[at] = static_cast<char32_t>(letter());
                break;
            case 1:
                s.insert(s.begin() + static_cast<std::ptrdiff_t>(at), static_cast<char32_t>(letter()));
                break;
            case 2:
                if (end > 1) s.erase(at, 1);
                break;
            case 3:
                if (at + 1 < end) std::swap(s[at], s[at + 1]);
                break;
            case 4:
                if (at + 2 < end) std::swap(s[at], s[at + 2]); // a gapped transposition: true DL 2, OSA 3
                break;
            case 5: {
                static constexpr std::u32string_view from = U"olies", to = U"01135";
                for (std::size_t i = 0; i < from.size(); ++i)
                    if (const auto p = s.find(from[i]); p != std::u32string::npos && p < end) {
                        s[p] = to[i];
                        break;
                    }
                break;
            }
            case 6:
                if (chance(shape_.unicode_share * 10))
                    s[at] = confusables_[pick(confusables_.size())];
                else
                    s[at] = static_cast<char32_t>(letter());
                break;
            default:
                if (dot != std::u32string::npos && chance(0.5)) {
                    const std::string ext(extension() == "exe" ? extensions_[pick(std::size(extensions_))]
                                                               : "exe");
                    s = s.substr(0, s.rfind(U'.') + 1) + decode(ext); // extension swap
                } else if (chance(0.2)) {
                    s.insert(s.begin() + static_cast<std::ptrdiff_t>(std::min(at, s.size())), U'.');
                } else {
                    s[at] = static_cast<char32_t>(letter());
                }
            }
        }
        return encode(s);
    }

    std::mt19937_64 rng_;
    name_set_shape shape_;
    std::unordered_set<std::string> seen_;
    std::vector<std::string> produced_;
};

} // namespace masq::testing
