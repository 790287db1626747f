// SPDX-License-Identifier: MIT
#include "masq/detect/catalog.h"

#include "masq/util/windows_path.h"

#include <algorithm>

namespace masq {
namespace {

constexpr std::string_view s32 = "?:\\windows\\system32\\";
constexpr std::string_view w64 = "?:\\windows\\syswow64\\";
constexpr std::string_view win = "?:\\windows\\";
constexpr std::string_view wbem32 = "?:\\windows\\system32\\wbem\\";
constexpr std::string_view wbem64 = "?:\\windows\\syswow64\\wbem\\";
constexpr std::string_view ps32 = "?:\\windows\\system32\\windowspowershell\\v1.0\\";
constexpr std::string_view ps64 = "?:\\windows\\syswow64\\windowspowershell\\v1.0\\";
constexpr std::string_view store_apps = "?:\\program files\\windowsapps\\*";

std::vector<known_binary> build_catalog() {
    using r = binary_role;
    std::vector<known_binary> c = {
        // Core processes: one home each (Hunt-Evil, Sigma proc_creation_win_susp_system_exe_anomaly,
        // Elastic unusual parent-child, MITRE CAR-2021-04-001).
        {"smss.exe", r::core, {s32}},
        {"csrss.exe", r::core, {s32}},
        {"wininit.exe", r::core, {s32}},
        {"winlogon.exe", r::core, {s32}},
        {"services.exe", r::core, {s32}},
        {"lsass.exe", r::core, {s32}},
        {"lsaiso.exe", r::core, {s32}},
        {"lsm.exe", r::core, {s32}},
        {"svchost.exe", r::core, {s32, w64}},
        {"explorer.exe", r::core, {win, w64}},
        {"userinit.exe", r::core, {s32, w64}},
        {"dwm.exe", r::core, {s32}},
        {"logonui.exe", r::core, {s32}},
        {"fontdrvhost.exe", r::core, {s32}},
        {"autochk.exe", r::core, {s32}},
        // Windows binaries, mostly System32 and SysWOW64 (Sigma anomaly list, Splunk
        // is_windows_system_file, LOLBAS).
        {"taskhost.exe", r::system, {s32, w64}},
        {"taskhostw.exe", r::system, {s32}},
        {"taskhostex.exe", r::system, {s32}},
        {"spoolsv.exe", r::system, {s32}},
        {"searchindexer.exe", r::system, {s32}},
        {"searchprotocolhost.exe", r::system, {s32, w64}},
        {"searchfilterhost.exe", r::system, {s32, w64}},
        {"dllhost.exe", r::system, {s32, w64}},
        {"dllhst3g.exe", r::system, {s32, w64}},
        {"runtimebroker.exe", r::system, {s32}},
        {"consent.exe", r::system, {s32}},
        {"conhost.exe", r::system, {s32}},
        {"sihost.exe", r::system, {s32}},
        {"smartscreen.exe", r::system, {s32}},
        {"audiodg.exe", r::system, {s32}},
        {"dashost.exe", r::system, {s32}},
        {"atbroker.exe", r::system, {s32, w64}},
        {"winver.exe", r::system, {s32, w64}},
        {"wlanext.exe", r::system, {s32}},
        {"wsmprovhost.exe", r::system, {s32, w64}},
        {"winrshost.exe", r::system, {s32, w64}},
        {"dfrgui.exe", r::system, {s32, w64}},
        {"fsquirt.exe", r::system, {s32, w64}},
        {"msdtc.exe", r::system, {s32, w64}},
        {"msiexec.exe", r::system, {s32, w64}},
        {"werfault.exe", r::system, {s32, w64}},
        {"werfaultsecure.exe", r::system, {s32, w64}},
        {"wermgr.exe", r::system, {s32, w64}},
        {"wuauclt.exe", r::system, {s32}},
        {"wmiprvse.exe", r::system, {wbem32, wbem64}},
        {"wmic.exe", r::system, {wbem32, wbem64}},
        {"wmiadap.exe", r::system, {wbem32, wbem64}},
        {"wmiapsrv.exe", r::system, {wbem32}},
        {"unsecapp.exe", r::system, {wbem32, wbem64}},
        {"scrcons.exe", r::system, {wbem32, wbem64}},
        {"powershell.exe", r::system, {ps32, ps64}},
        {"powershell_ise.exe", r::system, {ps32, ps64}},
        {"trustedinstaller.exe", r::system, {"?:\\windows\\servicing\\"}},
        {"tiworker.exe", r::system, {}}, // only under WinSxS (servicing)
        {"backgroundtaskhost.exe", r::system, {s32, w64}},
        {"usocoreworker.exe", r::system, {s32}},
        {"mousocoreworker.exe", r::system, {s32}},
        {"musnotification.exe", r::system, {s32}},
        {"musnotificationux.exe", r::system, {s32}},
        {"sppsvc.exe", r::system, {s32}},
        {"sppextcomobj.exe", r::system, {s32}},
        {"vssvc.exe", r::system, {s32}},
        {"ctfmon.exe", r::system, {s32, w64}},
        {"taskmgr.exe", r::system, {s32, w64}},
        {"mmc.exe", r::system, {s32, w64}},
        {"osk.exe", r::system, {s32, w64}},
        {"utilman.exe", r::system, {s32}},
        {"sethc.exe", r::system, {s32, w64}},
        {"magnify.exe", r::system, {s32, w64}},
        {"narrator.exe", r::system, {s32}},
        {"clipup.exe", r::system, {s32}},
        {"cmd.exe", r::system, {s32, w64}},
        {"rundll32.exe", r::system, {s32, w64}},
        {"regsvr32.exe", r::system, {s32, w64}},
        {"cscript.exe", r::system, {s32, w64}},
        {"wscript.exe", r::system, {s32, w64}},
        {"mshta.exe", r::system, {s32, w64}},
        {"certutil.exe", r::system, {s32, w64}},
        {"certreq.exe", r::system, {s32, w64}},
        {"bitsadmin.exe", r::system, {s32, w64}},
        {"schtasks.exe", r::system, {s32, w64}},
        {"cmstp.exe", r::system, {s32, w64}},
        {"bcdedit.exe", r::system, {s32}},
        {"eventvwr.exe", r::system, {s32, w64}},
        {"finger.exe", r::system, {s32, w64}},
        {"runonce.exe", r::system, {s32, w64}},
        {"reg.exe", r::system, {s32, w64}},
        {"regedit.exe", r::system, {win, w64}},
        {"regedt32.exe", r::system, {s32, w64}},
        {"net.exe", r::system, {s32, w64}},
        {"net1.exe", r::system, {s32, w64}},
        {"netsh.exe", r::system, {s32, w64}},
        {"netstat.exe", r::system, {s32, w64}},
        {"nbtstat.exe", r::system, {s32, w64}},
        {"ipconfig.exe", r::system, {s32, w64}},
        {"ping.exe", r::system, {s32, w64}},
        {"tracert.exe", r::system, {s32, w64}},
        {"tracerpt.exe", r::system, {s32, w64}},
        {"nslookup.exe", r::system, {s32, w64}},
        {"hostname.exe", r::system, {s32, w64}},
        {"whoami.exe", r::system, {s32, w64}},
        {"systeminfo.exe", r::system, {s32, w64}},
        {"tasklist.exe", r::system, {s32, w64}},
        {"taskkill.exe", r::system, {s32, w64}},
        {"sc.exe", r::system, {s32, w64}},
        {"wevtutil.exe", r::system, {s32, w64}},
        {"vssadmin.exe", r::system, {s32}},
        {"wbadmin.exe", r::system, {s32}},
        {"forfiles.exe", r::system, {s32, w64}},
        {"odbcconf.exe", r::system, {s32, w64}},
        {"hh.exe", r::system, {win, w64}},
        {"notepad.exe", r::system, {s32, w64, win, store_apps}},
        {"calc.exe", r::system, {s32, w64}},
        {"mspaint.exe", r::system, {s32, w64}},
        {"write.exe", r::system, {s32, w64, win}},
        {"timeout.exe", r::system, {s32, w64}},
        {"curl.exe", r::system, {s32, w64}},
        {"ftp.exe", r::system, {s32, w64}},
        {"msdt.exe", r::system, {s32, w64}},
        // Windows' OpenSSH client lives in its own folder (System32\OpenSSH).
        {"ssh.exe", r::system, {"?:\\windows\\system32\\openssh\\"}},
        {"sftp.exe", r::system, {"?:\\windows\\system32\\openssh\\"}},
        {"scp.exe", r::system, {"?:\\windows\\system32\\openssh\\"}},
        {"ssh-agent.exe", r::system, {"?:\\windows\\system32\\openssh\\"}},
        {"sshd.exe", r::system, {"?:\\windows\\system32\\openssh\\", "?:\\program files\\openssh*"}},
        {"attrib.exe", r::system, {s32, w64}},
        {"icacls.exe", r::system, {s32, w64}},
        {"cacls.exe", r::system, {s32, w64}},
        {"takeown.exe", r::system, {s32, w64}},
        {"wusa.exe", r::system, {s32, w64}},
        {"dism.exe", r::system, {s32, w64}},
        {"appcmd.exe", r::system, {"?:\\windows\\system32\\inetsrv\\", "?:\\windows\\syswow64\\inetsrv\\"}},
        {"w3wp.exe", r::system, {"?:\\windows\\system32\\inetsrv\\", "?:\\windows\\syswow64\\inetsrv\\"}},
        {"userinst.exe", r::system, {s32}},
        // DISM copies its host into a fresh temp folder for every run.
        {"dismhost.exe", r::system, {"?:\\windows\\temp\\*", "?:\\users\\*\\appdata\\local\\temp\\*"}},
        {"wininst.exe", r::system, {s32}},
        // Applications: where their installers put them (machine-wide and per-user).
        {"msedge.exe",
         r::application,
         {"?:\\program files (x86)\\microsoft\\edge\\application\\",
          "?:\\program files\\microsoft\\edge\\application\\"}},
        {"chrome.exe",
         r::application,
         {"?:\\program files\\google\\chrome\\application\\",
          "?:\\program files (x86)\\google\\chrome\\application\\",
          "?:\\users\\*\\appdata\\local\\google\\chrome\\application\\"}},
        {"firefox.exe",
         r::application,
         {"?:\\program files\\mozilla firefox\\", "?:\\program files (x86)\\mozilla firefox\\",
          "?:\\users\\*\\appdata\\local\\mozilla firefox\\"}},
        {"iexplore.exe",
         r::application,
         {"?:\\program files\\internet explorer\\", "?:\\program files (x86)\\internet explorer\\"}},
        {"winword.exe",
         r::application,
         {"?:\\program files\\microsoft office\\*", "?:\\program files (x86)\\microsoft office\\*"}},
        {"excel.exe",
         r::application,
         {"?:\\program files\\microsoft office\\*", "?:\\program files (x86)\\microsoft office\\*"}},
        {"outlook.exe",
         r::application,
         {"?:\\program files\\microsoft office\\*", "?:\\program files (x86)\\microsoft office\\*"}},
        {"onedrive.exe",
         r::application,
         {"?:\\users\\*\\appdata\\local\\microsoft\\onedrive\\", "?:\\program files\\microsoft onedrive\\",
          "?:\\program files (x86)\\microsoft onedrive\\"}},
        {"msmpeng.exe",
         r::application,
         {"?:\\programdata\\microsoft\\windows defender\\platform\\*",
          "?:\\program files\\windows defender\\"}},
        {"pwsh.exe",
         r::application,
         {"?:\\program files\\powershell\\*", store_apps,
          "?:\\users\\*\\appdata\\local\\microsoft\\windowsapps\\*"}},
    };
    std::sort(c.begin(), c.end(),
              [](const known_binary& a, const known_binary& b) { return a.name < b.name; });
    return c;
}

const std::vector<known_binary>& catalog() {
    static const std::vector<known_binary> c = build_catalog();
    return c;
}

// Servicing locations every Windows binary may run from (Sigma's generic allowed roots; ARM64
// `uus`, Sigma PR #5789). SoftwareDistribution itself is not one of them: only its download cache.
constexpr std::string_view servicing_roots[] = {
    "?:\\windows\\winsxs\\",     "?:\\$windows.~bt\\",       "?:\\$winreagent\\",
    "?:\\windows\\uus\\",        "?:\\windows\\servicing\\", "?:\\windows\\softwaredistribution\\download\\",
    "?:\\windows\\systemtemp\\",
};

constexpr benign_lookalike benign[] = {
    {"taskhost.exe", "taskhostw.exe", "Windows 7 and Windows 10 task hosts"},
    {"taskhost.exe", "taskhostex.exe", "Windows 7 and Windows 8 task hosts"},
    {"taskhostex.exe", "taskhostw.exe", "Windows 8 and Windows 10 task hosts"},
    {"cscript.exe", "wscript.exe", "console and window Windows Script Hosts"},
    {"nbtstat.exe", "netstat.exe", "two Windows network tools"},
    {"wininit.exe", "wininst.exe", "Windows start-up and an installer"},
    {"userinit.exe", "userinst.exe", "Windows logon and an installer"},
    {"tracert.exe", "tracerpt.exe", "trace route and event trace report"},
    {"musnotification.exe", "musnotificationux.exe", "Windows Update notifications"},
    {"usocoreworker.exe", "mousocoreworker.exe", "Update Orchestrator workers"},
    {"windowsazureguestagent.exe", "windowsazurenetagent.exe", "Azure VM agents"},
    {"smsvchost.exe", "svchost.exe", ".NET Net.Tcp port sharing service (Microsoft-signed)"},
    {"synchost.exe", "svchost.exe", "Windows sync host in System32"},
    {"regedit.exe", "regedt32.exe", "Windows registry editors"},
    {"cacls.exe", "icacls.exe", "Windows ACL tools"},
    {"procdump.exe", "procdump64.exe", "Sysinternals 32- and 64-bit builds"},
    {"notepad++.exe", "notepad.exe", "Notepad++ editor"},
    {"notepad2.exe", "notepad.exe", "Notepad2 editor"},
    {"dismhost.exe", "dism.exe", "DISM's worker host"},
    {"psexec.exe", "msiexec.exe", "Sysinternals PsExec"},
    {"psexec64.exe", "msiexec.exe", "Sysinternals PsExec"},
    {"lsasrv.exe", "lsass.exe", "LSA server (a DLL stem)"},
    {"systeminfo.exe", "system_info.exe", "the notebook's own benign pair"},
    {"dnscmd.exe", "dfscmd.exe", "DNS and DFS command-line tools"},
    {"more.com", "mode.com", "Windows console tools"},
    {"advanced_ip_scanner.exe", "advanced_port_scanner.exe", "Famatech scanners"},
};

} // namespace

std::span<const known_binary> known_binaries() {
    return catalog();
}

const known_binary* find_known_binary(std::string_view name) noexcept {
    const auto& c = catalog();
    const auto it = std::lower_bound(c.begin(), c.end(), name,
                                     [](const known_binary& b, std::string_view n) { return b.name < n; });
    return it != c.end() && it->name == name ? &*it : nullptr;
}

bool folder_expected(const known_binary& binary, std::string_view folder) noexcept {
    for (std::string_view f : binary.folders)
        if (f.find('*') != std::string_view::npos ? glob_match(f, folder) : f == folder) return true;
    if (binary.role != binary_role::application)
        for (std::string_view root : servicing_roots)
            if (folder.substr(0, root.size()) == root) return true;
    return false;
}

std::span<const benign_lookalike> benign_lookalikes() {
    return benign;
}

namespace {

struct parent_rule {
    std::string_view child;
    std::vector<std::string_view> parents;
};

// Sorted by child. "system" is how Sysmon and 4688 name the kernel (PID 4), the parent of the
// first smss.exe; smss.exe also starts a copy of itself per session, which starts csrss, wininit
// and winlogon and exits. lsass.exe started by lsass.exe is process reflection or forking (a
// credential-dumping technique), not a Windows behaviour, so it is not listed.
const std::vector<parent_rule>& parent_rules() {
    static const std::vector<parent_rule> rules = {
        {"csrss.exe", {"smss.exe", "svchost.exe"}},
        {"dwm.exe", {"dwm.exe", "wininit.exe", "winlogon.exe"}},
        {"fontdrvhost.exe", {"dwm.exe", "wininit.exe", "winlogon.exe"}},
        {"logonui.exe", {"wininit.exe", "winlogon.exe"}},
        {"lsaiso.exe", {"wininit.exe"}},
        {"lsass.exe", {"wininit.exe"}},
        {"lsm.exe", {"wininit.exe"}},
        {"runtimebroker.exe", {"svchost.exe"}},
        {"searchindexer.exe", {"services.exe"}},
        {"services.exe", {"wininit.exe"}},
        {"smss.exe", {"smss.exe", "system"}},
        {"spoolsv.exe", {"services.exe", "spoolsv.exe"}},
        {"svchost.exe",
         {"services.exe", "svchost.exe", "msmpeng.exe", "mrt.exe", "ngen.exe", "tiworker.exe", "rpcnet.exe",
          "rpcnetp.exe"}},
        {"taskhostw.exe", {"services.exe", "svchost.exe", "taskhostw.exe"}},
        {"userinit.exe", {"winlogon.exe", "dwm.exe", "kusrinit.exe"}},
        {"wininit.exe", {"smss.exe"}},
        {"winlogon.exe", {"smss.exe"}},
        {"wmiprvse.exe", {"svchost.exe", "wmiprvse.exe"}},
    };
    return rules;
}

} // namespace

std::span<const std::string_view> expected_parents(std::string_view name) noexcept {
    const auto& rules = parent_rules();
    const auto it = std::lower_bound(rules.begin(), rules.end(), name,
                                     [](const parent_rule& r, std::string_view n) { return r.child < n; });
    if (it == rules.end() || it->child != name) return {};
    return it->parents;
}

bool is_benign_lookalike(std::string_view a, std::string_view b) noexcept {
    for (const auto& p : benign)
        if ((p.a == a && p.b == b) || (p.a == b && p.b == a)) return true;
    return false;
}

} // namespace masq
