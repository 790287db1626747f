#!/usr/bin/env python3
"""Ingest throughput: masq against cat, a bare simdjson loop and DuckDB, in one run.

    python3 bench/ingest.py [--sizes-gb 1,10] [--dir /tmp/masq-ingest-bench] [--repeat 3]

For each size it writes realistic SecurityEvent export lines (bench/gen_security_events.cpp:
34 columns, ~2.2 KB per line, escaped backslashes, a large escaped-XML EventData), warms the page
cache, and times (best of --repeat, wall clock, peak RSS from /usr/bin/time):
  * cat FILE > /dev/null                       — the floor: reading the bytes
  * simdjson_baseline FILE                     — bare iterate_many + count of Process (one thread)
  * masq detect --mode seed -j1 / -j2          — the whole tool: parse, lower-case, count names,
                                                 paths, hosts and times, rank, match, write findings
  * DuckDB read_json (projection EventID, Process) + filter 4688 + group by lower(Process),
    threads=1 and 2
and reports throughput and ratios.
"""
import argparse
import json
import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "release"


def timed(cmd, repeat, **kw):
    best = None
    for _ in range(repeat):
        r = subprocess.run(["/usr/bin/time", "-f", "TIME %e %M", *cmd], capture_output=True, text=True, **kw)
        if r.returncode != 0:
            sys.exit(f"{cmd} failed: {r.stderr[-2000:]}")
        m = re.search(r"TIME ([0-9.]+) ([0-9]+)", r.stderr)
        seconds, rss_kib = float(m.group(1)), int(m.group(2))
        if best is None or seconds < best[0]:
            best = (seconds, rss_kib, r.stdout)
    return best


def duckdb_query(path, threads):
    return (f"import duckdb,time; c=duckdb.connect(); c.execute('SET threads={threads}'); "
            f"r=c.execute(\"SELECT lower(Process) AS p, count(*) AS n FROM read_json('{path}', "
            f"format='newline_delimited', columns={{'EventID': 'VARCHAR', 'Process': 'VARCHAR'}}) "
            f"WHERE EventID = '4688' GROUP BY p\").fetchall(); print(len(r))")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes-gb", default="1")
    ap.add_argument("--dir", default="/tmp/masq-ingest-bench")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out")
    args = ap.parse_args()
    work = pathlib.Path(args.dir)
    work.mkdir(parents=True, exist_ok=True)
    results = []
    for gb in [float(x) for x in args.sizes_gb.split(",")]:
        path = work / f"securityevent-{gb:g}gb.json"
        size = int(gb * 1e9)
        if not path.exists() or path.stat().st_size < size:
            with open(path, "wb") as f:
                subprocess.run([str(BUILD / "bench" / "gen_security_events"), str(size)], stdout=f, check=True)
        size = path.stat().st_size
        subprocess.run(["cat", str(path)], stdout=subprocess.DEVNULL, check=True)  # warm the page cache
        rows = {}
        rows["cat > /dev/null"] = timed(["sh", "-c", f"cat '{path}' > /dev/null"], args.repeat)
        rows["simdjson iterate_many + count (1 thread)"] = timed([str(BUILD / "bench" / "simdjson_baseline"), str(path)], args.repeat)
        for j in (1, 2):
            rows[f"masq detect --mode seed -j{j}"] = timed(
                [str(BUILD / "masq"), "detect", "--mode", "seed", "-q", "-f", "jsonl", "-j", str(j), str(path)],
                args.repeat)
        for j in (1, 2):
            rows[f"DuckDB read_json + filter + group by, {j} thread{'s' if j > 1 else ''}"] = timed(
                [sys.executable, "-c", duckdb_query(path, j)], max(1, args.repeat - 1))
        print(f"\n== {size / 1e9:.2f} GB, {path.name} ==")
        print(f"{'what':52} {'seconds':>8} {'GB/s':>6} {'peak RSS':>9}")
        for name, (s, rss, _) in rows.items():
            print(f"{name:52} {s:8.2f} {size / s / 1e9:6.2f} {rss / 1024:7.0f} MB")
        base = rows["simdjson iterate_many + count (1 thread)"][0]
        j1, j2 = rows["masq detect --mode seed -j1"][0], rows["masq detect --mode seed -j2"][0]
        d1 = rows["DuckDB read_json + filter + group by, 1 thread"][0]
        d2 = rows["DuckDB read_json + filter + group by, 2 threads"][0]
        ratios = {"masq_j1_vs_bare_simdjson": base / j1, "masq_j2_speedup": j1 / j2,
                  "masq_vs_duckdb_1_thread": d1 / j1, "masq_vs_duckdb_2_threads": d2 / j2}
        for k, v in ratios.items():
            print(f"  {k}: {v:.2f}")
        results.append({"bytes": size, "rows": {k: {"seconds": v[0], "peak_rss_kib": v[1]} for k, v in rows.items()},
                        "ratios": ratios})
    if args.out:
        pathlib.Path(args.out).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
