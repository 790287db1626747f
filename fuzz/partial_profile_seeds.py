#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the seeds of the partial_profile fuzz harness (fuzz/corpus/partial_profile).

A partial profile is what a Spark executor sends the driver (masq._core.read_parts), so the seeds
are real ones: read from the inputs of the other harnesses' corpora, whole and as a byte range,
from a file with a broken line (problems travel in the bytes), and of nothing at all. Run it with
the project's environment whenever the format changes (its magic, src/profile/partial_profile.cpp):

    .venv/bin/python fuzz/partial_profile_seeds.py
"""

import gzip
import os
import pathlib
import tempfile

from masq import _core

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "fuzz" / "corpus" / "partial_profile"
WHOLE = 2**64 - 1


def write(name: str, data: bytes) -> None:
    (OUT / name).write_bytes(data)
    print(f"{name}: {len(data)} bytes")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with gzip.open(ROOT / "data" / "sample" / "securityevent-sample.json.gz", "rt", encoding="utf-8") as f:
        export = [line for i, line in enumerate(f) if i % 40 == 0][:12]  # a few names, paths, hosts
    ecs = (ROOT / "fuzz" / "corpus" / "json_dialects" / "dialect-0.json").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        # Relative names, so that the seeds do not depend on where they were written.
        os.chdir(tmp)
        pathlib.Path("two.jsonl").write_text("".join(export[:2]), encoding="utf-8")
        pathlib.Path("twelve.jsonl").write_text("".join(export), encoding="utf-8")
        pathlib.Path("ecs.json").write_text(ecs, encoding="utf-8")
        pathlib.Path("broken.jsonl").write_text(
            "".join(export[:1]) + '{"EventID": 4688, "Process": \n' + "".join(export[1:3]), encoding="utf-8")
        write("empty", _core.read_parts([]))
        write("events-0", _core.read_parts([("two.jsonl", 0, WHOLE)]))
        write("events-1", _core.read_parts([("ecs.json", 0, WHOLE)], format="ecs"))
        write("events-2", _core.read_parts([("twelve.jsonl", 0, WHOLE), ("two.jsonl", 0, WHOLE)]))
        size = pathlib.Path("twelve.jsonl").stat().st_size
        write("range", _core.read_parts([("twelve.jsonl", size // 3, 2 * size // 3)]))
        write("with-problems", _core.read_parts([("broken.jsonl", 0, WHOLE)]))


if __name__ == "__main__":
    main()
