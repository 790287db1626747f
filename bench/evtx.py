# SPDX-License-Identifier: MIT
"""EVTX reading: masq against pyevtx-rs (`pip install evtx`, the Python binding of the Rust `evtx`
crate that chainsaw and hayabusa use) and, where it finishes in time, python-evtx — on the same
files, in one run, interleaved, at 1 and 2 threads, repeated; medians.

    python3 bench/evtx.py [--build build/release] [--repeat 5] [--out bench/evtx.json] [PATH ...]

Each PATH is a file or a folder (read as one input); without PATHs: every real log of
../shared/data/real/evtx, the largest logs of ../shared/data/evtx-corpus, and that folder whole.

Every reader runs in its own process (`--rounds` processes each, interleaved), reads the input
`--repeat` times and reports the median of its own reading loop (process start and imports left
out; the first reading warms the page cache and the allocator for both): masq through `bench/evtx_read` (the reader driver
read_into, as `masq detect` reads, into a profile), pyevtx-rs iterating `records_json` (each
record rendered as JSON, as chainsaw and hayabusa need it) with `number_of_threads` set to the
same thread count. Peak RSS is each process's own (the Python one includes the interpreter).
records/s counts every record of the input as pyevtx-rs reads it, for both. For a folder, the
whole `masq detect --mode seed` run (process start and detection included) is timed too.
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"

PYEVTX_RS = r"""
import sys, time, evtx, json, statistics, resource
threads = int(sys.argv[1]); repeat = int(sys.argv[2]); files = sys.argv[3:]
runs = []
for _ in range(repeat):
    t = time.perf_counter(); n = errors = 0
    for f in files:
        it = evtx.PyEvtxParser(f, number_of_threads=threads).records_json()
        while True:
            try:
                next(it)
            except StopIteration:
                break
            except Exception:  # a damaged chunk or record: counted, the rest read
                errors += 1
                if errors > 100000: break
            else:
                n += 1
    runs.append(time.perf_counter() - t)
print(json.dumps({"seconds": statistics.median(runs), "runs": runs, "records": n, "errors": errors,
                  "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

PYTHON_EVTX = r"""
import sys, time, json, resource
import Evtx.Evtx as evtx
files = sys.argv[3:]
t = time.perf_counter(); n = errors = 0
for f in files:
    try:
        with evtx.Evtx(f) as log:
            for r in log.records():
                r.xml(); n += 1
    except Exception:  # a damaged log: the rest of it is lost to this reader
        errors += 1
print(json.dumps({"seconds": time.perf_counter() - t, "records": n, "errors": errors,
                  "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def logs_of(path):
    p = pathlib.Path(path)
    return sorted(str(x) for x in p.rglob("*.evtx")) if p.is_dir() else [str(p)]


def timed(cmd, timeout):
    """(stdout, wall seconds, peak RSS MiB) of cmd under /usr/bin/time."""
    with tempfile.NamedTemporaryFile("r") as t:
        r = subprocess.run(["/usr/bin/time", "-o", t.name, "-f", "%e %M"] + cmd, capture_output=True, text=True,
                           timeout=timeout)
        if r.returncode != 0:
            raise RuntimeError(f"{cmd[0]} failed: {r.stderr[-500:]}")
        wall, rss = t.read().split()[-2:]
        return r.stdout, float(wall), int(rss) / 1024


def run_masq(build, path, threads, repeat, timeout):
    r = subprocess.run([str(build / "bench" / "evtx_read"), "-j", str(threads), "-r", str(repeat), path],
                       capture_output=True, text=True, timeout=timeout, check=True)
    return json.loads(r.stdout)


def run_masq_cli(build, path, threads, timeout):
    _, wall, rss = timed([str(build / "masq"), "detect", "--mode", "seed", "-q", "-f", "jsonl", "-j", str(threads),
                          path], timeout)
    return {"seconds": wall, "rss_mib": rss}


def run_python(python, script, files, threads, repeat, timeout):
    r = subprocess.run([python, "-c", script, str(threads), str(repeat)] + files, capture_output=True, text=True,
                       timeout=timeout, check=True)
    return json.loads(r.stdout.splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*")
    ap.add_argument("--build", default=str(ROOT / "build" / "release"), help="masq's build folder")
    ap.add_argument("--python", default=sys.executable, help="a Python with `evtx` (pyevtx-rs) installed")
    ap.add_argument("--repeat", type=int, default=10, help="readings per process (the median is kept)")
    ap.add_argument("--rounds", type=int, default=3, help="processes per reader, interleaved (median of medians)")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--python-evtx-timeout", type=float, default=120,
                    help="seconds python-evtx may take on one input before it is left out")
    ap.add_argument("--out", help="write the figures as JSON here")
    a = ap.parse_args()
    paths = a.paths
    if not paths:
        paths = sorted(str(p) for p in (SHARED / "real" / "evtx").glob("*.evtx"))
        corpus = SHARED / "evtx-corpus"
        biggest = sorted(corpus.rglob("*.evtx"), key=lambda p: -p.stat().st_size)[:4]
        paths += [str(p) for p in biggest] + [str(corpus)]
    have_python_evtx = subprocess.run([a.python, "-c", "import Evtx.Evtx"], capture_output=True).returncode == 0
    threads = [int(t) for t in a.threads.split(",")]
    build = pathlib.Path(a.build)
    rows = []
    for path in paths:
        files = logs_of(path)
        size = sum(os.path.getsize(f) for f in files)
        for t in threads:
            runs = {"masq": [], "pyevtx-rs": []}
            records = None
            for _ in range(a.rounds):  # interleaved, so a busy moment of the machine hits both
                runs["masq"].append(run_masq(build, path, t, a.repeat, 600))
                r = run_python(a.python, PYEVTX_RS, files, t, a.repeat, 600)
                records = r["records"]
                runs["pyevtx-rs"].append(r)
            if os.path.isdir(path):
                runs["masq detect (whole run)"] = [run_masq_cli(build, path, t, 600) for _ in range(a.rounds)]
            if have_python_evtx and t == 1:
                try:
                    runs["python-evtx"] = [run_python(a.python, PYTHON_EVTX, files, t, 1, a.python_evtx_timeout)]
                except (subprocess.TimeoutExpired, subprocess.CalledProcessError):
                    pass
            row = {"input": os.path.relpath(path, ROOT.parent), "files": len(files), "bytes": size,
                   "records": records, "threads": t}
            for reader, rs in runs.items():
                sec = statistics.median(r["seconds"] for r in rs)
                row[reader] = {"seconds": sec, "records_per_s": records / sec if sec else None,
                               "mb_per_s": size / 1e6 / sec if sec else None,
                               "rss_mib": max(r["rss_mib"] for r in rs), "runs": len(rs)}
            row["ratio"] = row["pyevtx-rs"]["seconds"] / row["masq"]["seconds"]
            rows.append(row)
            for reader in runs:
                if reader not in ("masq", "pyevtx-rs"):
                    print(f"    {reader}: {row[reader]['seconds']:.3f} s, {row[reader]['records_per_s']:,.0f} records/s")
            print(f"{row['input'][:70]:70} j{t} {records:>7} rec  masq {row['masq']['records_per_s']:>10,.0f}/s "
                  f"{row['masq']['mb_per_s']:7.1f} MB/s {row['masq']['rss_mib']:5.0f} MiB | pyevtx-rs "
                  f"{row['pyevtx-rs']['records_per_s']:>10,.0f}/s {row['pyevtx-rs']['mb_per_s']:7.1f} MB/s "
                  f"{row['pyevtx-rs']['rss_mib']:5.0f} MiB | x{row['ratio']:.2f}", flush=True)
    if a.out:
        pathlib.Path(a.out).write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
