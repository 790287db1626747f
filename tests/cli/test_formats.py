# SPDX-License-Identifier: MIT
"""The same real events written as ECS/winlogbeat, Defender DeviceProcessEvents and Sysmon JSON
give the same findings as the SecurityEvent export; formats are detected from content; broken
records are reported with file and line; --map reads non-standard shapes."""
import json
import subprocess

import pytest


def run(masq_bin, *args):
    return subprocess.run([masq_bin, *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def events(shared):
    rows = []
    for line in (shared / "data" / "real" / "real_process_events.jsonl").read_text(encoding="utf-8").splitlines():
        e = json.loads(line)
        if e.get("Process") and e.get("NewProcessName") and e.get("TimeGenerated"):
            rows.append(e)
    return rows


def as_ecs(e):
    return {"@timestamp": e["TimeGenerated"], "event": {"code": str(e["EventID"]), "category": ["process"]},
            "host": {"name": e["Computer"]}, "process": {"name": e["Process"], "executable": e["NewProcessName"],
                                                         "parent": {"executable": e.get("ParentProcessName")},
                                                         "pe": {"original_file_name": e.get("OriginalFileName")}},
            "ecs": {"version": "8.0.0"}}


def as_defender(e, i):
    path = e["NewProcessName"]
    folder = path[: path.rfind("\\")] if i % 2 else path  # FolderPath with and without the file name
    parent = e.get("ParentProcessName") or ""
    parent_folder = parent[: parent.rfind("\\")] if i % 3 == 0 else parent  # the same two shapes
    return {"Timestamp": e["TimeGenerated"], "DeviceName": e["Computer"], "ActionType": "ProcessCreated",
            "FileName": e["Process"], "FolderPath": folder,
            "InitiatingProcessFileName": parent[parent.rfind("\\") + 1:] if parent else None,
            "InitiatingProcessFolderPath": parent_folder or None,
            "ProcessVersionInfoOriginalFileName": e.get("OriginalFileName")}


def as_sysmon(e):
    utc = e["TimeGenerated"].replace("T", " ").rstrip("Z")
    return {"Event": {"System": {"EventID": 1, "Computer": e["Computer"], "Channel": "Microsoft-Windows-Sysmon/Operational"},
                      "EventData": {"UtcTime": utc, "Image": e["NewProcessName"], "CommandLine": e.get("CommandLine"),
                                    "ParentImage": e.get("ParentProcessName"),
                                    "OriginalFileName": e.get("OriginalFileName")}}}


def write(path, rows, broken=None):
    with open(path, "w", encoding="utf-8") as f:
        for i, r in enumerate(rows):
            if broken is not None and i == 5:
                f.write(broken + "\n")
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def findings(r):
    assert r.returncode == 0, r.stderr
    return [(f["detector"], f["suspicious_process"], f.get("normal_process"), f["score"], f["suspicious_count"])
            for f in map(json.loads, r.stdout.splitlines())]


@pytest.mark.parametrize("mode", ["seed", "full"])
def test_every_format_gives_the_same_findings(masq_bin, events, tmp_path, mode):
    write(tmp_path / "sentinel.json", events)
    write(tmp_path / "ecs.json", [as_ecs(e) for e in events])
    write(tmp_path / "defender.json", [as_defender(e, i) for i, e in enumerate(events)])
    write(tmp_path / "sysmon.json", [as_sysmon(e) for e in events])
    expected = findings(run(masq_bin, "detect", "--mode", mode, "-f", "jsonl", str(tmp_path / "sentinel.json")))
    assert expected
    for name in ("ecs", "defender", "sysmon"):
        got = findings(run(masq_bin, "detect", "--mode", mode, "-f", "jsonl", str(tmp_path / f"{name}.json")))
        assert got == expected, name
        forced = findings(run(masq_bin, "detect", "--mode", mode, "-f", "jsonl", "--input-format", name,
                              str(tmp_path / f"{name}.json")))
        assert forced == expected, name


def test_mixed_directory_just_works(masq_bin, events, tmp_path):
    half = len(events) // 2
    d = tmp_path / "mixed"
    d.mkdir()
    write(d / "a.json", events[:half])
    write(d / "b.jsonl", [as_ecs(e) for e in events[half:]])
    write(tmp_path / "all.json", events)
    assert findings(run(masq_bin, "detect", "-f", "jsonl", str(d))) == \
        findings(run(masq_bin, "detect", "-f", "jsonl", str(tmp_path / "all.json")))


@pytest.mark.parametrize("shape", ["ecs", "defender", "sysmon"])
def test_malformed_records_are_reported_and_counted(masq_bin, events, tmp_path, shape):
    rows = {"ecs": [as_ecs(e) for e in events[:20]], "defender": [as_defender(e, i) for i, e in enumerate(events[:20])],
            "sysmon": [as_sysmon(e) for e in events[:20]]}[shape]
    path = tmp_path / f"{shape}.json"
    write(path, rows, broken='{"event": {"code": "4688"}, "process": {"name": "x.exe"')
    r = run(masq_bin, "detect", "--input-format", shape, "-f", "jsonl", "--stats", str(path))
    assert r.returncode == 0, r.stderr
    assert f"{path}:6" in r.stderr and "malformed" in r.stderr
    assert "records 20" in r.stderr
    assert run(masq_bin, "detect", "--input-format", shape, "--strict", str(path)).returncode == 2


def test_map_reads_a_custom_shape(masq_bin, events, tmp_path):
    rows = [{"ts": e["TimeGenerated"], "machine": {"fqdn": e["Computer"]},
             "proc": {"image_name": e["Process"], "image_path": e["NewProcessName"]}, "kind": "start"} for e in events]
    write(tmp_path / "custom.json", rows)
    # The custom shape carries no original file name or parent, so compare with events without them.
    write(tmp_path / "sentinel.json", [{k: v for k, v in e.items() if k not in ("OriginalFileName", "ParentProcessName")}
                                       for e in events])
    got = findings(run(masq_bin, "detect", "-f", "jsonl", "--input-format", "ecs", "--map", "process=proc.image_name",
                       "--map", "path=proc.image_path", "--map", "host=machine.fqdn", "--map", "time=ts",
                       "--map", "code=kind", str(tmp_path / "custom.json")))
    # code=kind maps the event code to "start", which is not 4688 or 1: nothing is read...
    assert got == []
    got = findings(run(masq_bin, "detect", "-f", "jsonl", "--input-format", "defender", "--map",
                       "process=proc.image_name", "--map", "path=proc.image_path", "--map", "host=machine.fqdn",
                       "--map", "time=ts", str(tmp_path / "custom.json")))
    assert got == findings(run(masq_bin, "detect", "-f", "jsonl", str(tmp_path / "sentinel.json")))
    bad = run(masq_bin, "detect", "--map", "colour=x", str(tmp_path / "custom.json"))
    assert bad.returncode == 2 and "--map" in bad.stderr


def portal_time(iso):
    # "2019-01-15T05:15:11.260Z" -> "1/15/2019, 5:15:11.260 AM", the Log Analytics portal's CSV export
    date, time = iso.rstrip("Z").split("T")
    y, m, d = date.split("-")
    hh, mm, ss = time.split(":")
    h = int(hh)
    ampm = "AM" if h < 12 else "PM"
    h12 = h % 12 or 12
    return f"{int(m)}/{int(d)}/{y}, {h12}:{mm}:{ss} {ampm}"


def test_csv_exports_give_the_same_findings(masq_bin, events, tmp_path):
    import csv
    with open(tmp_path / "sentinel.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["TimeGenerated [UTC]", "Computer", "EventID", "Process", "NewProcessName", "CommandLine",
                    "OriginalFileName", "ParentProcessName"])
        for i, e in enumerate(events):
            t = e["TimeGenerated"] if i % 2 else portal_time(e["TimeGenerated"])
            w.writerow([t, e["Computer"], e["EventID"], e["Process"], e["NewProcessName"],
                        (e.get("CommandLine") or "") + ' "quoted", and\na second line', e.get("OriginalFileName") or "",
                        e.get("ParentProcessName") or ""])
    with open(tmp_path / "defender.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Timestamp", "DeviceName", "ActionType", "FileName", "FolderPath", "ProcessVersionInfoOriginalFileName",
                    "InitiatingProcessFileName", "InitiatingProcessFolderPath"])
        for i, e in enumerate(events):
            parent = e.get("ParentProcessName") or ""
            w.writerow([e["TimeGenerated"], e["Computer"], "ProcessCreated", e["Process"], e["NewProcessName"],
                        e.get("OriginalFileName") or "", parent[parent.rfind("\\") + 1:],
                        parent[: parent.rfind("\\")] if i % 2 and "\\" in parent else parent])
    write(tmp_path / "sentinel.json", events)
    for mode in ("seed", "full"):
        expected = findings(run(masq_bin, "detect", "--mode", mode, "-f", "jsonl", str(tmp_path / "sentinel.json")))
        for name in ("sentinel.csv", "defender.csv"):
            r = run(masq_bin, "detect", "--mode", mode, "-f", "jsonl", "--stats", str(tmp_path / name))
            assert findings(r) == expected, (mode, name)
            assert f"records {len(events):,}" in r.stderr, r.stderr


def test_malformed_csv_is_reported(masq_bin, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text('Timestamp,DeviceName,FileName,FolderPath\n2024-01-01T00:00:00Z,H1,a.exe,C:\\x\\a.exe\n'
                    '2024-01-01T00:00:00Z,H1,b.exe\n2024-01-01T00:00:00Z,H1,"c.exe,C:\\x\\c.exe\n', encoding="utf-8")
    r = run(masq_bin, "detect", "-f", "jsonl", "--stats", str(path))
    assert r.returncode == 0, r.stderr
    assert f"{path}:3" in r.stderr and "3 fields where the header has 4" in r.stderr
    assert f"{path}:4" in r.stderr  # the unclosed quote swallows the rest of the row
    assert run(masq_bin, "detect", "--strict", str(path)).returncode == 2


# Issue 19: a spreadsheet's CSV separator is detected; a CSV without a process column is a
# problem of that file, whose rows are not events (they would all join the null-name group).
@pytest.mark.parametrize("sep", [";", "\t", ","])
def test_csv_separator_is_detected_from_the_header(masq_bin, tmp_path, sep):
    path = tmp_path / "events.csv"
    path.write_text(sep.join(["Computer", "Process", "NewProcessName", "CommandLine"]) + "\n" +
                    sep.join(["A", "svchost.exe", "C:\\Users\\x\\svchost.exe", '"run;it,now"']) + "\n")
    r = subprocess.run([masq_bin, "convert", str(path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    record = json.loads(r.stdout)
    assert record["Process"] == "svchost.exe" and record["Computer"] == "A"
    assert record["CommandLine"] == "run;it,now"


def test_csv_without_a_process_column_is_a_file_problem(masq_bin, tmp_path, root):
    bad = tmp_path / "bad.csv"
    bad.write_text("Computer,Foo\nA,b\nB,c\n")
    r = subprocess.run([masq_bin, "detect", "-f", "jsonl", str(bad), str(root / "data" / "sample")],
                       capture_output=True, text=True)
    assert r.returncode == 2
    assert "bad.csv:1: no process column" in r.stderr and "rows are not read" in r.stderr
    alone = subprocess.run([masq_bin, "detect", "-f", "jsonl", str(root / "data" / "sample")],
                           capture_output=True, text=True)
    assert r.stdout == alone.stdout  # the other files' alerts intact, no unnamed rows ranked
