#!/usr/bin/env python3
"""Thread scaling of the EVTX reader over a folder: bench/evtx_read at -j1 and -j2, alternating.

    python3 bench/evtx_scaling.py [--rounds 8] [--repeat 60] [--folder ../shared/data/evtx-corpus]
                                  [BINARY ...]

Each round runs every binary (default build/release/bench/evtx_read) once per thread count,
each process reading the folder --repeat times; a round's figure is the process's wall time over
--repeat (process start included, spread over the readings). Prints the median per thread count,
the scaling (median -j1 / median -j2) and each round's ratio, for each binary (an A/B of two
builds of the reader driver runs them in the same rounds).
"""
import argparse
import pathlib
import statistics
import subprocess
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binaries", nargs="*", default=[str(ROOT / "build/release/bench/evtx_read")])
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=60)
    ap.add_argument("--folder", default=str(ROOT.parent / "shared/data/evtx-corpus"))
    a = ap.parse_args()
    seconds = {(b, j): [] for b in a.binaries for j in (1, 2)}
    for _ in range(a.rounds):
        for b in a.binaries:
            for j in (1, 2):
                start = time.perf_counter()
                subprocess.run([b, "-j", str(j), "-r", str(a.repeat), a.folder], check=True,
                               stdout=subprocess.DEVNULL)
                seconds[(b, j)].append((time.perf_counter() - start) / a.repeat)
    for b in a.binaries:
        one, two = statistics.median(seconds[(b, 1)]), statistics.median(seconds[(b, 2)])
        ratios = " ".join(f"{x / y:.2f}" for x, y in zip(seconds[(b, 1)], seconds[(b, 2)]))
        print(f"{b}: -j1 {one * 1000:.2f} ms, -j2 {two * 1000:.2f} ms, scaling {one / two:.2f}x "
              f"(rounds: {ratios})")


if __name__ == "__main__":
    main()
