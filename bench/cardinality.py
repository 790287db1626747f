#!/usr/bin/env python3
"""Whole runs at fleet cardinality: masq detect on 100k, 1M and 3M distinct names, against DuckDB.

    python3 bench/cardinality.py [--sizes 100000,1000000,3000000] [--modes seed,full] [--repeat 3]
                                 [--threads 2] [--dir /tmp/masq-cardinality] [--baseline OLD_MASQ]
                                 [--out bench/cardinality.json]

For each size N it builds a SecurityEvent JSON-lines file (cached in --dir) from the realistic
name generator of the join benchmark (tests/support/name_sets.h through `similarity_join_bench
--names-only`: Windows and vendor binaries, versioned tools, installer and temp names with hex,
12 % look-alikes): N/5 frequent names with 3 events, 3N/5 with 2 and N/5 infrequent ones with 1,
two events per name on average, so the seed join is N/5 × N/5 (100k names: the join benchmark's
20k × 20k). Each event is {"TimeGenerated", "Computer", "EventID": 4688, "Process",
"NewProcessName", "ParentProcessName"}; `Process` keeps a Windows spelling (svchost.exe,
Svchost.exe, SVCHOST.EXE) and a name's events may spell it differently; paths put catalog
binaries in their folder and the rest under Program Files, ProgramData, System32 or a user's Temp.

It then times, in one run and alternating (medians of --repeat; wall and peak RSS from
/usr/bin/time; masq's own per-stage times from --stats):
  * masq detect --mode seed / full -j THREADS --stats (and the --baseline binary, for A/B);
  * DuckDB doing the seed pipeline's relational part on the same file: read_json (EventID,
    Process) + filter 4688 + group by lower(Process) + percent_rank() over the counts + the
    frequent / infrequent split (threads=THREADS).
"""
import argparse
import csv
import json
import os
import pathlib
import random
import re
import statistics
import subprocess
import sys
import zlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "release"
NAMES = BUILD / "bench" / "similarity_join_bench"
# DuckDB comes with the project's environment (scripts/bootstrap.sh); any Python may run this script.
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable


def catalog_folders():
    """Catalog binaries with their home folder (data/catalog/binaries.tsv), e.g. svchost.exe."""
    out = {}
    with open(ROOT / "data" / "catalog" / "binaries.tsv", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            folder = row.get("folder") or ""
            if folder.startswith("?:"):
                out[row["name"].lower()] = "C:" + folder[2:]
    return out


VENDORS = ["Microsoft", "Google", "Mozilla", "Adobe", "Cisco", "Lenovo", "Dell", "HP", "Intel",
           "NVIDIA", "Realtek", "Zoom", "Citrix", "VMware", "Oracle", "JetBrains", "Docker", "Git"]


def spellings(name, h):
    """How Windows logs spell a lower-cased name: mostly as is, else capitalised or upper-cased."""
    choice = h % 10
    if choice < 6:
        return name
    if choice < 9:
        return name[:1].upper() + name[1:]
    return name.upper()


def folder_of(name, h, catalog):
    if name in catalog:
        return catalog[name]
    r = (h >> 8) % 100
    vendor = VENDORS[(h >> 16) % len(VENDORS)]
    if r < 45:
        return f"C:\\Program Files\\{vendor}\\"
    if r < 60:
        return f"C:\\ProgramData\\{vendor}\\"
    if r < 75:
        return "C:\\Windows\\System32\\"
    return f"C:\\Users\\user{(h >> 20) % 500}\\AppData\\Local\\Temp\\"


def build_file(n, work, seed=2026):
    path = work / f"cardinality-{n}.json"
    if path.exists():
        return path
    names_dir = work / f"names-{n}"
    subprocess.run([str(NAMES), str(n // 5), str(n // 5), "--middle", str(n - 2 * (n // 5)), "--names-only", "1",
                    "--write-names", str(names_dir), "--seed", str(seed)], check=True, stdout=subprocess.DEVNULL)
    read = lambda f: (names_dir / f).read_text(encoding="utf-8").splitlines()
    groups = [(read("frequent.txt"), 3), (read("middle.txt"), 2), (read("infrequent.txt"), 1)]
    catalog = catalog_folders()
    rng = random.Random(seed)
    named = [(name, events) for names, events in groups for name in names]
    rng.shuffle(named)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        # Round r writes the r-th event of every name that has one, so a name's events are spread
        # over the file as in a real export, without holding all lines in memory.
        for r in range(3):
            lines = []
            for name, events in named:
                if events <= r:
                    continue
                h = zlib.crc32(name.encode())
                spelled = spellings(name, h if rng.random() < 0.9 else h + 1)
                folder = folder_of(name, h, catalog)
                parent = "C:\\Windows\\System32\\services.exe" if folder.startswith("C:\\Windows") \
                    else "C:\\Windows\\explorer.exe"
                t = 1714521600 + rng.randrange(7 * 86400)
                ms = rng.randrange(1000)
                d, rem = divmod(t - 1714521600, 86400)
                lines.append(json.dumps({
                    "TimeGenerated": f"2024-05-{1 + d:02d}T{rem // 3600:02d}:{rem // 60 % 60:02d}:{rem % 60:02d}.{ms:03d}Z",
                    "Computer": f"WS-{rng.randrange(5000):05d}.corp.example.com", "EventID": 4688,
                    "Process": spelled, "NewProcessName": folder + spelled, "ParentProcessName": parent,
                }, ensure_ascii=False, separators=(",", ":")))
                if len(lines) >= 100000:
                    out.write("\n".join(lines) + "\n")
                    lines = []
            if lines:
                out.write("\n".join(lines) + "\n")
    tmp.rename(path)
    return path


STAGE = re.compile(r"^\s*([a-z][a-z ,/()-]*?)\s+([0-9.]+) s\b", re.M)


def timed(cmd, ok=(0, 1)):
    """Wall seconds, peak RSS (MiB), stderr and stdout of `cmd`; exits if its status is not in `ok`
    (masq exits 1 when it finds something)."""
    r = subprocess.run(["/usr/bin/time", "-f", "TIME %e %M", *cmd], capture_output=True, text=True)
    if r.returncode not in ok:
        sys.exit(f"{cmd} failed ({r.returncode}): {r.stderr[-2000:]}")
    m = re.search(r"TIME ([0-9.]+) ([0-9]+)", r.stderr)
    return float(m.group(1)), int(m.group(2)) / 1024.0, r.stderr, r.stdout


def masq_run(binary, path, mode, threads):
    seconds, rss, err, _ = timed([str(binary), "detect", "--mode", mode, "-j", str(threads), "--stats",
                                  "-f", "jsonl", "-o", "/dev/null", str(path)])
    return {"seconds": seconds, "rss_mib": rss, "stats": err.replace(f"TIME", "#TIME").strip()}


def duckdb_code(path, threads):
    return (
        "import duckdb; c=duckdb.connect(); c.execute('SET threads=%d'); c.execute('SET enable_progress_bar=false'); "
        "r=c.execute(\"WITH g AS (SELECT lower(Process) AS p, count(*) AS n FROM read_json('%s', "
        "format='newline_delimited', columns={'EventID': 'VARCHAR', 'Process': 'VARCHAR'}) "
        "WHERE EventID = '4688' GROUP BY p), r AS (SELECT p, n, percent_rank() OVER (ORDER BY n) AS pr FROM g) "
        "SELECT count(*), count(*) FILTER (WHERE pr >= 0.8), count(*) FILTER (WHERE pr < 0.2) FROM r\").fetchall(); "
        "print(r)" % (threads, path))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100000,1000000,3000000")
    ap.add_argument("--modes", default="seed,full")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--dir", default="/tmp/masq-cardinality")
    ap.add_argument("--masq", default=str(BUILD / "masq"))
    ap.add_argument("--baseline", help="another masq binary to time beside --masq (A/B in one run)")
    ap.add_argument("--no-duckdb", action="store_true")
    ap.add_argument("--out")
    args = ap.parse_args()
    if not NAMES.exists():
        sys.exit(f"{NAMES} is missing: build the release preset first")
    work = pathlib.Path(args.dir)
    work.mkdir(parents=True, exist_ok=True)
    binaries = [("masq", args.masq)] + ([("baseline", args.baseline)] if args.baseline else [])
    results = []
    for n in map(int, args.sizes.split(",")):
        path = build_file(n, work)
        size = path.stat().st_size
        subprocess.run(["cat", str(path)], stdout=subprocess.DEVNULL, check=True)  # warm the page cache
        entry = {"names": n, "bytes": size, "events": None, "runs": {}}
        for mode in args.modes.split(","):
            for label, binary in binaries:
                entry["runs"][f"{label} {mode}"] = []
            for _ in range(args.repeat):  # alternating, so a slow spell of the VM hits both
                for label, binary in binaries:
                    entry["runs"][f"{label} {mode}"].append(masq_run(binary, path, mode, args.threads))
        if not args.no_duckdb:
            entry["runs"]["duckdb"] = []
            for _ in range(args.repeat):
                # A Python without duckdb fails with status 1: not a result.
                seconds, rss, _, out = timed([PYTHON, "-c", duckdb_code(path, args.threads)], ok=(0,))
                entry["runs"]["duckdb"].append({"seconds": seconds, "rss_mib": rss, "result": out.strip()})
        print(f"\n== {n:,} distinct names, {size / 1e6:.0f} MB, {args.threads} threads ==")
        for what, runs in entry["runs"].items():
            med = statistics.median(r["seconds"] for r in runs)
            rss = max(r["rss_mib"] for r in runs)
            runs_s = ", ".join(f"{r['seconds']:.2f}" for r in runs)
            print(f"{what:16} median {med:7.2f} s  ({runs_s})  peak RSS {rss:7.0f} MiB  "
                  f"{size / med / 1e6:6.0f} MB/s")
        for what, runs in entry["runs"].items():
            if what != "duckdb":
                print(f"-- {what}, last run's --stats:\n{runs[-1]['stats']}")
            else:
                print(f"-- duckdb result (names, frequent, infrequent): {runs[-1]['result']}")
        results.append(entry)
        sys.stdout.flush()
    if args.out:
        pathlib.Path(args.out).write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
