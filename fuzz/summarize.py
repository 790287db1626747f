#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The figures of a campaign (make fuzz) as the table of docs/robustness.md: per harness the
executions, executions per second, edges and features covered, corpus size, peak RSS and the
outcome, read from libFuzzer's final statistics in build/fuzz-campaign/HARNESS.log."""
import pathlib
import re
import sys


def figures(log):
    text = log.read_text(errors="replace")
    stat = dict(re.findall(r"^stat::(\w+):\s+(\d+)", text, re.M))
    status = re.findall(r"^#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+) corp: (\d+)/(\S+)", text, re.M)
    last = status[-1] if status else ("0", "?", "?", "?", "?")
    crashed = re.search(r"ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer)[^\n]*", text)
    seconds = re.search(r"Done (\d+) runs in (\d+) second", text)
    return {
        "harness": log.stem,
        "executions": int(stat.get("number_of_executed_units", last[0])),
        "per_second": int(stat.get("average_exec_per_sec", 0)),
        "seconds": int(seconds.group(2)) if seconds else None,
        "cov": last[1], "ft": last[2], "corpus": f"{last[3]} ({last[4]})",
        "rss": stat.get("peak_rss_mb", "?"),
        "outcome": crashed.group(0) if crashed else "clean",
    }


def main(folder):
    rows = [figures(p) for p in sorted(pathlib.Path(folder).glob("*.log"))]
    print("| harness | executions | exec/s | seconds | edges (cov) | features (ft) | corpus (inputs, bytes) | peak RSS MB | outcome |")
    print("|---|---:|---:|---:|---:|---:|---|---:|---|")
    for r in rows:
        print(f"| {r['harness']} | {r['executions']:,} | {r['per_second']:,} | {r['seconds'] or '?'} | {r['cov']} | "
              f"{r['ft']} | {r['corpus']} | {r['rss']} | {r['outcome']} |")
    return 0 if all(r["outcome"] == "clean" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "build/fuzz-campaign"))
