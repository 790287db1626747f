# SPDX-License-Identifier: MIT
"""Every output of an alert against its one definition, data/schema/finding.tsv (and sample.tsv):
the JSON lines carry exactly its fields in its order and types, the CSV its `csv` fields, the
Bicep table its Sentinel columns and types; on data/sample and the real logs."""
import csv
import io
import json
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "support"))
from sentinel_server import bicep_columns  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "real"
INPUTS = [str(ROOT / "data" / "sample")] + ([str(SHARED)] if SHARED.is_dir() else [])
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?Z$")


def table(name):
    lines = [l for l in (ROOT / "data" / "schema" / name).read_text(encoding="utf-8").splitlines()
             if l and not l.startswith("#")]
    header = lines[0].split("\t")
    return [dict(zip(header, l.split("\t"))) for l in lines[1:]]


FINDING = table("finding.tsv")
SAMPLE = table("sample.tsv")


def check_value(kind, value, key="-"):
    """Whether `value` is what the schema type `kind` says."""
    if kind in ("string",):
        return isinstance(value, str)
    if kind in ("string?",):
        return value is None or isinstance(value, str)
    if kind == "level":
        return value in ("critical", "high", "medium", "low", "informational")
    if kind == "real":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    if kind == "int?":
        return value is None or (isinstance(value, int) and value >= 0)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "time?":
        return value is None or (isinstance(value, str) and ISO.match(value) is not None)
    if kind == "counts":
        return isinstance(value, list) and all(
            list(v) == [key, "count"] and isinstance(v[key], str) and isinstance(v["count"], int) for v in value)
    if kind == "detections":
        return isinstance(value, list) and all(
            list(d) == ["detector", "technique", "score", "reason"] for d in value)
    if kind == "samples":
        return isinstance(value, list) and all(
            list(s) == [f["field"] for f in SAMPLE] and all(check_value(f["type"], s[f["field"]]) for f in SAMPLE)
            for s in value)
    raise AssertionError(f"schema type {kind!r} is not known to this test")


@pytest.fixture(scope="module")
def alerts(masq_bin):
    out = {}
    for mode, args in (("full", INPUTS), ("seed", ["--inject-synthetic", "--seed", "7", INPUTS[0]])):
        r = subprocess.run([masq_bin, "detect", "--mode", mode, "-f", "jsonl", *args],
                           capture_output=True, text=True, timeout=600)
        out[mode] = [json.loads(l) for l in r.stdout.splitlines()]
        assert out[mode], r.stderr
    return out


def test_jsonl_is_the_schema_in_order_and_type(alerts):
    expected = ["type"] + [f["field"] for f in FINDING]
    for mode, rows in alerts.items():
        for row in rows:
            assert list(row) == expected, mode
            for f in FINDING:
                assert check_value(f["type"], row[f["field"]], f["key"]), (mode, f["field"], row[f["field"]])


def test_every_full_mode_alert_has_detections_and_samples(alerts):
    for row in alerts["full"]:
        assert row["detections"] and row["detections"][0]["detector"] == row["detector"]
        assert all(re.match(r"^T1036(\.00\d)?$", d["technique"]) for d in row["detections"]), row["detections"]
        assert row["samples"] and all(s["time"] and s["host"] for s in row["samples"]), row["suspicious_process"]
        assert row["normal_process"] != row["suspicious_process"]


def test_csv_columns_are_the_schemas_csv_fields(masq_bin):
    r = subprocess.run([masq_bin, "detect", "-f", "csv", *INPUTS], capture_output=True, text=True, timeout=600)
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows[0] == [f["field"] for f in FINDING if f["csv"] == "yes"]
    assert len(rows) > 1 and all(len(row) == len(rows[0]) for row in rows)
    for row in rows[1:]:
        for cell in row:  # OWASP: no cell may begin a formula
            assert not cell or cell[0] not in "=+-@\t\r", cell


def test_bicep_declares_the_schemas_sentinel_columns():
    declared = bicep_columns()
    expected = {"TimeGenerated": "datetime", "FindingId": "string", "RunId": "string", "Mode": "string"}
    expected.update({f["sentinel_column"]: f["sentinel_type"] for f in FINDING})
    expected["MasqVersion"] = "string"
    assert declared == expected
    assert list(declared) == list(expected)  # and in the record's order


def test_docs_sentinel_names_every_column():
    text = (ROOT / "docs" / "sentinel.md").read_text(encoding="utf-8")
    missing = [f["sentinel_column"] for f in FINDING if f["sentinel_column"] not in text]
    assert not missing


def test_a_table_through_a_pipe_is_never_cut(masq_bin):
    r = subprocess.run([masq_bin, "detect", "-f", "table", *INPUTS], capture_output=True, text=True,
                       timeout=600, env={"COLUMNS": "80", "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0
    assert "…" not in r.stdout.replace("… ", "")  # "… 3 more paths" is a count, not a cut
    full = subprocess.run([masq_bin, "detect", "-f", "jsonl", *INPUTS], capture_output=True, text=True, timeout=600)
    for row in map(json.loads, full.stdout.splitlines()):
        for d in row["detections"]:
            assert d["reason"].replace("\u202e", "<U+202E>") in r.stdout or "<U+" in d["reason"], d["reason"]
