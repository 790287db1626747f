# SPDX-License-Identifier: MIT
"""Full mode on the real corpus (../shared/data/real): every labelled look-alike, wrong-folder
and right-to-left-override sample is found; none of the README's six benign pairs is reported."""
import json
import subprocess

import pytest

BENIGN_PAIRS = [
    ("taskhost.exe", "taskhostw.exe"),
    ("musnotificationux.exe", "musnotification.exe"),
    ("mousocoreworker.exe", "usocoreworker.exe"),
    ("windowsazurenetagent.exe", "windowsazureguestagent.exe"),
    ("wscript.exe", "cscript.exe"),
    ("nbtstat.exe", "netstat.exe"),
]
# Kinds a name, a path or the PE's original file name (Sysmon records carry it) can reveal;
# hollowing keeps the genuine name and path.
REVEALABLE = {"lookalike_name", "system_name_wrong_path", "rtlo", "renamed_binary"}


def run(masq_bin, *args):
    return subprocess.run([masq_bin, *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def real(shared):
    return shared / "data" / "real"


@pytest.fixture(scope="module")
def findings(masq_bin, real):
    r = run(masq_bin, "detect", "-f", "jsonl", str(real / "real_process_events.jsonl"))
    assert r.returncode == 0, r.stderr
    return [json.loads(line) for line in r.stdout.splitlines()]


def labels(real):
    return [json.loads(line) for line in (real / "masquerading_labels.jsonl").read_text(encoding="utf-8").splitlines()]


def detectors_of(f):
    """Every detection of an alert (docs/alerts.md): a merged alert lists several."""
    return [d["detector"] for d in f["detections"]]


def test_every_revealable_labelled_sample_is_found(findings, real):
    checked = 0
    for event in labels(real):
        kind = event["Label"]["kind"]
        if kind not in REVEALABLE:
            continue
        if kind == "renamed_binary" and not event.get("OriginalFileName"):
            continue  # an older Sysmon record without the PE name: nothing reveals it
        name = event["Process"].lower()
        path = event["NewProcessName"]
        mine = [f for f in findings if f["suspicious_process"] == name]
        if kind == "system_name_wrong_path":
            hits = [f for f in mine if "path" in detectors_of(f) and path in [p["path"] for p in f["suspicious_paths"]]]
        elif kind == "rtlo":
            hits = [f for f in mine if "rlo" in detectors_of(f)]
        elif kind == "renamed_binary":
            hits = [f for f in mine if "renamed" in detectors_of(f)]
        else:
            hits = [f for f in mine if {"name-similarity", "confusable"} & set(detectors_of(f))]
        assert hits, f"{kind} sample {name} at {path} not found"
        assert all(f["reason"] for f in hits)
        checked += 1
    assert checked == 31  # 4 look-alikes, 15 wrong-folder events, 1 right-to-left override, 11 renamed


def test_no_benign_pair_is_reported(findings):
    for a, b in BENIGN_PAIRS:
        for f in findings:
            pair = {f["suspicious_process"], f.get("normal_process")}
            assert pair != {a, b}, f"benign pair {a}/{b} reported: {f['reason']}"


LEVELS = ["informational", "low", "medium", "high", "critical"]


def test_findings_are_ordered_most_suspicious_first(findings):
    keys = [(LEVELS.index(f["level"]), f["score"]) for f in findings]
    assert keys == sorted(keys, reverse=True)
    assert findings[0]["detector"] in ("rlo", "path", "confusable", "name-similarity")


def test_explain(masq_bin, real):
    r = run(masq_bin, "explain", "svch0st.exe")
    assert r.returncode == 0
    assert "confusable" in r.stdout and "verdict: flagged" in r.stdout
    r = run(masq_bin, "explain", "taskhost.exe", str(real / "real_process_events.jsonl"))
    assert "benign look-alike of taskhostw.exe" in r.stdout


def test_allow_list_suppresses_and_bad_rules_are_named(masq_bin, real, tmp_path):
    allow = tmp_path / "allow.jsonl"
    allow.write_text('{"name": "suchost.exe", "path": "C:\\\\Diagnostics\\\\UserTmp\\\\*", "reason": "lab run"}\n')
    r = run(masq_bin, "detect", "-f", "jsonl", "--allow", str(allow), str(real / "real_process_events.jsonl"))
    assert r.returncode == 0, r.stderr
    names = [json.loads(line)["suspicious_process"] for line in r.stdout.splitlines()]
    assert "suchost.exe" not in names and "wsass.exe" in names
    assert "1 suppressed by the allow-list" in r.stderr
    allow.write_text('{"name": "suchost.exe"}\n')
    r = run(masq_bin, "detect", "--allow", str(allow), str(real / "real_process_events.jsonl"))
    assert r.returncode == 2
    assert "allow.jsonl:1" in r.stderr and "reason" in r.stderr


def test_seed_mode_is_unchanged(masq_bin, real):
    r = run(masq_bin, "detect", "--mode", "seed", "-f", "jsonl", str(real / "real_process_events.jsonl"))
    found = [json.loads(line) for line in r.stdout.splitlines()]
    assert [(f["suspicious_process"], f["normal_process"], f["score"]) for f in found] == [
        ("suchost.exe", "svchost.exe", 0.85714287)
    ]


def events_file(tmp_path, rows):
    path = tmp_path / "events.json"
    lines = []
    for i, (name, path_, count) in enumerate(rows):
        for k in range(count):
            lines.append(json.dumps({"EventID": 4688, "Computer": f"ws{k % 4}", "Process": name,
                                     "NewProcessName": path_, "TimeGenerated": f"2024-05-01T10:{k % 60:02d}:00Z"}))
    path.write_text("\n".join(lines) + "\n")
    return path


def test_two_letter_stems_are_not_one_edit_targets(masq_bin, root, tmp_path):
    """csc.exe (the C# compiler every PowerShell Add-Type runs) is not a look-alike of sc.exe."""
    r = run(masq_bin, "detect", "-f", "jsonl", "-q", root / "data" / "sample")
    assert "csc.exe" not in {json.loads(line)["suspicious_process"] for line in r.stdout.splitlines()}
    path = events_file(tmp_path, [
        ("sc.exe", "C:\\Windows\\System32\\sc.exe", 50),
        ("csc.exe", "C:\\Users\\Public\\csc.exe", 1),                # even from a writable folder
        ("svchost.exe", "C:\\Windows\\System32\\svchost.exe", 60),
        ("svch0st.exe", "C:\\Users\\Public\\svch0st.exe", 1),        # three letters and more still count
    ])
    names = {json.loads(line)["suspicious_process"]: json.loads(line) for line in
             run(masq_bin, "detect", "-f", "jsonl", "-q", "--detectors", "name-similarity", path).stdout.splitlines()}
    assert "csc.exe" not in names
    assert names["svch0st.exe"]["normal_process"] == "svchost.exe"
    why = run(masq_bin, "explain", "csc.exe", path).stdout
    assert "none with a stem of two letters or fewer" in why


def test_32_bit_vssadmin_in_syswow64_is_not_a_wrong_folder(masq_bin, tmp_path):
    path = events_file(tmp_path, [
        ("vssadmin.exe", "C:\\Windows\\System32\\vssadmin.exe", 20),
        ("vssadmin.exe", "C:\\Windows\\SysWOW64\\vssadmin.exe", 3),
        ("vssadmin.exe", "C:\\Users\\Public\\Temp\\vssadmin.exe", 1),
    ])
    findings = [json.loads(line) for line in run(masq_bin, "detect", "-f", "jsonl", "-q", path).stdout.splitlines()]
    wrong = [f for f in findings if f["suspicious_process"] == "vssadmin.exe" and f["detector"] == "path"]
    assert len(wrong) == 1, findings
    paths = {p["path"] for p in wrong[0]["suspicious_paths"]}
    assert paths == {"C:\\Users\\Public\\Temp\\vssadmin.exe"}


def test_a_binary_named_as_it_was_built_is_no_look_alike(masq_bin, tmp_path):
    """A genuine pscp.exe (PuTTY's, OriginalFileName PSCP) is one edit from scp.exe but is what it
    says it is; svch0st.exe whose binary was built as another program is still a look-alike."""
    lines = []
    for k in range(40):
        lines.append({"EventID": 4688, "Computer": f"ws{k % 4}", "Process": "scp.exe",
                      "NewProcessName": "C:\\Windows\\System32\\OpenSSH\\scp.exe", "OriginalFileName": "scp.exe"})
        lines.append({"EventID": 4688, "Computer": f"ws{k % 4}", "Process": "svchost.exe",
                      "NewProcessName": "C:\\Windows\\System32\\svchost.exe", "OriginalFileName": "svchost.exe"})
    lines.append({"EventID": 4688, "Computer": "ws9", "Process": "pscp.exe",
                  "NewProcessName": "C:\\Users\\alice\\Downloads\\pscp.exe", "OriginalFileName": "PSCP"})
    lines.append({"EventID": 4688, "Computer": "ws9", "Process": "svch0st.exe",
                  "NewProcessName": "C:\\Users\\Public\\svch0st.exe", "OriginalFileName": "mimikatz.exe"})
    path = tmp_path / "events.json"
    path.write_text("".join(json.dumps(e) + "\n" for e in lines))
    found = {json.loads(line)["suspicious_process"] for line in
             run(masq_bin, "detect", "-f", "jsonl", "-q", "--detectors", "name-similarity", path).stdout.splitlines()}
    assert "pscp.exe" not in found and "svch0st.exe" in found
    assert "original file name" in run(masq_bin, "explain", "pscp.exe", path).stdout


def test_catalog_file_makes_an_organisations_binary_genuine_and_names_bad_rows(masq_bin, tmp_path):
    """--catalog FILE: the organisation's own tool one edit from svchost.exe is genuine where it is
    installed (and still an alert from a temp folder); a malformed row stops the run with file:line."""
    path = events_file(tmp_path, [
        ("svchost.exe", "C:\\Windows\\System32\\svchost.exe", 60),
        ("svchast.exe", "D:\\Apps\\Contoso\\svchast.exe", 3),
    ])
    names = lambda r: {json.loads(line)["suspicious_process"] for line in r.stdout.splitlines()}
    assert "svchast.exe" in names(run(masq_bin, "detect", "-f", "jsonl", "-q", path))
    catalog = tmp_path / "ours.tsv"
    catalog.write_text("name\tfolder\tkind\tsource\n# our tools\nsvchast.exe\tD:\\Apps\\Contoso\\\tapplication\tIT\n")
    r = run(masq_bin, "detect", "-f", "jsonl", "-q", "--catalog", catalog, path)
    assert r.returncode == 0, r.stderr
    assert "svchast.exe" not in names(r)
    why = run(masq_bin, "explain", "svchast.exe", "--catalog", catalog, "--path", "D:\\Apps\\Contoso\\svchast.exe").stdout
    assert "a known file (shipped by common software)" in why
    bad = tmp_path / "bad.tsv"
    bad.write_text("name\tfolder\tkind\tsource\nsvchast.exe\tD:\\Apps\\\tdriver\tIT\n")
    r = run(masq_bin, "detect", "-f", "jsonl", "-q", "--catalog", bad, path)
    assert r.returncode == 2
    assert f"{bad}:2: field 'kind'" in r.stderr
    r = run(masq_bin, "detect", "--mode", "seed", "--catalog", catalog, path)
    assert r.returncode == 2 and "full mode only" in r.stderr


def test_known_files_in_their_folders_are_quiet_on_the_sample(masq_bin, root):
    """The catalog's known files (chrome_proxy, msedgewebview2, csc...) are never look-alikes there."""
    r = run(masq_bin, "detect", "-f", "jsonl", "-q", root / "data" / "sample")
    assert r.returncode == 0
    for line in r.stdout.splitlines():
        f = json.loads(line)
        assert f["suspicious_process"] not in {"chrome_proxy.exe", "msedgewebview2.exe", "csc.exe", "powershell_ise.exe"}
