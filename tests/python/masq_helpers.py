# SPDX-License-Identifier: MIT
"""Helpers for the Python-package tests: the CLI's findings as records, and comparison.

(A module of its own, not conftest.py: tests/conftest.py would shadow a second `conftest` import.)"""
import json
import os
import pathlib
import subprocess
import sys

import numpy as np

import masq


def local_spark(app_name, **config):
    """A local[2] SparkSession for the tests, quiet, whose Python workers can import the notebook's
    UDF (tests/parity/notebook_seed.py). The JVM keeps the environment of the run's first session,
    so every module sets the same PYTHONPATH whichever starts first. `config`: Spark settings."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    parity = str(pathlib.Path(__file__).resolve().parents[1] / "parity")
    if parity not in os.environ.get("PYTHONPATH", "").split(os.pathsep):
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [parity, os.environ.get("PYTHONPATH")]))
    builder = (SparkSession.builder.master("local[2]").appName(app_name)
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false"))
    for key, value in config.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def cli_findings(masq_bin, inputs, mode, *extra):
    """`masq detect --format jsonl` as a list of dicts (without the "type" field)."""
    out = subprocess.run([masq_bin, "detect", "--mode", mode, "--format", "jsonl", "--quiet", *extra,
                          *map(str, inputs)], capture_output=True, text=True, check=True).stdout
    records = [json.loads(line) for line in out.splitlines() if line.strip()]
    for r in records:
        assert r.pop("type") == "finding"
    return records


def normalise(records):
    """Records with the score as float32 (the CLI writes the shortest decimal of the float32,
    Python holds the float32's exact value) so that equal findings compare equal."""
    out = []
    for r in records:
        r = dict(r)
        r["score"] = float(np.float32(r["score"]))
        for field in masq.FINDING_SCHEMA:  # the DataFrame holds times, the CLI writes text
            value = r.get(field["field"])
            if field["type"] == "time?" and value is not None and not isinstance(value, str):
                r[field["field"]] = None if value != value else masq.time_text(value)
        if r.get("samples"):
            r["samples"] = [{**s, "time": s["time"] if s["time"] is None or isinstance(s["time"], str)
                             else masq.time_text(s["time"])} for s in r["samples"]]
        out.append(r)
    return out


def assert_same_findings(python_records, cli_records):
    py, cli = normalise(python_records), normalise(cli_records)
    assert len(py) == len(cli), f"{len(py)} findings from Python, {len(cli)} from the CLI"
    for i, (a, b) in enumerate(zip(py, cli)):
        assert a == b, f"finding {i} differs:\nPython: {a}\nCLI:    {b}"


def frame_records(frame):
    """A findings DataFrame as plain records (numpy scalars and arrays as Python values)."""
    def plain(v):
        if isinstance(v, np.generic):
            return v.item()
        if isinstance(v, np.ndarray):
            return [plain(x) for x in v]
        if isinstance(v, (list, tuple)):
            return [plain(x) for x in v]
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if v is not None and not isinstance(v, (str, bool, int)) and hasattr(v, "asDict"):
            return {k: plain(x) for k, x in v.asDict().items()}
        if isinstance(v, float) and np.isnan(v):
            return None
        return v
    return [{k: plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def with_sample_field(records, field, value):
    """Records whose sample events all have `field` set to `value`: a table's rows come from
    "<table>", a file's from its path; everything else must be equal."""
    return [{**r, "samples": [{**s, field: value} for s in r["samples"]]} for r in records]
