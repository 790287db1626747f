# SPDX-License-Identifier: MIT
"""Frozen outputs of masq: each case is a command whose standard output must stay byte-identical
across refactors. `python3 tests/golden/cases.py --write MASQ` records them (only when a change of
behaviour is intended and reviewed); tests/cli/test_golden.py compares."""
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
REAL = SHARED / "data" / "real"
EXPECTED = ROOT / "tests" / "golden" / "expected"

# Relative to ROOT (the working directory of every case), so that the `source` of a sample event
# is the same on any checkout.
SAMPLE = "data/sample"
EVENTS = "../shared/data/real/real_process_events.jsonl"
EVTX = "../shared/data/real/evtx"

# name -> (arguments, needs ../shared)
CASES = {
    "sample-full.jsonl": (["detect", "-f", "jsonl", SAMPLE], False),
    "sample-seed.jsonl": (["detect", "--mode", "seed", "-f", "jsonl", SAMPLE], False),
    "sample-seed-synthetic.jsonl": (
        ["detect", "--mode", "seed", "--inject-synthetic", "--seed", "7", "-f", "jsonl", SAMPLE], False),
    "sample-full.csv": (["detect", "-f", "csv", SAMPLE], False),
    "sample-full.table": (["detect", "-f", "table", "--no-color", SAMPLE], False),
    "sample-explain-suchost.txt": (["explain", "suchost.exe", SAMPLE], False),
    "sample-explain-svchost.txt": (["explain", "svchost.exe", SAMPLE], False),
    "real-full.jsonl": (["detect", "-f", "jsonl", EVENTS], True),
    "real-seed.jsonl": (["detect", "--mode", "seed", "-f", "jsonl", EVENTS], True),
    "real-evtx-full.jsonl": (["detect", "-f", "jsonl", EVTX], True),
    "real-evtx-seed.jsonl": (["detect", "--mode", "seed", "-f", "jsonl", EVTX], True),
    "real-evtx-convert.jsonl": (["convert", EVTX], True),
}


def run(masq, name):
    args, _ = CASES[name]
    out = subprocess.run([masq, *args], cwd=ROOT, capture_output=True, check=False)
    return out.stdout


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "--write":
        sys.exit("usage: cases.py --write MASQ")
    EXPECTED.mkdir(parents=True, exist_ok=True)
    for name in CASES:
        (EXPECTED / name).write_bytes(run(sys.argv[2], name))
        print(name, len((EXPECTED / name).read_bytes()))
