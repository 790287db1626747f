# SPDX-License-Identifier: MIT
"""The masq command line as a user meets it: formats, exit codes, bad input, synthetic data."""
import csv
import gzip
import io
import json
import shutil
import subprocess

import pytest

GOOD = [
    {"TimeGenerated": "2024-05-01T10:00:00.1234567Z", "EventID": 4688, "Computer": "HOST1",
     "NewProcessName": "C:\\Windows\\System32\\svchost.exe", "Process": "svchost.exe"},
    {"TimeGenerated": "2024-05-01T10:00:01Z", "EventID": "4688", "Computer": "WS42",
     "NewProcessName": "C:\\Users\\Public\\scvhost.exe", "Process": "SCVHOST.EXE"},
]


def export_lines(n_svchost=30):
    """A small export: svchost is frequent, a look-alike rare, plus filler names for the ranks."""
    lines = []
    for i in range(n_svchost):
        lines.append(dict(GOOD[0]))
    for name, count in [("explorer.exe", 25), ("cmd.exe", 20), ("conhost.exe", 15), ("notepad.exe", 1)]:
        for _ in range(count):
            lines.append({"EventID": 4688, "Process": name, "Computer": "HOST1",
                          "NewProcessName": "C:\\Windows\\" + name, "TimeGenerated": "2024-05-01T09:00:00Z"})
    lines.append(dict(GOOD[1]))
    return [json.dumps(r) for r in lines]


def run(masq_bin, *args, stdin=None):
    return subprocess.run([masq_bin, *args], input=stdin, capture_output=True, text=True, timeout=120)


def findings(stdout):
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


@pytest.fixture
def export_file(tmp_path):
    path = tmp_path / "PT05M.json"
    path.write_text("\n".join(export_lines()) + "\n", encoding="utf-8")
    return path


def test_help_has_examples_and_exit_codes(masq_bin):
    top = run(masq_bin, "--help")
    assert top.returncode == 0
    assert "Exit status" in top.stdout
    detect = run(masq_bin, "detect", "--help")
    assert detect.returncode == 0
    assert "Examples:" in detect.stdout and "--mode" in detect.stdout and "--strict" in detect.stdout


def test_jsonl_finding_contract(masq_bin, export_file):
    r = run(masq_bin, "detect", "--mode", "seed", "-f", "jsonl", str(export_file))
    assert r.returncode == 0, r.stderr
    out = findings(r.stdout)
    assert len(out) == 1
    f = out[0]
    for key in ["detector", "suspicious_process", "normal_process", "score", "suspicious_paths", "normal_paths",
                "suspicious_count", "normal_count", "hosts", "first_seen", "last_seen", "reason"]:
        assert key in f, key
    assert f["type"] == "finding"
    assert f["detector"] == "name-similarity"
    assert (f["suspicious_process"], f["normal_process"]) == ("scvhost.exe", "svchost.exe")
    assert f["score"] == pytest.approx(6 / 7, rel=1e-6)
    assert f["suspicious_paths"] == [{"path": "C:\\Users\\Public\\scvhost.exe", "count": 1}]
    assert f["hosts"] == [{"host": "WS42", "count": 1}]
    assert f["normal_count"] == 30 and f["suspicious_count"] == 1
    assert f["first_seen"] == "2024-05-01T10:00:01.000Z"
    assert "svchost.exe" in f["reason"]


def test_default_format_off_a_terminal_is_jsonl_and_summary_goes_to_stderr(masq_bin, export_file):
    r = run(masq_bin, "detect", "--mode", "seed", str(export_file))
    assert r.returncode == 0
    assert len(findings(r.stdout)) == 1
    assert "\x1b[" not in r.stdout + r.stderr  # no colour, no progress off a terminal
    for word in ["records", "kept", "distinct names", "frequent", "infrequent", "pairs compared", "finding"]:
        assert word in r.stderr, word
    quiet = run(masq_bin, "detect", "--mode", "seed", "-q", str(export_file))
    assert quiet.stderr == ""


def test_csv_and_output_file(masq_bin, export_file, tmp_path):
    out = tmp_path / "f.csv"
    r = run(masq_bin, "detect", "--mode", "seed", "-f", "csv", "-o", str(out), str(export_file))
    assert r.returncode == 0 and r.stdout == ""
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 1
    assert rows[0]["suspicious_process"] == "scvhost.exe"
    assert rows[0]["score"] == "0.85714287"


def test_table_format(masq_bin, export_file):
    r = run(masq_bin, "detect", "--mode", "seed", "-f", "table", str(export_file))
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert lines[0].startswith("SCORE")
    assert "scvhost.exe (1)" in lines[1] and "svchost.exe (30)" in lines[1]


@pytest.mark.skipif(shutil.which("script") is None, reason="util-linux script is needed to fake a terminal")
def test_table_is_the_default_on_a_terminal(masq_bin, export_file):
    r = subprocess.run(["script", "-qec", f"{masq_bin} detect --mode seed --no-color {export_file}", "/dev/null"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0
    assert "SCORE" in r.stdout and "scvhost.exe (1)" in r.stdout


def test_stdin_input(masq_bin):
    r = run(masq_bin, "detect", "--mode", "seed", "-", stdin="\n".join(export_lines()) + "\n")
    assert r.returncode == 0
    assert [f["suspicious_process"] for f in findings(r.stdout)] == ["scvhost.exe"]


def test_fail_on_findings_exit_code(masq_bin, export_file, tmp_path):
    assert run(masq_bin, "detect", "--mode", "seed", "--fail-on-findings", str(export_file)).returncode == 1
    clean = tmp_path / "clean.json"
    clean.write_text("\n".join(export_lines()[:-1]) + "\n")
    r = run(masq_bin, "detect", "--mode", "seed", "--fail-on-findings", str(clean))
    assert r.returncode == 0 and r.stdout == ""


def test_usage_errors_exit_2(masq_bin, export_file):
    assert run(masq_bin, "detect", "--no-such-option", str(export_file)).returncode == 2
    assert run(masq_bin, "detect", "--similarity-threshold", "1.5", str(export_file)).returncode == 2
    assert run(masq_bin, "detect", "-f", "xml", str(export_file)).returncode == 2
    assert run(masq_bin).returncode == 2
    allow = run(masq_bin, "detect", "--mode", "seed", "--allow", str(export_file), str(export_file))
    assert allow.returncode == 2 and "full" in allow.stderr


def test_malformed_lines_are_reported_with_file_and_line_and_skipped(masq_bin, tmp_path):
    lines = export_lines()
    lines.insert(3, '{"EventID": 4688, "Process": "broken')
    lines.insert(5, "\udcff")  # replaced below by a raw invalid UTF-8 byte
    path = tmp_path / "bad.json"
    data = "\n".join(lines).encode("utf-8", "surrogateescape") + b"\n"
    path.write_bytes(data)
    r = run(masq_bin, "detect", "--mode", "seed", str(path))
    assert r.returncode == 0, r.stderr
    assert f"{path}:4: " in r.stderr and f"{path}:6: " in r.stderr
    assert "2 malformed lines skipped" in r.stderr
    assert "invalid-utf8" in r.stderr
    assert [f["suspicious_process"] for f in findings(r.stdout)] == ["scvhost.exe"]  # good data kept
    strict = run(masq_bin, "detect", "--mode", "seed", "--strict", str(path))
    assert strict.returncode == 2
    assert f"{path}:4" in strict.stderr and strict.stdout == ""


def test_wrong_type_names_the_field(masq_bin, tmp_path):
    path = tmp_path / "types.json"
    path.write_text('{"EventID": 4688, "Process": "a.exe", "Computer": ["x"]}\n')
    r = run(masq_bin, "detect", "--mode", "seed", str(path))
    assert r.returncode == 0
    assert f"{path}:1: field 'Computer'" in r.stderr


def test_missing_file_is_reported_and_other_files_still_read(masq_bin, export_file, tmp_path):
    missing = tmp_path / "nope.json"
    r = run(masq_bin, "detect", "--mode", "seed", str(missing), str(export_file))
    assert r.returncode == 2
    assert str(missing) in r.stderr
    assert [f["suspicious_process"] for f in findings(r.stdout)] == ["scvhost.exe"]


def test_gzip_input_and_truncated_gzip(masq_bin, tmp_path):
    text = ("\n".join(export_lines()) + "\n") * 200
    gz = tmp_path / "PT05M.json.gz"
    gz.write_bytes(gzip.compress(text.encode()))
    plain = tmp_path / "plain.json"
    plain.write_text(text)
    a = run(masq_bin, "detect", "--mode", "seed", str(gz))
    b = run(masq_bin, "detect", "--mode", "seed", str(plain))
    assert a.returncode == 0 and a.stdout

    def without_source(out):  # a sample names its own file
        rows = findings(out)
        for f in rows:
            for sample in f["samples"]:
                assert sample["source"] in (str(gz), str(plain))
                sample["source"] = None
        return rows
    assert without_source(a.stdout) == without_source(b.stdout)
    cut = tmp_path / "cut.json.gz"
    cut.write_bytes(gz.read_bytes()[: len(gz.read_bytes()) // 2])
    c = run(masq_bin, "detect", "--mode", "seed", str(cut))
    assert c.returncode == 2
    assert "truncated-file" in c.stderr or "ends early" in c.stderr or "corrupt" in c.stderr


def test_export_tree(masq_bin, tmp_path):
    base = tmp_path / ("WorkspaceResourceId=/subscriptions/s/resourcegroups/rg/providers/"
                       "microsoft.operationalinsights/workspaces/ws")
    lines = export_lines()
    for i, chunk in enumerate([lines[:40], lines[40:80], lines[80:]]):
        folder = base / "y=2024" / "m=05" / "d=01" / "h=10" / f"m={i * 5:02d}"
        folder.mkdir(parents=True)
        (folder / "PT05M.json").write_text("\n".join(chunk) + "\n")
    r = run(masq_bin, "detect", "--mode", "seed", str(tmp_path))
    assert r.returncode == 0
    assert "3 files" in r.stderr
    assert [f["suspicious_process"] for f in findings(r.stdout)] == ["scvhost.exe"]


def test_synth_is_deterministic_and_detect_injects_it(masq_bin, tmp_path):
    a = run(masq_bin, "synth", "--seed", "5", "--end", "2024-01-02T00:00:00Z")
    b = run(masq_bin, "synth", "--seed", "5", "--end", "2024-01-02T00:00:00Z")
    c = run(masq_bin, "synth", "--seed", "6", "--end", "2024-01-02T00:00:00Z")
    assert a.returncode == 0 and a.stdout == b.stdout and a.stdout != c.stdout
    rows = [json.loads(line) for line in a.stdout.splitlines()]
    assert len(rows) == 842
    assert sum(r["Process"] == "wininit.exe" and "System32" in r["NewProcessName"] for r in rows) == 40
    assert all("2024-01-01T" in r["TimeGenerated"] for r in rows)

    data = tmp_path / "d.json"
    data.write_text("\n".join(export_lines()) + "\n")
    one = run(masq_bin, "detect", "--mode", "seed", "--inject-synthetic", "--seed", "9", str(data))
    two = run(masq_bin, "detect", "--mode", "seed", "--inject-synthetic", "--seed", "9", str(data))
    assert one.returncode == 0 and one.stdout == two.stdout
    out = findings(one.stdout)
    assert any(f["involves_synthetic"] for f in out)
    # svchost.exe is frequent with or without the synthetic rows, so its hard-coded look-alike is found.
    assert ("svch0st.exe", "svchost.exe") in {(f["suspicious_process"], f["normal_process"]) for f in out}
    assert "--seed 9" in one.stderr


def test_real_events_seed_mode(masq_bin, shared):
    """shared/data/real: seed mode reports suchost.exe / svchost.exe, the one pair the notebook would."""
    r = run(masq_bin, "detect", "--mode", "seed", str(shared / "data" / "real" / "real_process_events.jsonl"))
    assert r.returncode == 0
    out = findings(r.stdout)
    assert [(f["suspicious_process"], f["normal_process"]) for f in out] == [("suchost.exe", "svchost.exe")]
    assert out[0]["suspicious_paths"][0]["path"] == "C:\\Diagnostics\\UserTmp\\suchost.exe"
    assert "7,308" in r.stderr and "433 distinct names" in r.stderr


def test_bundled_sample_demo(masq_bin, root):
    r = run(masq_bin, "detect", "--mode", "seed", "--inject-synthetic", "--seed", "42", "-f", "table",
            str(root / "data" / "sample"))
    assert r.returncode == 0
    assert "Your anomalies" in r.stdout and "suchost.exe" in r.stdout and "svch0st.exe" in r.stdout


def test_output_is_identical_for_any_thread_count(masq_bin, root):
    # The similarity join runs on all cores; its findings must not depend on how many.
    outputs = []
    for threads in ["1", "2", "5"]:
        r = run(masq_bin, "detect", "--mode", "seed", "--inject-synthetic", "--seed", "7", "-f", "jsonl",
                "-j", threads, str(root / "data" / "sample"))
        assert r.returncode == 0, r.stderr
        outputs.append(r.stdout)
    assert len(findings(outputs[0])) > 10
    assert outputs[0] == outputs[1] == outputs[2]
