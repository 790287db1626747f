#!/usr/bin/env python3
"""Throughput of each reader: the same events as SecurityEvent export lines, ECS/winlogbeat,
Defender DeviceProcessEvents JSON, Sysmon-1 JSON and CSV, read by `masq detect --stats` (one
thread, page cache warm, best of 3); plus the real .evtx files.

    python3 bench/readers.py [--events 200000] [--out bench/readers.json]
"""
import argparse
import csv
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
MASQ = pathlib.Path(os.environ.get("MASQ_BIN", ROOT / "build" / "release" / "masq"))
SHARED = ROOT.parent / "shared"


def stats(path, fmt="auto"):
    best = None
    for _ in range(3):
        r = subprocess.run([str(MASQ), "detect", "--mode", "seed", "-q", "-j", "1", "--stats", "--input-format", fmt,
                            "-f", "jsonl", str(path)], capture_output=True, text=True, timeout=600)
        m = re.search(r"read ([0-9.]+) s", r.stderr)
        ev = re.search(r"kept ([0-9,]+)", r.stderr)
        if r.returncode != 0 or not m:
            sys.exit(f"masq failed on {path}: {r.stderr[-500:]}")
        t = float(m.group(1))
        if best is None or t < best[0]:
            best = (t, int(ev.group(1).replace(",", "")))
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=200000)
    ap.add_argument("--out")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        gen = tmp / "security.json"
        with open(gen, "wb") as f:
            subprocess.run([str(ROOT / "build" / "release" / "bench" / "gen_security_events"), str(args.events * 2230)],
                           stdout=f, stderr=subprocess.DEVNULL, check=True)
        events = [json.loads(l) for l in gen.read_text(encoding="utf-8").splitlines()]
        shapes = {
            "SecurityEvent export (34 columns)": (gen, "sentinel"),
        }
        with open(tmp / "ecs.json", "w", encoding="utf-8") as f:
            for e in events:
                f.write(json.dumps({"@timestamp": e["TimeGenerated"], "event": {"code": "4688", "kind": "event"},
                                    "host": {"name": e["Computer"]}, "process": {"name": e["Process"],
                                    "executable": e["NewProcessName"], "command_line": e["CommandLine"],
                                    "parent": {"executable": e["ParentProcessName"]}},
                                    "winlog": {"event_data": {"SubjectUserName": e["SubjectUserName"]}}}) + "\n")
        shapes["ECS / winlogbeat JSON"] = (tmp / "ecs.json", "ecs")
        with open(tmp / "defender.json", "w", encoding="utf-8") as f:
            for e in events:
                f.write(json.dumps({"Timestamp": e["TimeGenerated"], "DeviceName": e["Computer"], "ActionType": "ProcessCreated",
                                    "FileName": e["Process"], "FolderPath": e["NewProcessName"],
                                    "ProcessCommandLine": e["CommandLine"], "InitiatingProcessFileName": "services.exe"}) + "\n")
        shapes["Defender DeviceProcessEvents JSON"] = (tmp / "defender.json", "defender")
        with open(tmp / "sysmon.json", "w", encoding="utf-8") as f:
            for e in events:
                f.write(json.dumps({"Event": {"System": {"EventID": 1, "Computer": e["Computer"]},
                                              "EventData": {"UtcTime": e["TimeGenerated"].replace("T", " ").rstrip("Z"),
                                                            "Image": e["NewProcessName"], "CommandLine": e["CommandLine"]}}}) + "\n")
        shapes["Sysmon 1 JSON (evtx_dump shape)"] = (tmp / "sysmon.json", "sysmon")
        with open(tmp / "export.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["TimeGenerated [UTC]", "Computer", "EventID", "Process", "NewProcessName", "CommandLine"])
            for e in events:
                w.writerow([e["TimeGenerated"], e["Computer"], 4688, e["Process"], e["NewProcessName"], e["CommandLine"]])
        shapes["CSV (Sentinel query export)"] = (tmp / "export.csv", "csv")
        rows = []
        for name, (path, fmt) in shapes.items():
            t, kept = stats(path, fmt)
            size = path.stat().st_size
            rows.append({"reader": name, "bytes": size, "events": kept, "seconds": t,
                         "mb_per_s": size / t / 1e6, "events_per_s": kept / t})
        evtx = sorted((SHARED / "data" / "real" / "evtx").glob("*.evtx"))
        if evtx:
            t, kept = stats(SHARED / "data" / "real" / "evtx")
            size = sum(p.stat().st_size for p in evtx)
            rows.append({"reader": f"EVTX, masq's decoder ({len(evtx)} real files)", "bytes": size, "events": kept,
                         "seconds": t, "mb_per_s": size / t / 1e6, "events_per_s": kept / t})
    print(f"{'reader':40} {'MB':>8} {'events':>9} {'seconds':>8} {'MB/s':>8} {'events/s':>10}")
    for r in rows:
        print(f"{r['reader']:40} {r['bytes'] / 1e6:8.1f} {r['events']:9,} {r['seconds']:8.3f} {r['mb_per_s']:8.0f} "
              f"{r['events_per_s']:10,.0f}")
    if args.out:
        pathlib.Path(args.out).write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
