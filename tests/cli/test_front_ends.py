# SPDX-License-Identifier: MIT
"""Every front end reads through one driver and follows the library's option rules: explain reads
.evtx and CSV as detect does, --detectors chooses from the detector table, bad option values and
empty windows fail before reading, -q never hides an error."""
import csv
import json
import re
import subprocess

import pytest


def run(masq_bin, *args, **kw):
    return subprocess.run([masq_bin, *map(str, args)], capture_output=True, text=True, **kw)


def detect_names(masq_bin, *inputs):
    out = run(masq_bin, "detect", "-f", "jsonl", *inputs)
    return [json.loads(line) for line in out.stdout.splitlines()]


def explained(masq_bin, name, *inputs):
    out = run(masq_bin, "explain", name, *inputs)
    assert out.returncode == 0, out.stderr
    verdict = [line for line in out.stdout.splitlines() if "verdict:" in line]
    assert verdict, out.stdout
    m = re.search(r"flagged by (\d+) detector", verdict[0])
    return (int(m.group(1)) if m else 0), out.stdout


def test_explain_reads_evtx_like_detect(masq_bin, shared):
    evtx = shared / "data" / "real" / "evtx" / "sysmon1_svchost_masqueraded_execution.evtx"
    findings = [f for f in detect_names(masq_bin, evtx) if f["suspicious_process"] == "svchost.exe"]
    assert findings, "detect finds the masqueraded svchost.exe"
    count, text = explained(masq_bin, "svchost.exe", evtx)
    assert count == len(findings)
    assert "against 1 events" in text or "against 1 event" in text


def test_explain_reads_csv_like_detect(masq_bin, root, tmp_path):
    # The bundled sample as a CSV export, converted by masq itself.
    lines = run(masq_bin, "convert", root / "data" / "sample").stdout.splitlines()
    rows = [json.loads(line) for line in lines]
    path = tmp_path / "events.csv"
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["TimeGenerated", "EventID", "Computer", "NewProcessName", "Process"])
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k) or "" for k in w.fieldnames})
    findings = detect_names(masq_bin, path)
    assert findings
    name = findings[0]["suspicious_process"]
    count, _ = explained(masq_bin, name, path)
    assert count == sum(1 for f in findings if f["suspicious_process"] == name)


def test_detectors_lists_the_table_and_detect_runs_only_the_chosen(masq_bin, root):
    table = [json.loads(line) for line in run(masq_bin, "detectors", "-f", "jsonl").stdout.splitlines()]
    ids = [d["id"] for d in table]
    assert {"name-similarity", "confusable", "path", "parent", "renamed", "rlo"} <= set(ids)
    assert all(d["technique"].startswith("T1036") for d in table)
    sample = root / "data" / "sample"
    only_path = detect_names(masq_bin, "--detectors", "path", sample)
    assert only_path and {f["detector"] for f in only_path} == {"path"}
    without = detect_names(masq_bin, "--detectors", "-path,-parent", sample)
    assert without and not {f["detector"] for f in without} & {"path", "parent"}
    bad = run(masq_bin, "detect", "--detectors", "lookalike", sample)
    assert bad.returncode == 2 and "unknown detector 'lookalike'" in bad.stderr


@pytest.mark.parametrize("args, message", [
    (["--frequent-threshold", "7"], "between 0 and 1"),
    (["--frequent-threshold", "0.1", "--infrequent-threshold", "0.5"], "must not be below"),
    (["--from", "2020-01-01T00:00:00Z", "--to", "2019-01-01T00:00:00Z"], "time window is empty"),
    (["--mode", "seed", "--allow", "/dev/null"], "applies to full mode"),
])
def test_option_rules_fail_before_reading(masq_bin, root, args, message):
    out = run(masq_bin, "detect", *args, root / "data" / "sample")
    assert out.returncode == 2
    assert message in out.stderr
    assert out.stdout == ""


def test_quiet_hides_the_summary_but_never_an_error(masq_bin, root):
    out = run(masq_bin, "detect", "-q", "/nonexistent/events.json", root / "data" / "sample", "-f", "jsonl")
    assert out.returncode == 2
    assert "/nonexistent/events.json" in out.stderr
    assert "distinct names" not in out.stderr
    assert out.stdout  # the good input's findings are still written


def test_upper_case_extensions_are_read(masq_bin, shared, tmp_path):
    # Windows collections are often SECURITY.EVTX and Events.JSON: a folder of them is not empty.
    real = shared / "data" / "real"
    (tmp_path / "SYSMON.EVTX").write_bytes((real / "evtx" / "sysmon1_svchost_masqueraded_execution.evtx").read_bytes())
    (tmp_path / "Events.JSON").write_bytes((real / "real_process_events.jsonl").read_bytes())
    out = run(masq_bin, "detect", "-f", "jsonl", tmp_path)
    assert "in 2 files" in out.stderr, out.stderr
    assert "7,309 events" in out.stderr
