#!/usr/bin/env python3
"""Build data/catalog/known_files.tsv from the saved source lists in scripts/catalog/sources/.

Offline and deterministic: reads only files in this repository, writes rows sorted by (name, folder),
one per (name, folder), and leaves out the (name, folder) pairs that data/catalog/binaries.tsv
already has.  Run from anywhere: python3 scripts/catalog/build_known_files.py
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SRC = os.path.join(HERE, "sources")
OUT = os.path.join(ROOT, "data", "catalog", "known_files.tsv")
BINARIES = os.path.join(ROOT, "data", "catalog", "binaries.tsv")

# Source keys used in the curated files (column 4), expanded into the `source` column.
SOURCES = {
    "splunk-sys": "splunk/security_content@lookups/csv/is_windows_system_file.csv",
    "elastic-sys": "elastic/detection-rules@rules_building_block/defense_evasion_masquerading_windows_system32_exe.toml",
    "lolbas": "splunk/security_content@lookups/lolbas_file_path.csv; https://lolbas-project.github.io/",
    "splunk-net": "splunk/security_content@lookups/csv/is_net_windows_file.csv",
    "netfx-tools": "https://learn.microsoft.com/en-us/dotnet/framework/tools/",
    "wow64": "well known: 64-bit Windows ships a 32-bit copy in SysWOW64 (https://learn.microsoft.com/en-us/windows/win32/winprog64/file-system-redirector)",
    "xcyc": "strontic/strontic.github.io@xcyclopedia/directory.md (https://strontic.github.io/xcyclopedia/)",
    "xcyc-page": "strontic/strontic.github.io@xcyclopedia/library (File Path of the sampled file)",
    "wincmd": "https://learn.microsoft.com/en-us/windows-server/administration/windows-commands/windows-commands",
    "openssh": "https://learn.microsoft.com/en-us/windows-server/administration/openssh/openssh_overview",
    "iis": "https://learn.microsoft.com/en-us/iis/get-started/getting-started-with-iis/getting-started-with-appcmdexe",
    "wmi": "https://learn.microsoft.com/en-us/windows/win32/wmisdk/wmi-start-page (WMI binaries live in System32\\wbem)",
    "f12": "https://learn.microsoft.com/en-us/deployedge/edge-ie-mode-troubleshoot (%systemroot%\\system32\\f12\\IEChooser.exe)",
    "diagsvcs": "https://learn.microsoft.com/en-us/visualstudio/profiling/ (Diagnostics Hub collector service, System32\\DiagSvcs); strontic/strontic.github.io@xcyclopedia (service listing)",
    "ime": "https://learn.microsoft.com/en-us/globalization/input/input-method-editors (IME binaries live under System32\\IME and System32\\InputMethod)",
    "subfolder": "well known: Windows 10/11 keeps this binary in a subfolder of System32 (folder checked against public directory listings of System32)",
    "systemapps": "well known: inbox Windows apps under %windir%\\SystemApps (https://learn.microsoft.com/en-us/windows/application-management/overview-windows-apps)",
    "winroot": "well known: binaries in %windir% itself (https://learn.microsoft.com/en-us/windows/deployment/usmt/usmt-recognized-environment-variables)",
    "inbox-pf": "well known: inbox Windows programs under Program Files (https://learn.microsoft.com/en-us/windows/application-management/overview-windows-apps)",
    "defender": "https://learn.microsoft.com/en-us/defender-endpoint/microsoft-defender-antivirus-updates (platform folder); https://learn.microsoft.com/en-us/defender-endpoint/command-line-arguments-microsoft-defender-antivirus",
    "mde": "https://learn.microsoft.com/en-us/defender-endpoint/troubleshoot-onboarding (MsSense.exe and the Sense services)",
    "office": "https://learn.microsoft.com/en-us/microsoft-365-apps/deploy/overview-of-the-office-2016-deployment-tool; installer default locations (root\\Office16 for Click-to-Run, Office16 for MSI)",
    "office-c2r": "https://learn.microsoft.com/en-us/microsoft-365-apps/updates/overview-update-channels (Click-to-Run service, Common Files\\Microsoft Shared\\ClickToRun)",
    "teams": "https://learn.microsoft.com/en-us/microsoftteams/new-teams-bulk-install-client; https://learn.microsoft.com/en-us/microsoftteams/msi-deployment",
    "onedrive": "https://learn.microsoft.com/en-us/sharepoint/per-machine-installation",
    "edge": "https://learn.microsoft.com/en-us/deployedge/microsoft-edge-update-policies; installer default locations",
    "webview2": "https://learn.microsoft.com/en-us/microsoft-edge/webview2/concepts/distribution",
    "chrome": "https://support.google.com/chrome/a/answer/7587273; installer default locations",
    "firefox": "https://support.mozilla.org/kb/maintenance-service; installer default locations",
    "zoom": "https://support.zoom.com/hc/en/article?id=zm_kb&sysparm_article=KB0064484 (install locations); installer default locations",
    "webex": "https://help.webex.com/ (Webex App and Meetings install locations); installer default locations",
    "slack": "https://slack.com/help/articles/212475728 (per-user and machine-wide installs); installer default locations",
    "azure-guest": "https://learn.microsoft.com/en-us/azure/virtual-machines/extensions/agent-windows",
    "azure-arc": "https://learn.microsoft.com/en-us/azure/azure-arc/servers/agent-overview",
    "mma": "https://learn.microsoft.com/en-us/azure/azure-monitor/agents/log-analytics-agent",
    "sccm": "https://learn.microsoft.com/en-us/mem/configmgr/core/clients/deploy/about-client-installation-properties; https://learn.microsoft.com/en-us/mem/configmgr/core/plan-design/hierarchy/log-files",
    "intune": "https://learn.microsoft.com/en-us/mem/intune/apps/intune-management-extension",
    "vs": "https://learn.microsoft.com/en-us/visualstudio/install/install-visual-studio (default install folders)",
    "vc": "https://learn.microsoft.com/en-us/cpp/build/reference/compiler-options (MSVC tools under VC\\Tools\\MSVC\\<version>\\bin)",
    "vscode": "https://code.visualstudio.com/docs/setup/windows",
    "winsdk": "https://learn.microsoft.com/en-us/windows-hardware/drivers/debugger/debugger-download-tools; https://learn.microsoft.com/en-us/windows/win32/seccrypto/signtool",
    "dotnet": "https://learn.microsoft.com/en-us/dotnet/core/install/windows",
    "sysinternals": "https://learn.microsoft.com/en-us/sysinternals/downloads/ (tool names); https://learn.microsoft.com/en-us/windows/package-manager/winget/ (portable packages under %LOCALAPPDATA%\\Microsoft\\WinGet\\Packages)",
    "sysmon": "https://learn.microsoft.com/en-us/sysinternals/downloads/sysmon (the service binary copies itself to %windir%)",
    "vmware": "https://docs.vmware.com/en/VMware-Tools/ (VMware Tools components); installer default locations",
    "citrix": "https://docs.citrix.com/en-us/citrix-workspace-app-for-windows; https://docs.citrix.com/en-us/citrix-virtual-apps-desktops/install-configure/install-vdas.html; installer default locations",
    "adobe": "https://helpx.adobe.com/enterprise/kb/acrobat-64-bit-for-enterprises.html; installer default locations",
    "7zip": "https://www.7-zip.org/; strontic/strontic.github.io@xcyclopedia/directory.md (C:\\Program Files\\7-Zip)",
    "npp": "https://npp-user-manual.org/docs/getting-started/ (installation, updater\\GUP.exe)",
    "putty": "https://www.chiark.greenend.org.uk/~sgtatham/putty/ (MSI installs to Program Files\\PuTTY)",
    "winscp": "https://winscp.net/eng/docs/installation",
    "git": "https://gitforwindows.org/; https://github.com/git-for-windows/git (installer layout: cmd, bin, mingw64\\bin, usr\\bin)",
    "python": "https://docs.python.org/3/using/windows.html",
    "java": "strontic/strontic.github.io@xcyclopedia/directory.md (AdoptOpenJDK jdk and jre bin folders); https://docs.oracle.com/en/java/javase/21/install/installation-jdk-microsoft-windows-platforms.html",
    "java-oracle": "https://www.java.com/en/download/help/path.html (Common Files\\Oracle\\Java\\javapath); https://docs.oracle.com/javase/8/docs/technotes/guides/install/windows_jre_install.html",
    "winget": "https://learn.microsoft.com/en-us/windows/package-manager/winget/",
    "terminal": "https://learn.microsoft.com/en-us/windows/terminal/install",
    "msrdc": "https://learn.microsoft.com/en-us/azure/virtual-desktop/users/connect-windows",
    "sql": "https://learn.microsoft.com/en-us/sql/sql-server/install/file-locations-for-default-and-named-instances-of-sql-server",
    "ssms": "https://learn.microsoft.com/en-us/sql/ssms/download-sql-server-management-studio-ssms",
    "crowdstrike": "vendor documentation (CrowdStrike Falcon sensor for Windows installs to Program Files\\CrowdStrike)",
    "sentinelone": "vendor documentation (SentinelOne agent installs to Program Files\\SentinelOne\\Sentinel Agent <version>)",
    "carbonblack": "vendor documentation (VMware Carbon Black Cloud sensor installs to Program Files\\Confer, the EDR sensor to %windir%\\CarbonBlack)",
    "sophos": "vendor documentation (Sophos Endpoint components under Program Files\\Sophos)",
    "symantec": "vendor documentation (Symantec Endpoint Protection client under Program Files\\Symantec\\Symantec Endpoint Protection\\<version>)",
    "mcafee": "vendor documentation (Trellix/McAfee Agent and Endpoint Security under Program Files\\McAfee and Common Files\\McAfee)",
    "trend": "vendor documentation (Trend Micro Apex One/OfficeScan client under Program Files (x86)\\Trend Micro\\OfficeScan Client)",
    "eset": "vendor documentation (ESET Endpoint Security under Program Files\\ESET\\ESET Security, ESET Management Agent under Program Files\\ESET\\RemoteAdministrator)",
    "kaspersky": "vendor documentation (Kaspersky Endpoint Security for Windows under Program Files (x86)\\Kaspersky Lab)",
    "bitdefender": "vendor documentation (Bitdefender Endpoint Security Tools under Program Files\\Bitdefender\\Endpoint Security)",
    "cylance": "vendor documentation (CylancePROTECT under Program Files\\Cylance\\Desktop)",
    "cortex": "vendor documentation (Cortex XDR agent under Program Files\\Palo Alto Networks\\Traps)",
    "amp": "vendor documentation (Cisco Secure Endpoint under Program Files\\Cisco\\AMP\\<version>, whose sfc.exe is not Windows' sfc.exe)",
    "elastic-agent": "https://www.elastic.co/guide/en/fleet/current/installation-layout.html",
    "splunkuf": "https://docs.splunk.com/Documentation/Forwarder/latest/Forwarder/InstallaWindowsuniversalforwarderfromaninstaller",
    "qualys": "vendor documentation (Qualys Cloud Agent under Program Files\\Qualys\\QualysAgent)",
    "tanium": "vendor documentation (Tanium Client under Program Files (x86)\\Tanium\\Tanium Client)",
    "rapid7": "vendor documentation (Rapid7 Insight Agent under Program Files\\Rapid7\\Insight Agent)",
    "tenable": "vendor documentation (Nessus Agent under Program Files\\Tenable\\Nessus Agent)",
    "mdi": "https://learn.microsoft.com/en-us/defender-for-identity/deploy/install-sensor",
    "anyconnect": "vendor documentation (Cisco AnyConnect / Secure Client under Program Files (x86)\\Cisco)",
    "globalprotect": "vendor documentation (GlobalProtect under Program Files\\Palo Alto Networks\\GlobalProtect)",
    "zscaler": "vendor documentation (Zscaler Client Connector under Program Files\\Zscaler)",
    "uhs": "https://learn.microsoft.com/en-us/troubleshoot/windows-client/deployment/update-health-tools",
    "hyperv": "https://learn.microsoft.com/en-us/virtualization/hyper-v-on-windows/reference/hyper-v-architecture",
    "adds": "https://learn.microsoft.com/en-us/windows-server/administration/windows-commands/windows-commands (AD DS and RSAT command-line tools in System32)",
}

def norm_folder(folder):
    f = folder.strip().replace("/", "\\").lower()
    f = re.sub(r"^[a-z]:\\", "?:\\\\", f)
    if not f.endswith("\\"):
        f += "\\"
    return f

def kind_of(folder):
    return "windows" if folder.startswith("?:\\windows\\") else "application"

rows = {}

def add(name, folder, kind, source):
    name = name.strip().lower()
    folder = norm_folder(folder)
    key = (name, folder)
    if key in rows:
        old_kind, old_src = rows[key]
        srcs = old_src.split("; ")
        for s in source.split("; "):
            if s not in srcs:
                srcs.append(s)
        rows[key] = (old_kind, "; ".join(srcs))
    else:
        rows[key] = (kind, source)

def lines(path):
    with open(os.path.join(SRC, path), encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                yield line

SYS32 = "?:\\windows\\system32\\"

# Names in the System32 lists that live in another folder (or also in one).
OVERRIDE = {
    "powershell.exe": ["?:\\windows\\system32\\windowspowershell\\v1.0\\"],
    "powershell_ise.exe": ["?:\\windows\\system32\\windowspowershell\\v1.0\\"],
    "mofcomp.exe": ["?:\\windows\\system32\\wbem\\"],
    "scrcons.exe": ["?:\\windows\\system32\\wbem\\"],
    "unsecapp.exe": ["?:\\windows\\system32\\wbem\\"],
    "wbemtest.exe": ["?:\\windows\\system32\\wbem\\"],
    "winmgmt.exe": ["?:\\windows\\system32\\wbem\\"],
    "wmiadap.exe": ["?:\\windows\\system32\\wbem\\"],
    "wmiapsrv.exe": ["?:\\windows\\system32\\wbem\\"],
    "wmic.exe": ["?:\\windows\\system32\\wbem\\"],
    "wmiprvse.exe": ["?:\\windows\\system32\\wbem\\"],
    "scp.exe": ["?:\\windows\\system32\\openssh\\"],
    "sftp.exe": ["?:\\windows\\system32\\openssh\\"],
    "hh.exe": ["?:\\windows\\"],
    "regedit.exe": ["?:\\windows\\"],
    "printbrm.exe": ["?:\\windows\\system32\\spool\\tools\\"],
    "printbrmengine.exe": ["?:\\windows\\system32\\spool\\tools\\"],
    "imewdbld.exe": ["?:\\windows\\system32\\ime\\shared\\"],
    "imedictupdateui.exe": ["?:\\windows\\system32\\ime\\shared\\"],
    "imepadsv.exe": ["?:\\windows\\system32\\ime\\shared\\"],
    "imesearch.exe": ["?:\\windows\\system32\\ime\\shared\\"],
    "imccphr.exe": ["?:\\windows\\system32\\ime\\shared\\"],
    "imecfmui.exe": ["?:\\windows\\system32\\ime\\shared\\"],
    "imjpdct.exe": ["?:\\windows\\system32\\ime\\imejp\\"],
    "imjpset.exe": ["?:\\windows\\system32\\ime\\imejp\\"],
    "imjpuex.exe": ["?:\\windows\\system32\\ime\\imejp\\"],
    "imjpuexc.exe": ["?:\\windows\\system32\\ime\\imejp\\"],
    "imtclnwz.exe": ["?:\\windows\\system32\\ime\\imetc\\"],
    "imtcprop.exe": ["?:\\windows\\system32\\ime\\imetc\\"],
    "chsime.exe": ["?:\\windows\\system32\\inputmethod\\chs\\"],
    "chtime.exe": ["?:\\windows\\system32\\inputmethod\\cht\\"],
    "msoobe.exe": ["?:\\windows\\system32\\oobe\\"],
    "windeploy.exe": ["?:\\windows\\system32\\oobe\\"],
    "oobeldr.exe": ["?:\\windows\\system32\\oobe\\"],
    "audit.exe": ["?:\\windows\\system32\\oobe\\"],
    "sysprep.exe": ["?:\\windows\\system32\\sysprep\\"],
    "comrepl.exe": ["?:\\windows\\system32\\com\\"],
    "migregdb.exe": ["?:\\windows\\system32\\com\\"],
    "diagnosticshub.standardcollector.service.exe": ["?:\\windows\\system32\\diagsvcs\\"],
    "iechooser.exe": ["?:\\windows\\system32\\f12\\"],
    "f12chooser.exe": ["?:\\windows\\system32\\f12\\"],
    "speechuxwiz.exe": ["?:\\windows\\system32\\speech\\speechux\\"],
    "dismhost.exe": ["?:\\windows\\system32\\dism\\", "?:\\windows\\syswow64\\dism\\"],
    "facefoduninstaller.exe": ["?:\\windows\\system32\\winbioplugins\\"],
    "appvstreamingux.exe": ["?:\\windows\\system32\\appv\\"],
    "winload.exe": ["?:\\windows\\system32\\", "?:\\windows\\system32\\boot\\"],
    "winresume.exe": ["?:\\windows\\system32\\", "?:\\windows\\system32\\boot\\"],
    "mighost.exe": ["?:\\windows\\system32\\migwiz\\"],
    "auditshd.exe": ["?:\\windows\\system32\\oobe\\"],
    "firstlogonanim.exe": ["?:\\windows\\system32\\oobe\\"],
    "useroobebroker.exe": ["?:\\windows\\system32\\oobe\\"],
    "perceptionsimulationinput.exe": ["?:\\windows\\system32\\perceptionsimulation\\"],
    "perceptionsimulationservice.exe": ["?:\\windows\\system32\\perceptionsimulation\\"],
    "speechmodeldownload.exe": ["?:\\windows\\system32\\speech_onecore\\common\\"],
    "speechruntime.exe": ["?:\\windows\\system32\\speech_onecore\\common\\"],
    "systemresetplatform.exe": ["?:\\windows\\system32\\systemresetplatform\\"],
    "unpuxhost.exe": ["?:\\windows\\system32\\unp\\"],
    "unpuxlauncher.exe": ["?:\\windows\\system32\\unp\\"],
    "updatenotificationmgr.exe": ["?:\\windows\\system32\\unp\\"],
    "imebroker.exe": ["?:\\windows\\system32\\ime\\shared\\"],
}
OVERRIDE_SRC = {
    "dismhost.exe": "xcyc-page",
    "iechooser.exe": "f12", "f12chooser.exe": "f12",
    "diagnosticshub.standardcollector.service.exe": "diagsvcs",
    "imewdbld.exe": "lolbas", "printbrm.exe": "lolbas",
}
for n in list(OVERRIDE):
    if n in ("imebroker.exe",) or n.startswith(("ime", "imj", "imt", "imc", "chsime", "chtime")):
        OVERRIDE_SRC.setdefault(n, "ime")
    if n.startswith("im") or n.startswith("ch"):
        OVERRIDE_SRC.setdefault(n, "ime")
    elif n in ("scp.exe", "sftp.exe"):
        OVERRIDE_SRC.setdefault(n, "openssh")
    elif OVERRIDE[n][0].endswith("\\wbem\\"):
        OVERRIDE_SRC.setdefault(n, "wmi")
    else:
        OVERRIDE_SRC.setdefault(n, "subfolder")

def system_name(name, srckey):
    n = name.lower()
    base = SOURCES[srckey]
    if n in OVERRIDE:
        extra = OVERRIDE_SRC.get(n)
        src = base + ("; " + SOURCES[extra] if extra else "")
        for f in OVERRIDE[n]:
            add(n, f, "windows", src)
    else:
        add(n, SYS32, "windows", base)

for n in lines("splunk_is_windows_system_file.txt"):
    system_name(n, "splunk-sys")
for n in lines("elastic_system32_names.txt"):
    system_name(n, "elastic-sys")

# LOLBAS paths (via Splunk's lookup): folder strings are C:\...\* ; map them to normalised folders.
OFFICE = {
    "c:\\program files\\microsoft office*": ["?:\\program files\\microsoft office\\root\\office16\\", "?:\\program files\\microsoft office\\office16\\"],
    "c:\\program files (x86)\\microsoft office*": ["?:\\program files (x86)\\microsoft office\\root\\office16\\", "?:\\program files (x86)\\microsoft office\\office16\\"],
}
def lolbas_folders(name, folder):
    f = folder.lower()
    if f in OFFICE:
        if name == "appvlp.exe":
            return [OFFICE[f][0].replace("\\office16\\", "\\client\\")]
        return OFFICE[f]
    if f.endswith("\\microsoft.net\\framework\\*"):
        return ["?:\\windows\\microsoft.net\\framework\\v*\\"]
    if f.endswith("\\microsoft.net\\framework64\\*"):
        return ["?:\\windows\\microsoft.net\\framework64\\v*\\"]
    if f.endswith("\\dotnet\\*") and name == "dotnet.exe":
        return [f[:-1]]
    if f.endswith("\\dotnet\\*") and name == "fsi.exe":
        return [f[:-1] + "sdk\\*\\fsharp\\"]
    known_roots = ("c:\\windows\\system32\\*", "c:\\windows\\syswow64\\*", "c:\\windows\\*",
                   "c:\\windows\\system32\\wbem\\*", "c:\\windows\\syswow64\\wbem\\*",
                   "c:\\windows\\system32\\spool\\tools\\*", "c:\\windows\\system32\\ime\\shared\\*",
                   "c:\\program files\\internet explorer\\*", "c:\\program files (x86)\\internet explorer\\*",
                   "c:\\program files\\windows mail\\*", "c:\\program files (x86)\\windows mail\\*",
                   "c:\\program files\\windows defender\\offline\\*",
                   "c:\\program files (x86)\\microsoft intune management extension\\*",
                   "c:\\program files (x86)\\iis\\microsoft web deploy v3\\*",
                   "c:\\program files (x86)\\msbuild\\14.0\\bin\\*")
    if f in known_roots or re.search(r"\\v[0-9.]+\\\*$", f):
        return [f[:-1]]
    if f.endswith("_*") or f.endswith("installer*"):
        return [f.rstrip("*") + ("*\\" if f.endswith("_*") else "_*\\")]
    if f.endswith("\\*"):
        return [f[:-1] + "*\\"]
    raise SystemExit("unmapped LOLBAS folder: " + folder)

for line in lines("lolbas_file_path.tsv"):
    name, folder = line.split("\t")
    name = name.lower()
    if not name.endswith((".exe", ".com")):
        continue
    for f in lolbas_folders(name, folder):
        nf = norm_folder(f)
        k = "windows" if nf.startswith("?:\\windows\\") and "driverstore" not in nf else "application"
        if nf.startswith(("?:\\program files\\internet explorer\\", "?:\\program files (x86)\\internet explorer\\",
                          "?:\\program files\\windows mail\\", "?:\\program files (x86)\\windows mail\\",
                          "?:\\program files\\windows defender\\", "?:\\program files\\windowsapps\\microsoft.desktopappinstaller_",
                          "?:\\program files\\windowsapps\\microsoft.windowsterminal_")):
            k = "windows"
        add(name, nf, k, SOURCES["lolbas"])

# Curated groups: names (space separated; %20 for a space inside a name) <TAB> folders (| separated) <TAB> kind <TAB> source keys (, separated)
for fname in sorted(os.listdir(SRC)):
    if not fname.endswith(".groups.tsv"):
        continue
    for lineno, line in enumerate(lines(fname), 1):
        parts = line.split("\t")
        if len(parts) != 4:
            raise SystemExit(f"{fname}: bad line {line!r}")
        names, folders, kind, keys = parts
        src = "; ".join(SOURCES[k.strip()] for k in keys.split(","))
        for n in names.split():
            n = n.replace("%20", " ")  # a name with a space (sophos ui.exe)
            for f in folders.split("|"):
                add(n, f, kind, src)

# xcyclopedia's directory view: folder <TAB> names (space separated) [<TAB> kind]; `%s` in a folder is the name without .exe.
for lineno, line in enumerate(lines("xcyclopedia_directory.tsv"), 1):
    parts = line.split("\t")
    if len(parts) not in (2, 3) or not parts[1].strip():
        raise SystemExit(f"xcyclopedia_directory.tsv: bad line {lineno}: {line!r}")
    folder, names = parts[0], parts[1]
    for n in names.split():
        if not n.endswith((".exe", ".com")):
            raise SystemExit(f"xcyclopedia_directory.tsv: not an executable on line {lineno}: {n!r}")
        f = norm_folder(folder.replace("%s", n.rsplit(".", 1)[0]))
        kind = parts[2].strip() if len(parts) == 3 else kind_of(f)
        add(n, f, kind, SOURCES["xcyc"])

# Drop what binaries.tsv already says.
existing = set()
with open(BINARIES, encoding="utf-8") as fh:
    next(fh)
    for line in fh:
        p = line.rstrip("\n").split("\t")
        if len(p) >= 3:
            existing.add((p[0], p[2]))

out = [(n, f, k, s) for (n, f), (k, s) in rows.items() if (n, f) not in existing]
out.sort()
with open(OUT, "w", encoding="utf-8", newline="\n") as fh:
    fh.write("name\tfolder\tkind\tsource\n")
    for r in out:
        fh.write("\t".join(r) + "\n")
print(f"{len(out)} rows, {len({r[0] for r in out})} names -> {os.path.relpath(OUT, ROOT)}", file=sys.stderr)
