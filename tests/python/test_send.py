# SPDX-License-Identifier: MIT
"""masq.send: the findings of masq.detect into Sentinel through the same C++ sink as `masq send`,
against the local protocol-checking server (tests/support/sentinel_server.py)."""
import os
import pathlib
import subprocess
import sys

import pytest

import masq

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "support"))
from sentinel_server import SentinelServer  # noqa: E402

SAMPLE = ROOT / "data" / "sample"


@pytest.fixture
def server():
    with SentinelServer() as s:
        yield s


def settings(server, spool):
    return dict(endpoint=server.url, dcr=server.dcr, stream=server.stream, tenant_id=server.tenant,
                client_id=server.client_id, client_secret=server.client_secret, authority_host=server.url,
                spool=spool)


def without(records, *keys):
    return sorted((tuple(sorted((k, repr(v)) for k, v in r.items() if k not in keys)) for r in records))


def test_send_equals_the_cli(server, tmp_path, masq_bin):
    findings = masq.detect(SAMPLE, mode="full")
    assert len(findings) > 0
    report = masq.send(findings, mode="full", **settings(server, tmp_path / "spool"))
    assert server.violations == []
    assert report["delivered"] == report["records"] == len(findings) and report["spooled"] == 0
    from_python = server.delivered_records()
    # The CLI sending the same findings gives the same records, but for run id and time.
    out = tmp_path / "findings.jsonl"
    subprocess.run([masq_bin, "detect", str(SAMPLE), "-f", "jsonl", "-q", "-o", str(out)], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "MASQ_", "LOG_ANALYTICS_"))}
    env.update(server.env(tmp_path / "spool2"))
    subprocess.run([masq_bin, "send", str(out), "--mode", "full", "-q"], check=True, env=env)
    from_cli = [r for r in server.delivered_records() if r not in from_python]
    assert without(from_python, "TimeGenerated", "RunId") == without(from_cli, "TimeGenerated", "RunId")


def test_faults_spool_and_resume(server, tmp_path):
    findings = masq.detect(SAMPLE, mode="full")
    server.faults = ["503"] * 100
    s = settings(server, tmp_path / "spool")
    report = masq.send(findings, attempts=2, timeout=2, **s)
    assert report["delivered"] == 0 and report["spooled"] == len(findings)
    assert any("spooled" in e for e in report["errors"])
    server.faults = []
    report = masq.send(resume=True, **s)
    assert report["delivered"] == len(findings)
    assert len(server.delivered_records()) == len(findings)
    assert not list((tmp_path / "spool").glob("*.jsonl"))
    for e in report["errors"]:
        assert server.client_secret not in e


def test_data_collector_seed_payload(server, tmp_path):
    findings = masq.detect(SAMPLE, mode="seed", inject_synthetic=True, seed=3)
    report = masq.send(findings, sink="data-collector", payload="seed", workspace_id=server.workspace_id,
                       shared_key=server.shared_key, data_collector_endpoint=server.url, spool=tmp_path / "s")
    assert server.violations == [] and report["delivered"] == len(findings)
    got = {(r["NormalProcess"], r["PotentiallyMaliciousProcess"]) for r in server.delivered_records()}
    assert got == set(zip(findings.normal_process, findings.suspicious_process))


def test_missing_configuration_raises_with_the_core_message(tmp_path, monkeypatch):
    for k in list(os.environ):
        if k.startswith(("AZURE_", "MASQ_", "LOG_ANALYTICS_")):
            monkeypatch.delenv(k)
    with pytest.raises(ValueError, match="missing the ingestion endpoint"):
        masq.send(masq.detect(SAMPLE), spool=tmp_path)
    with pytest.raises(ValueError, match="nothing to send"):
        masq.send()
