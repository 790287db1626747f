#!/usr/bin/env python3
"""Writes SecurityEvent lines with N distinct process names, two events each, to standard output:
vendor-like syllable names (half with a version number), installer and temp names with hex,
dotted versions, and one-edit variants of Windows names. Deterministic.

    python3 bench/gen_distinct_names.py 100000 > names100k.jsonl
"""
import json
import random
import sys

rng = random.Random(5)
n = int(sys.argv[1])
syl = ["micro","soft","adobe","update","sync","helper","agent","service","tray","launcher","crash","handler","broker",
       "runtime","nvidia","intel","realtek","audio","display","dell","lenovo","vpn","cisco","connect","citrix","java",
       "backup","veeam","print","scan","cloud","zoom","team","viewer","remote","desk","watch","sense","cyber","host"]
win = ["svchost","lsass","csrss","explorer","conhost","rundll32","regsvr32","dllhost","taskhostw","cmd","powershell"]
names = set()
while len(names) < n:
    r = rng.random()
    if r < 0.5:
        s = "".join(rng.choice(syl) for _ in range(rng.randrange(1, 4))) + (str(rng.randrange(1000)) if rng.random() < 0.5 else "")
    elif r < 0.8:
        s = rng.choice(["setup_", "install_", "tmp", "is-", "au_", "update-"]) + "%x" % rng.getrandbits(rng.choice([16, 24, 32]))
    elif r < 0.95:
        s = rng.choice(syl) + "-" + ".".join(str(rng.randrange(30)) for _ in range(3))
    else:
        w = list(rng.choice(win)); i = rng.randrange(len(w)); w[i] = rng.choice("abcdefghijklmnopqrstuvwxyz0123456789"); s = "".join(w)
    names.add(s + ".exe")
out = sys.stdout
for k, name in enumerate(sorted(names)):
    for j in range(2):
        out.write(json.dumps({"EventID": 4688, "Computer": "WS%04d" % ((k + j) % 500), "Process": name,
                              "NewProcessName": "C:\\Program Files\\V%d\\%s" % (k % 97, name),
                              "TimeGenerated": "2026-11-20T10:%02d:%02d.000Z" % (k % 60, j)}) + "\n")
