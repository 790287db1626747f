# SPDX-License-Identifier: MIT
"""Issue 14's acceptance on real data: an alert points at its own host, time and events, one
alert per incident, never the name repeated as what it imitates, exact per-folder counts."""
import json
import subprocess

import pytest


def alerts(masq_bin, *inputs):
    out = subprocess.run([masq_bin, "detect", "-q", "-f", "jsonl", *map(str, inputs)], capture_output=True,
                         text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines() if line]


@pytest.fixture(scope="module")
def sample(masq_bin, root):
    return alerts(masq_bin, root / "data" / "sample")


def test_usertmp_svchost_is_its_own_event(sample):
    usertmp = [a for a in sample if a["suspicious_process"] == "svchost.exe"
               and any("UserTmp" in p["path"] for p in a["suspicious_paths"])]
    assert len(usertmp) == 1
    a = usertmp[0]
    assert a["suspicious_count"] == 1
    assert a["hosts"] == [{"host": "MSTICAlertsWin1", "count": 1}] and a["distinct_hosts"] == 1
    assert a["first_seen"].startswith("2019-01-15") and a["last_seen"].startswith("2019-01-15")
    assert a["suspicious_paths"] == [{"path": "C:\\Diagnostics\\UserTmp\\svchost.exe", "count": 1}]
    assert {d["detector"] for d in a["detections"]} == {"path", "parent"}
    assert a["level"] == "critical"  # a second category of evidence raises high by one
    # The same name's legitimate events are context, never mixed in.
    assert a["normal_count"] > 400 and a["normal_distinct_hosts"] > 1
    assert a["samples"][0]["host"] == "MSTICAlertsWin1" and a["samples"][0]["command_line"]


def test_sysmon_svchost_from_downloads_is_one_alert_with_three_detections(masq_bin, shared):
    found = alerts(masq_bin, shared / "data" / "real" / "evtx" / "sysmon1_svchost_masqueraded_execution.evtx")
    assert len(found) == 1
    a = found[0]
    assert [d["detector"] for d in a["detections"]] == ["path", "renamed", "parent"]
    assert [d["technique"] for d in a["detections"]] == ["T1036.005", "T1036.003", "T1036"]
    assert a["suspicious_count"] == 1 and a["level"] == "critical"
    assert a["samples"][0]["record_id"] is not None and a["samples"][0]["command_line"]


@pytest.mark.parametrize("which", ["sample", "real"])
def test_no_alert_imitates_itself_and_folder_counts_are_exact(masq_bin, root, shared, sample, which):
    found = sample if which == "sample" else alerts(masq_bin, shared / "data" / "real" / "real_process_events.jsonl")
    assert found
    for a in found:
        assert a["normal_process"] != a["suspicious_process"]
        # Counts are over the alert's own events: its paths, hosts and samples add up to them.
        assert sum(p["count"] for p in a["suspicious_paths"]) == a["suspicious_count"] or \
            a["suspicious_distinct_paths"] > len(a["suspicious_paths"])
        if a["distinct_hosts"] <= len(a["hosts"]):
            assert sum(h["count"] for h in a["hosts"]) == a["suspicious_count"]
        assert 1 <= len(a["samples"]) <= min(3, a["suspicious_count"])
        assert all(s["time"] and s["host"] for s in a["samples"])
        if a["detector"] == "path":  # one alert per unexpected folder: the reason's count is its own
            assert a["suspicious_distinct_paths"] >= 1
    # Every event is in at most one alert: alerts of one name and path differ in their parents.
    seen = {}
    for a in found:
        for p in a["suspicious_paths"]:
            parents = {q["parent"] for q in a["parents"]}
            key = (a["suspicious_process"], p["path"])
            assert not (seen.get(key, set()) & parents), f"an event of {key} in two alerts"
            seen.setdefault(key, set()).update(parents)
