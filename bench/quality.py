#!/usr/bin/env python3
"""Detection quality: a realistic enterprise day with injected masquerades, seed mode vs full mode.

    python3 bench/quality.py [--seed 1] [--hosts 300] [--per-class 25] [--out docs/quality.json]

The day (deterministic for a seed):
  * workstations and servers running Windows as Windows does: svchost, conhost, browsers, Office
    hundreds of times a day, core processes (smss, csrss, wininit, winlogon, services, lsass)
    about once per boot — so rarely that they are never "frequent";
  * benign rare names: installers and temp tools with random hex names, DISM's temp host, vendor
    updaters, admin tools, and benign near-duplicates of Windows names (taskhost/taskhostw,
    cscript/wscript, netstat/nbtstat, msconfig/ipconfig, secedit/regedit, clip/clipup, psexec,
    notepad++, smsvchost, mousocoreworker, musnotificationux);
  * injected masquerades, `--per-class` of each class: substitution, insertion, deletion,
    transposition, digit swap, Cyrillic and Greek confusables, extension swap, wrong folder,
    right-to-left override, double extension, affixes (`svchost32`, `lsass_x`, `explorer-update`),
    visual multi-swaps (two or three look-alike glyphs, with or without one more edit: `expI0rer`,
    `5vch0stt`), two-edit short core names from a user-writable folder (`lssas`, `cssrs1`),
    renamed-by-hash (a Windows binary's image under a new name, on hosts whose events carry
    Sysmon-style `Hashes`) and home-folder anomalies (a fleet agent from Program Files on dozens of
    hosts, a copy from a temp folder on one) — each on one or two hosts, a few events;
  * benign counterparts of the new classes: legitimate affixed names (`chrome_proxy`,
    `powershell_ise`, `taskhostw`, `msedgewebview2`, `werfaultsecure`), real tools one edit from a
    Windows binary (`csc`/`sc`, `vbc`), 32-bit copies in SysWOW64, per-user installs under each
    user's AppData and machine-wide under Program Files (Zoom, Teams, Slack), and two names shipped
    as one image (`python.exe`/`python3.exe`).
Then it runs `masq detect --mode seed` and `--mode full` on the same file and reports recall per
class and precision (findings about injected names / all findings).
"""
import argparse
import datetime
import hashlib
import json
import os
import pathlib
import random
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
MASQ = pathlib.Path(os.environ.get("MASQ_BIN", ROOT / "build" / "release" / "masq"))

S32 = "C:\\Windows\\System32\\"
W64 = "C:\\Windows\\SysWOW64\\"
# name, folder, events per host per day (mean), share of hosts running it
COMMON = [
    ("svchost.exe", S32, 60, 1.0), ("conhost.exe", S32, 25, 1.0), ("RuntimeBroker.exe", S32, 8, 1.0),
    ("backgroundTaskHost.exe", S32, 10, 1.0), ("taskhostw.exe", S32, 6, 1.0), ("dllhost.exe", S32, 7, 1.0),
    ("SearchProtocolHost.exe", S32, 9, 0.9), ("SearchFilterHost.exe", S32, 7, 0.9), ("WmiPrvSE.exe", S32 + "wbem\\", 5, 1.0),
    ("cmd.exe", S32, 6, 0.8), ("powershell.exe", S32 + "WindowsPowerShell\\v1.0\\", 4, 0.7),
    ("rundll32.exe", S32, 5, 0.9), ("msedge.exe", "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\", 30, 0.8),
    ("chrome.exe", "C:\\Program Files\\Google\\Chrome\\Application\\", 35, 0.6),
    ("OUTLOOK.EXE", "C:\\Program Files\\Microsoft Office\\root\\Office16\\", 2, 0.8),
    ("WINWORD.EXE", "C:\\Program Files\\Microsoft Office\\root\\Office16\\", 2, 0.6),
    ("EXCEL.EXE", "C:\\Program Files\\Microsoft Office\\root\\Office16\\", 2, 0.5),
    ("Teams.exe", "C:\\Users\\{user}\\AppData\\Local\\Microsoft\\Teams\\current\\", 12, 0.7),
    ("OneDrive.exe", "C:\\Users\\{user}\\AppData\\Local\\Microsoft\\OneDrive\\", 2, 0.8),
    ("MsMpEng.exe", "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\", 1, 1.0),
    ("MpCmdRun.exe", "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\", 2, 1.0),
    ("sihost.exe", S32, 1, 0.9), ("ctfmon.exe", S32, 1, 0.9), ("smartscreen.exe", S32, 2, 0.8),
    ("consent.exe", S32, 1, 0.4), ("wermgr.exe", S32, 1, 0.5), ("WerFault.exe", S32, 1, 0.3),
    ("explorer.exe", "C:\\Windows\\", 1, 1.0), ("userinit.exe", S32, 1, 1.0), ("dwm.exe", S32, 1, 1.0),
    ("fontdrvhost.exe", S32, 1, 1.0), ("LogonUI.exe", S32, 1, 0.9), ("audiodg.exe", S32, 2, 0.7),
    ("spoolsv.exe", S32, 1, 0.3), ("SearchIndexer.exe", S32, 1, 0.5), ("TiWorker.exe",
     "C:\\Windows\\WinSxS\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.19041.4355_none_7e4a7e4c37b0e9c5\\", 1, 0.3),
    ("TrustedInstaller.exe", "C:\\Windows\\servicing\\", 1, 0.3), ("msiexec.exe", S32, 1, 0.3),
    ("reg.exe", S32, 1, 0.2), ("schtasks.exe", S32, 1, 0.3), ("whoami.exe", S32, 1, 0.1),
    ("ipconfig.exe", S32, 1, 0.2), ("ping.exe", S32, 1, 0.2), ("netstat.exe", S32, 1, 0.1),
    ("cscript.exe", S32, 1, 0.2), ("net.exe", S32, 1, 0.2), ("net1.exe", S32, 1, 0.2), ("sc.exe", S32, 1, 0.2),
    ("notepad.exe", S32, 1, 0.3), ("mmc.exe", S32, 1, 0.05), ("taskmgr.exe", S32, 1, 0.1),
    ("GoogleUpdate.exe", "C:\\Program Files (x86)\\Google\\Update\\", 2, 0.6),
    ("MicrosoftEdgeUpdate.exe", "C:\\Program Files (x86)\\Microsoft\\EdgeUpdate\\", 2, 0.8),
    ("AdobeARM.exe", "C:\\Program Files (x86)\\Common Files\\Adobe\\ARM\\1.0\\", 1, 0.3),
    ("vmtoolsd.exe", "C:\\Program Files\\VMware\\VMware Tools\\", 2, 0.3),
]
# Once per boot: rare in the fleet, never frequent.
CORE = [("smss.exe", S32), ("csrss.exe", S32), ("wininit.exe", S32), ("winlogon.exe", S32),
        ("services.exe", S32), ("lsass.exe", S32)]
# Benign rare names, including real Windows look-alikes.
BENIGN_RARE = [
    ("taskhost.exe", S32), ("wscript.exe", S32), ("nbtstat.exe", S32), ("msconfig.exe", S32),
    ("secedit.exe", S32), ("gpscript.exe", S32), ("clip.exe", S32), ("clipup.exe", S32),
    ("mousocoreworker.exe", S32), ("usocoreworker.exe", S32), ("musnotificationux.exe", S32),
    ("musnotification.exe", S32), ("tracerpt.exe", S32), ("tracert.exe", S32), ("regedit.exe", "C:\\Windows\\"),
    ("synchost.exe", S32), ("SMSvcHost.exe", "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\"),
    ("PsExec.exe", "C:\\Tools\\SysinternalsSuite\\"), ("PsExec64.exe", "C:\\Tools\\SysinternalsSuite\\"),
    ("procdump64.exe", "C:\\Tools\\SysinternalsSuite\\"), ("notepad++.exe", "C:\\Program Files\\Notepad++\\"),
    ("chrome_proxy.exe", "C:\\Program Files\\Google\\Chrome\\Application\\"),
    ("msedgewebview2.exe", "C:\\Program Files (x86)\\Microsoft\\EdgeWebView\\Application\\129.0.2792.79\\"),
    ("identity_helper.exe", "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\129.0.2792.79\\"),
    ("jusched.exe", "C:\\Program Files (x86)\\Common Files\\Java\\Java Update\\"),
    ("Code.exe", "C:\\Users\\{user}\\AppData\\Local\\Programs\\Microsoft VS Code\\"),
    ("git.exe", "C:\\Program Files\\Git\\cmd\\"), ("python.exe", "C:\\Program Files\\Python311\\"),
    ("7zG.exe", "C:\\Program Files\\7-Zip\\"), ("Zoom.exe", "C:\\Users\\{user}\\AppData\\Roaming\\Zoom\\bin\\"),
    ("slack.exe", "C:\\Users\\{user}\\AppData\\Local\\slack\\app-4.41.97\\"),
    ("WindowsAzureGuestAgent.exe", "C:\\WindowsAzure\\GuestAgent_2.7.41491.1102\\"),
    ("WindowsAzureNetAgent.exe", "C:\\WindowsAzure\\Packages\\"),
    # Legitimate affixed names, real tools one edit from a Windows binary, 32-bit copies.
    ("powershell_ise.exe", S32 + "WindowsPowerShell\\v1.0\\"), ("WerFaultSecure.exe", S32),
    ("csc.exe", "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\"),
    ("vbc.exe", "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\"),
    ("cmd.exe", W64), ("rundll32.exe", W64), ("regsvr32.exe", W64), ("vssadmin.exe", W64),
    ("powershell.exe", W64 + "WindowsPowerShell\\v1.0\\"), ("notepad.exe", W64),
    ("Zoom.exe", "C:\\Program Files\\Zoom\\bin\\"),
    ("Teams.exe", "C:\\Program Files (x86)\\Microsoft\\Teams\\current\\"),
]
SYLLABLES = ["micro", "soft", "adobe", "update", "sync", "helper", "agent", "service", "tray", "launcher",
             "crash", "handler", "broker", "runtime", "nvidia", "intel", "realtek", "audio", "display",
             "dell", "lenovo", "vpn", "cisco", "connect", "citrix", "java", "backup", "veeam", "print", "scan",
             "cloud", "zoom", "team", "viewer", "remote", "desk", "watch", "sense", "cyber"]
IMITATED = ["svchost.exe", "lsass.exe", "csrss.exe", "smss.exe", "services.exe", "winlogon.exe", "wininit.exe",
            "explorer.exe", "conhost.exe", "cmd.exe", "powershell.exe", "rundll32.exe", "regsvr32.exe",
            "dllhost.exe", "taskhostw.exe", "spoolsv.exe", "searchindexer.exe", "runtimebroker.exe",
            "chrome.exe", "msedge.exe", "wmiprvse.exe", "sihost.exe", "dwm.exe", "userinit.exe"]
WRITABLE = ["C:\\Users\\{user}\\AppData\\Local\\Temp\\", "C:\\Users\\Public\\", "C:\\ProgramData\\",
            "C:\\Users\\{user}\\AppData\\Roaming\\", "C:\\Users\\{user}\\Downloads\\", "C:\\Windows\\Temp\\",
            "C:\\PerfLogs\\"]
ADMIN_DROPS = ["C:\\Windows\\", "C:\\Windows\\System32\\Tasks\\", "C:\\Windows\\Fonts\\",
               "C:\\Windows\\System32\\drivers\\"]
CYRILLIC = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440", "c": "\u0441", "x": "\u0445", "y": "\u0443",
            "s": "\u0455", "i": "\u0456"}
GREEK = {"o": "\u03bf", "i": "\u03b9", "v": "\u03bd", "a": "\u03b1"}
DIGITS = {"o": "0", "l": "1", "i": "1", "e": "3", "s": "5"}
CLASSES = ["substitution", "insertion", "deletion", "transposition", "digit swap", "cyrillic", "greek",
           "extension swap", "wrong folder", "right-to-left override", "double extension", "affix",
           "visual swaps", "short two edits", "renamed by hash", "home folder"]
# Affixes attackers put on a system binary's stem (red-team tooling, malware reports).
AFFIXES = [("suffix", s) for s in ["32", "64", "1", "2", "_x", "_x64", "dll", "-update", "_update", "_svc", "-copy",
                                    "_new", "_helper", "-srv", "_bak"]] + \
          [("prefix", p) for p in ["1", "x64-", "new_", "win_", "my"]]
# Look-alike glyphs: a letter and what renders like it (lower-case I is i after lower-casing).
GLYPHS = {"l": ["1", "I"], "i": ["1", "l"], "o": ["0"], "s": ["5"], "e": ["3"], "m": ["rn"], "w": ["vv"],
          "d": ["cl"]}
SHORT = ["lsass.exe", "csrss.exe", "smss.exe", "wmic.exe", "lsaiso.exe"]
# Windows binaries whose image attackers copy under another name (LOLBAS), seen with hashes.
HASHED = [("cmd.exe", S32), ("powershell.exe", S32 + "WindowsPowerShell\\v1.0\\"), ("rundll32.exe", S32),
          ("reg.exe", S32), ("schtasks.exe", S32), ("net.exe", S32), ("sc.exe", S32), ("msiexec.exe", S32)]
COVER = ["jabber", "zoomhelper", "teamsupdate", "officeclick", "adobesync", "javaupd", "chromeagent",
         "printsvc", "backupagent", "syncclient", "updcheck", "vpnclient", "driverhelper", "audiosrv",
         "webhelper", "licensecheck", "telemetry", "crashreport", "indexer", "thumbgen"]


def dl(a, b):
    """Optimal string alignment distance (transpositions count one), for the generator's checks."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def one_edit(rng, s):
    s = list(s)
    op = rng.choice(["sub", "ins", "del", "swap"])
    i = rng.randrange(len(s))
    c = rng.choice("abcdefghijklmnopqrstuvwxyz")
    if op == "sub":
        s[i] = c
    elif op == "ins":
        s.insert(i, c)
    elif op == "del" and len(s) > 3:
        del s[i]
    elif op == "swap" and i + 1 < len(s):
        s[i], s[i + 1] = s[i + 1], s[i]
    return "".join(s)


def stem_ext(name):
    dot = name.rfind(".")
    return name[:dot], name[dot:]


def mutate(rng, cls, target, taken):
    """A masquerade of `target` in class `cls`, or None when the class does not apply."""
    stem, ext = stem_ext(target)
    for _ in range(50):
        s = list(stem)
        if cls == "substitution":
            i = rng.randrange(len(s))
            c = rng.choice("abcdefghijklmnopqrstuvwxyz")
            if c == s[i]:
                continue
            s[i] = c
        elif cls == "insertion":
            s.insert(rng.randrange(len(s) + 1), rng.choice("abcdefghijklmnopqrstuvwxyz"))
        elif cls == "deletion":
            if len(s) < 4:
                return None
            del s[rng.randrange(len(s))]
        elif cls == "transposition":
            i = rng.randrange(len(s) - 1)
            if s[i] == s[i + 1]:
                continue
            s[i], s[i + 1] = s[i + 1], s[i]
        elif cls in ("digit swap", "cyrillic", "greek"):
            table = {"digit swap": DIGITS, "cyrillic": CYRILLIC, "greek": GREEK}[cls]
            spots = [i for i, c in enumerate(s) if c in table]
            if not spots:
                return None
            i = rng.choice(spots)
            s[i] = table[s[i]]
        elif cls == "extension swap":
            name = stem + rng.choice([".com", ".scr", ".pif", ".bat", ".cmd"])
            return None if name in taken else name
        elif cls == "affix":
            if len(stem) < 4:
                return None
            kind, affix = rng.choice(AFFIXES)
            name = (stem + affix if kind == "suffix" else affix + stem) + ext
            if name.lower() in taken or name.lower() == target:
                continue
            return name
        elif cls == "visual swaps":
            spots = [i for i, c in enumerate(stem) if c in GLYPHS]
            if len(spots) < 2:
                return None
            chosen = sorted(rng.sample(spots, min(len(spots), rng.choice([2, 2, 3]))), reverse=True)
            for i in chosen:
                s[i] = rng.choice(GLYPHS[stem[i]])
            swapped = "".join(s)
            if rng.random() < 0.3 and len(stem) >= 6:  # and one ordinary edit
                swapped = one_edit(rng, swapped)
            name = swapped + ext
            if name.lower() in taken or name.lower() == target:
                continue
            return name
        elif cls == "short two edits":
            edited = one_edit(rng, one_edit(rng, stem))
            if dl(edited, stem) != 2 or len(edited) < 3 or not edited.isalnum():
                continue
            name = edited + ext
            if name in taken:
                continue
            return name
        name = "".join(s) + ext
        if name != target and name not in taken:
            return name
    return None


def generate(args, rng):
    hosts = [f"WS{i:04d}" for i in range(args.hosts)] + [f"SRV{i:03d}" for i in range(args.hosts // 15)]
    users = {h: rng.choice(["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"]) + str(rng.randrange(90))
             for h in hosts}
    day = datetime.datetime(2026, 11, 20, tzinfo=datetime.timezone.utc)
    events = []

    # A third of the hosts run Sysmon, whose events carry the image's hashes (forwarded beside 4688):
    # an image is its name and the host's Windows build, or what `image` says it is.
    sysmon_hosts = [h for h in hosts if rng.random() < 0.35]
    sysmon = set(sysmon_hosts)
    build = {h: rng.choice(["19045.4355", "22631.3527"]) for h in hosts}

    def digest(name, folder, host_build):
        # One image per name and build wherever Windows or an installer put it; a file in a user's
        # or temp folder is its own build.
        where = "" if folder.startswith(("C:\\Windows", "C:\\Program")) else folder
        return hashlib.sha256(f"{name.lower()}|{where.lower()}|{host_build}".encode()).hexdigest()

    def emit(host, folder, name, n=1, image=None):
        path = folder.format(user=users[host]) + name
        record = {"EventID": 4688, "Computer": host, "NewProcessName": path, "Process": name,
                  "Type": "SecurityEvent"}
        if host in sysmon:
            if image is not None:  # a copy of `image` (name, build) under this name
                sha = digest(image[0], dict(HASHED)[image[0]], image[1])
            else:
                sha = digest(name, folder, build[host])
            record["Hashes"] = f"SHA1={sha[:40].upper()},MD5={sha[:32].upper()},SHA256={sha.upper()},IMPHASH={sha[:32]}"
        for _ in range(n):
            t = day + datetime.timedelta(seconds=rng.randrange(86400), milliseconds=rng.randrange(1000))
            events.append({"TimeGenerated": t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z", **record})

    for h in hosts:
        for name, folder, mean, share in COMMON:
            if rng.random() < share:
                emit(h, folder, name, max(1, int(rng.expovariate(1 / mean))))
        if rng.random() < 0.15:  # a reboot today
            for name, folder in CORE:
                emit(h, folder, name, 2 if name in ("smss.exe", "csrss.exe") else 1)
    # The images attackers copy, run as themselves on the Sysmon hosts (a few times a day).
    for name, folder in HASHED:
        for h in rng.sample(sysmon_hosts, min(len(sysmon_hosts), 8)):
            emit(h, folder, name, rng.randrange(1, 3))
    # One image shipped under two names, used about equally: no identity, no copy.
    for h in rng.sample(sysmon_hosts, min(len(sysmon_hosts), 6)):
        folder = "C:\\Users\\{user}\\AppData\\Local\\Programs\\Python\\Python312\\"
        for name in ("python.exe", "python3.exe"):
            sha = digest("python.exe", folder, "")
            events.append({"TimeGenerated": "2026-11-20T12:00:00.000Z", "EventID": 4688, "Computer": h,
                           "NewProcessName": folder.format(user=users[h]) + name, "Process": name,
                           "Type": "SecurityEvent", "Hashes": f"SHA256={sha}"})
    # Per-user installs: each user's own AppData folder.
    for name, folder in [("Zoom.exe", "C:\\Users\\{user}\\AppData\\Roaming\\Zoom\\bin\\"),
                         ("slack.exe", "C:\\Users\\{user}\\AppData\\Local\\slack\\app-4.41.97\\"),
                         ("Code.exe", "C:\\Users\\{user}\\AppData\\Local\\Programs\\Microsoft VS Code\\")]:
        for h in rng.sample(hosts, max(3, len(hosts) // 10)):
            emit(h, folder, name, rng.randrange(1, 4))
    # Benign rare names and random vendor / installer / temp tools.
    for name, folder in BENIGN_RARE:
        for h in rng.sample(hosts, rng.randrange(1, 4)):
            emit(h, folder, name, rng.randrange(1, 3))
    vendor = set()
    while len(vendor) < args.hosts:
        vendor.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randrange(1, 4))) +
                   (str(rng.randrange(100)) if rng.random() < 0.3 else "") + ".exe")
    for name in sorted(vendor):
        for h in rng.sample(hosts, rng.randrange(1, 6)):
            emit(h, "C:\\Program Files\\" + name[:-4].capitalize() + "\\", name, rng.randrange(1, 20))
    for _ in range(args.hosts):
        h = rng.choice(hosts)
        tmp = rng.choice(["setup_", "install_", "tmp", "is-", "~dl", "au_", "update-"]) + \
            "".join(rng.choice("0123456789abcdef") for _ in range(rng.randrange(4, 12))) + ".exe"
        emit(h, rng.choice(["C:\\Users\\{user}\\AppData\\Local\\Temp\\", "C:\\Users\\{user}\\Downloads\\",
                            "C:\\Windows\\Temp\\"]), tmp)
    for _ in range(args.hosts // 10):  # DISM runs its host from a fresh temp folder
        h = rng.choice(hosts)
        guid = "".join(rng.choice("0123456789ABCDEF") for _ in range(8)) + "-0463-415C-9C3E-" + \
            "".join(rng.choice("0123456789ABCDEF") for _ in range(12))
        emit(h, "C:\\Windows\\Temp\\" + guid + "\\", "DismHost.exe")

    taken = {e["Process"].lower() for e in events}
    injected = []
    for cls in CLASSES:
        made = 0
        attempts = 0
        while made < args.per_class and attempts < 10000:
            attempts += 1
            target = rng.choice(SHORT if cls == "short two edits" else IMITATED)
            if cls == "renamed by hash":
                original, home = rng.choice(HASHED)
                name = rng.choice(COVER) + str(made) + ".exe"
                if name in taken:
                    continue
                taken.add(name)
                folder = rng.choice(WRITABLE + ["C:\\ProgramData\\" + name[:-4] + "\\"])
                for h in rng.sample(sysmon_hosts, rng.randrange(1, 3)):
                    emit(h, folder, name, rng.randrange(1, 4), image=(original, build[h]))
                injected.append({"class": cls, "name": name, "target": original, "folder": folder, "hosts": None})
                made += 1
                continue
            if cls == "home folder":
                name = "".join(rng.choice(SYLLABLES) for _ in range(2)) + "agent" + str(made) + ".exe"
                if name in taken:
                    continue
                taken.add(name)
                vendor = "C:\\Program Files\\" + name[:-4].capitalize() + "\\"
                for h in rng.sample(hosts, rng.randrange(12, 30)):
                    emit(h, vendor, name, rng.randrange(1, 3))
                folder = rng.choice(WRITABLE)
                emit(rng.choice(hosts), folder, name, 1)
                injected.append({"class": cls, "name": name.lower(), "target": name.lower(), "folder": folder,
                                 "hosts": None})
                made += 1
                continue
            # Most drops land where anyone can write; an administrator can also use the Windows folders.
            folder = rng.choice(WRITABLE) if rng.random() < 0.8 else rng.choice(ADMIN_DROPS)
            if cls == "short two edits":  # two edits in five letters are evidence only with the folder
                folder = rng.choice(WRITABLE)
            if cls == "wrong folder" and target == "explorer.exe" and folder == "C:\\Windows\\":
                continue
            if cls == "wrong folder":
                name = target
                key = (name.lower(), folder)
                if folder == "C:\\Windows\\" and target in ("regedit.exe", "hh.exe"):
                    continue
                if key in {(i["name"], i["folder"]) for i in injected}:
                    continue
            elif cls == "right-to-left override":
                word = rng.choice(["invoice", "report", "scan", "photo", "cv", "order", "notice"]) + str(made)
                ext = rng.choice(["pdf", "jpg", "doc", "txt", "png"])
                name = word + "\u202e" + ext[::-1] + ".exe"
            elif cls == "double extension":
                word = rng.choice(["invoice", "report", "scan", "photo", "cv", "order", "notice"]) + "_" + str(made)
                name = word + "." + rng.choice(["pdf", "docx", "xlsx", "jpg", "txt"]) + rng.choice([".exe", ".scr", ".com"])
            else:
                name = mutate(rng, cls, target, taken)
                if name is None:
                    continue
            if cls != "wrong folder":
                if name.lower() in taken:
                    continue
                taken.add(name.lower())
            for h in rng.sample(hosts, rng.randrange(1, 3)):
                emit(h, folder, name, rng.randrange(1, 4))
            injected.append({"class": cls, "name": name.lower(), "target": target,
                             "folder": folder, "hosts": None})
            made += 1
    rng.shuffle(events)
    return events, injected


def run_masq(path, mode):
    r = subprocess.run([str(MASQ), "detect", "--mode", mode, "-f", "jsonl", "-q", str(path)],
                       capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        sys.exit(f"masq failed: {r.stderr}")
    return [json.loads(line) for line in r.stdout.splitlines() if line.strip()]


def score(findings, injected):
    names = {i["name"] for i in injected if i["class"] != "wrong folder"}
    wrong = {(i["name"], i["folder"]) for i in injected if i["class"] == "wrong folder"}

    def wrong_folder_hit(f, item):
        # An alert lists every detection that fired on its events (docs/alerts.md).
        detectors = [d["detector"] for d in f.get("detections", [f])]
        return "path" in detectors and f["suspicious_process"] == item[0] and any(
            p["path"].lower().startswith(item[1].split("{user}")[0].lower()) and
            p["path"].lower().endswith(item[0]) for p in f["suspicious_paths"])

    recall = {}
    for cls in CLASSES:
        items = [i for i in injected if i["class"] == cls]
        found = 0
        for i in items:
            if cls == "wrong folder":
                found += any(wrong_folder_hit(f, (i["name"], i["folder"])) for f in findings)
            else:
                found += any(f["suspicious_process"] == i["name"] for f in findings)
        recall[cls] = (found, len(items))
    true_positive = 0
    false_positives = []
    for f in findings:
        if f["suspicious_process"] in names or any(wrong_folder_hit(f, w) for w in wrong):
            true_positive += 1
        else:
            false_positives.append(f)
    return recall, true_positive, false_positives


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--hosts", type=int, default=300)
    ap.add_argument("--per-class", type=int, default=25)
    ap.add_argument("--out", help="write the figures as JSON here")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    events, injected = generate(args, rng)
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "day.jsonl"
        with open(path, "w", encoding="utf-8") as f:
            for e in events:
                f.write(json.dumps(e, ensure_ascii=False) + "\n")
        result = {"seed": args.seed, "hosts": args.hosts, "events": len(events),
                  "distinct_names": len({e["Process"].lower() for e in events}), "injected": len(injected),
                  "modes": {}}
        for mode in ("seed", "full"):
            findings = run_masq(path, mode)
            recall, tp, fps = score(findings, injected)
            result["modes"][mode] = {
                "findings": len(findings), "true_positives": tp,
                "precision": tp / len(findings) if findings else 1.0,
                "recall": {k: v[0] / v[1] if v[1] else None for k, v in recall.items()},
                "recall_counts": {k: list(v) for k, v in recall.items()},
                "overall_recall": sum(v[0] for v in recall.values()) / max(1, sum(v[1] for v in recall.values())),
                "false_positives": [f"{f['detector']}: {f['suspicious_process']} ~ {f.get('normal_process')}: {f['reason']}"
                                    for f in fps[:20]],
            }
    print(f"{result['events']:,} events, {result['distinct_names']:,} distinct names, {len(injected)} injected "
          f"masquerades on {args.hosts} workstations (seed {args.seed})")
    print(f"{'class':26} {'seed recall':>12} {'full recall':>12}")
    for cls in CLASSES:
        s, f = result["modes"]["seed"]["recall_counts"][cls], result["modes"]["full"]["recall_counts"][cls]
        print(f"{cls:26} {s[0]:>5}/{s[1]:<3} {s[0] / s[1]:4.2f} {f[0]:>5}/{f[1]:<3} {f[0] / f[1]:4.2f}")
    for mode in ("seed", "full"):
        m = result["modes"][mode]
        print(f"{mode}: recall {m['overall_recall']:.3f}, precision {m['precision']:.3f} "
              f"({m['true_positives']} of {m['findings']} findings)")
        for fp in m["false_positives"][:10]:
            print(f"   false positive: {fp}")
    if args.out:
        pathlib.Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
