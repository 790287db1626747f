# SPDX-License-Identifier: MIT
"""Sending findings to Microsoft Sentinel against a local server that checks the real protocol
(Entra ID token request, bearer token, gzip, size limit, SharedKey signature) and injects faults:
whatever the schedule, every finding is delivered exactly once or is in the spool, and after
`masq send --resume` delivered exactly once. Secrets never appear in output, errors or the spool."""
import base64
import collections
import json
import os
import pathlib
import random
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "support"))
from sentinel_server import SentinelServer  # noqa: E402

NAMES = ["svchost.exe", "lsass.exe", "explorer.exe", "services.exe", "winlogon.exe", "csrss.exe"]


def make_findings(n, seed=1):
    """`n` findings as `masq detect -f jsonl` writes them, with awkward text (quotes, backslashes,
    Cyrillic, RLO) so that escaping is exercised end to end."""
    rng = random.Random(seed)
    lines = []
    for i in range(n):
        normal = rng.choice(NAMES)
        suspicious = f"{normal[:-4]}{i}\u043e\"\\\u202e.exe"
        lines.append(json.dumps({
            "type": "finding", "detector": rng.choice(["name-similarity", "confusable", "wrong-folder"]),
            "suspicious_process": suspicious, "normal_process": normal, "score": 0.9090909361839294,
            "similarity": 0.9090909090909091, "distance": 1, "suspicious_count": rng.randint(1, 9),
            "normal_count": rng.randint(100, 9000), "suspicious_percent_rank": 0.01, "normal_percent_rank": 0.97,
            "suspicious_paths": [{"path": f"C:\\Users\\u{i}\\AppData\\Local\\Temp\\{suspicious}", "count": 1}],
            "suspicious_distinct_paths": 1,
            "normal_paths": [{"path": f"C:\\Windows\\System32\\{normal}", "count": 100}],
            "normal_distinct_paths": 1, "hosts": [{"host": f"ws-{i % 17}.contoso.com", "count": 1}],
            "distinct_hosts": 1, "first_seen": "2024-05-01T10:00:00.000Z", "last_seen": "2024-05-01T11:00:00.000Z",
            "in_user_data": True, "involves_synthetic": False, "reason": f"imitates {normal} (finding {i})",
        }, ensure_ascii=False))
    return lines


@pytest.fixture
def server():
    with SentinelServer() as s:
        yield s


def send(masq_bin, server, spool, args, stdin=None, extra_env=None, timeout=300):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "MASQ_", "LOG_ANALYTICS_"))}
    env.update(server.env(spool))
    env.update(extra_env or {})
    r = subprocess.run([masq_bin, "send", *args], input=stdin, capture_output=True, text=True, env=env,
                       timeout=timeout)
    server.settle()  # a request the client gave up on may still be finishing
    return r


def spooled_records(spool):
    out = []
    for f in sorted(pathlib.Path(spool).glob("*.jsonl")):
        lines = f.read_text(encoding="utf-8").splitlines()
        header = json.loads(lines[0])
        assert header["masq_spool"] == 1 and header["records"] == len(lines) - 1
        out += [json.loads(line) for line in lines[1:]]
    return out


def ids(records):
    return collections.Counter(r["FindingId"] for r in records)


@pytest.fixture
def findings_file(tmp_path):
    path = tmp_path / "findings.jsonl"
    path.write_text("\n".join(make_findings(300)) + "\n", encoding="utf-8")
    return path


FAST = ["--attempts", "3", "--backoff-ms", "1", "--timeout", "1", "--max-batch-bytes", "20000"]


def test_clean_send_delivers_every_finding_once_with_context(masq_bin, server, findings_file, tmp_path):
    r = send(masq_bin, server, tmp_path / "spool", [str(findings_file), *FAST])
    assert r.returncode == 0, r.stderr
    assert server.violations == []
    got = server.delivered_records()
    assert len(got) == 300 and set(ids(got).values()) == {1}
    # One request per batch, one token for all of them, every body gzip and under the limit.
    assert len(server.deliveries) > 10
    assert server.requests == len(server.deliveries) and server.token_requests == 1
    assert server.gzip_requests == server.requests and server.max_body_seen <= 20000
    # The records carry the findings' text and context intact.
    sent = {r["SuspiciousProcess"]: r for r in got}
    original = [json.loads(line) for line in findings_file.read_text(encoding="utf-8").splitlines()]
    for f in original:
        rec = sent[f["suspicious_process"]]
        assert rec["NormalProcess"] == f["normal_process"]
        assert rec["SuspiciousPaths"] == [{"value": p["path"], "count": p["count"]} for p in f["suspicious_paths"]]
        assert rec["Hosts"] == [{"value": h["host"], "count": h["count"]} for h in f["hosts"]]
        assert rec["SuspiciousCount"] == f["suspicious_count"] and rec["Reason"] == f["reason"]
        assert rec["FirstSeen"] == f["first_seen"] and rec["Detector"] == f["detector"]
        assert rec["Score"] == pytest.approx(f["score"], rel=1e-7)
    assert len({r["RunId"] for r in got}) == 1
    assert not list((tmp_path / "spool").glob("*.jsonl"))
    assert "delivered 300 of 300 records" in r.stderr


@pytest.mark.parametrize("fault", ["429:1", "500", "503", "reset", "reset-after", "slow:2", "401"])
def test_each_fault_is_retried_and_delivered_exactly_once(masq_bin, server, findings_file, tmp_path, fault):
    server.faults = [fault, "ok", fault]
    r = send(masq_bin, server, tmp_path / "spool", [str(findings_file), *FAST])
    assert r.returncode == 0, r.stderr
    assert server.violations == []
    assert set(ids(server.delivered_records()).values()) == {1}
    assert len(server.delivered_records()) == 300
    if fault in ("reset-after", "slow:2"):
        assert server.duplicates >= 1  # accepted, but the client could not know: same request id again
    if fault == "401":
        assert server.token_requests == 3  # renewed after each refusal
    # The faults did happen: more requests than batches (a reset on a reused connection may be
    # resent by libcurl itself, which is safe: the request id is the same).
    assert sum(1 for entry in server.log if entry[2] == fault) == 2
    assert server.requests > len(server.deliveries)


def test_retry_after_is_honoured(masq_bin, server, findings_file, tmp_path):
    import time
    server.faults = ["429:2"]
    started = time.monotonic()
    r = send(masq_bin, server, tmp_path / "spool", [str(findings_file), *FAST])
    assert r.returncode == 0, r.stderr
    assert time.monotonic() - started >= 2.0
    assert "retrying in 2000 ms" in r.stderr


def test_413_splits_the_batch(masq_bin, server, findings_file, tmp_path):
    server.faults = ["413", "413"]
    r = send(masq_bin, server, tmp_path / "spool", [str(findings_file), *FAST])
    assert r.returncode == 0, r.stderr
    assert len(server.delivered_records()) == 300 and set(ids(server.delivered_records()).values()) == {1}
    assert "2 splits" in r.stderr


def test_persistent_failure_spools_then_resume_delivers(masq_bin, server, findings_file, tmp_path):
    spool = tmp_path / "spool"
    server.faults = ["503"] * 3 + ["ok"] * 4 + ["500"] * 3 + ["reset-after"] * 3
    r = send(masq_bin, server, spool, [str(findings_file), *FAST])
    assert r.returncode == 3, r.stderr
    assert "spooled" in r.stderr and "masq send --resume" in r.stderr
    delivered, spooled = server.delivered_records(), spooled_records(spool)
    assert set(ids(delivered).values()) == {1}
    assert len(set(ids(delivered)) | set(ids(spooled))) == 300, "a finding was lost"
    assert len(spooled) > 0
    r = send(masq_bin, server, spool, ["--resume", *FAST])
    assert r.returncode == 0, r.stderr
    assert set(ids(server.delivered_records()).values()) == {1} and len(server.delivered_records()) == 300
    assert not list(spool.glob("*.jsonl"))
    assert server.violations == []


@pytest.mark.parametrize("seed", range(6))
def test_random_fault_schedules_lose_nothing(masq_bin, server, findings_file, tmp_path, seed):
    rng = random.Random(seed)
    kinds = ["ok"] * 6 + ["429:0", "500", "503", "reset", "reset-after", "413", "401", "slow:1.5"]
    server.faults = [rng.choice(kinds) for _ in range(60)]
    spool = tmp_path / "spool"
    r = send(masq_bin, server, spool, [str(findings_file), *FAST])
    assert r.returncode in (0, 3), r.stderr
    assert server.violations == []
    delivered, spooled = server.delivered_records(), spooled_records(spool)
    assert set(ids(delivered).values()) <= {1}, "a finding was delivered twice"
    assert len(set(ids(delivered)) | set(ids(spooled))) == 300, "a finding was lost"
    assert (r.returncode == 0) == (not spooled)
    server.faults = []
    r = send(masq_bin, server, spool, ["--resume", *FAST])
    assert r.returncode == 0, r.stderr
    final = server.delivered_records()
    assert len(final) == 300 and set(ids(final).values()) == {1}
    assert not list(spool.glob("*.jsonl"))


def test_wrong_secret_spools_everything_and_never_shows_secrets(masq_bin, server, findings_file, tmp_path):
    spool = tmp_path / "spool"
    wrong = "cs~WRONG-" + "x" * 30
    r = send(masq_bin, server, spool, [str(findings_file), *FAST], extra_env={"AZURE_CLIENT_SECRET": wrong})
    assert r.returncode == 3
    assert "invalid_client" in r.stderr and "AADSTS7000215" in r.stderr
    assert len(spooled_records(spool)) == 300
    assert server.token_requests == 1  # a refused credential is not asked about again for every batch
    spool_text = "".join(p.read_text(encoding="utf-8") for p in spool.iterdir())
    for secret in [wrong, server.client_secret, server.shared_key]:
        assert secret not in r.stdout + r.stderr + spool_text


def test_secrets_never_appear_in_output_errors_or_spool(masq_bin, server, findings_file, tmp_path):
    spool = tmp_path / "spool"
    server.faults = ["401", "401", "500", "500", "500", "429:0", "413"] + ["503"] * 40
    r = send(masq_bin, server, spool, [str(findings_file), *FAST])
    r2 = send(masq_bin, server, spool, [str(findings_file), "--sink", "data-collector", *FAST])
    out = r.stdout + r.stderr + r2.stdout + r2.stderr
    spool_text = "".join(p.read_text(encoding="utf-8") for p in spool.iterdir())
    secrets = [server.client_secret, server.shared_key, base64.b64decode(server.shared_key).hex()] + list(server.tokens)
    assert server.tokens, "the test must have issued tokens to look for"
    for secret in secrets:
        assert secret not in out and secret not in spool_text
    # Secret files work as well as the environment, and are not echoed either.
    secret_file = tmp_path / "secret"
    secret_file.write_text(server.client_secret + "\n")
    server.faults = []
    r3 = send(masq_bin, server, tmp_path / "spool3", [str(findings_file), "--client-secret-file", str(secret_file), *FAST],
              extra_env={"AZURE_CLIENT_SECRET": ""})
    assert r3.returncode == 0, r3.stderr
    assert server.client_secret not in r3.stdout + r3.stderr


def test_data_collector_signature_and_seed_payload(masq_bin, server, findings_file, tmp_path):
    r = send(masq_bin, server, tmp_path / "spool", [str(findings_file), "--sink", "data-collector", "--payload", "seed", *FAST])
    assert r.returncode == 0, r.stderr
    assert server.violations == []  # the signature verified on every request
    got = server.delivered_records()
    assert len(got) == 300
    assert all(set(rec) == {"TimeStamp", "NormalProcess", "PotentiallyMaliciousProcess", "AnomalyScore"} for rec in got)
    original = {json.loads(line)["suspicious_process"]: json.loads(line) for line in findings_file.read_text(encoding="utf-8").splitlines()}
    for rec in got:
        f = original[rec["PotentiallyMaliciousProcess"]]
        assert rec["NormalProcess"] == f["normal_process"]
        assert rec["AnomalyScore"] == pytest.approx(f["score"], rel=1e-7)
        assert rec["TimeStamp"].endswith(".000Z")


def test_data_collector_findings_payload_names_its_time_field(masq_bin, server, findings_file, tmp_path):
    server.faults = ["429:0", "reset", "500"]
    r = send(masq_bin, server, tmp_path / "spool", [str(findings_file), "--sink", "data-collector", *FAST])
    assert r.returncode == 0, r.stderr
    assert server.violations == []
    got = server.delivered_records()
    assert len(got) == 300 and set(ids(got).values()) == {1}
    assert all("DetectedAt" in rec and "TimeGenerated" not in rec for rec in got)


def test_a_wrong_shared_key_is_refused_and_spooled(masq_bin, server, findings_file, tmp_path):
    other_key = base64.b64encode(b"k" * 64).decode()
    r = send(masq_bin, server, tmp_path / "spool", [str(findings_file), "--sink", "data-collector", *FAST],
             extra_env={"LOG_ANALYTICS_SHARED_KEY": other_key})
    assert r.returncode == 3
    assert "HTTP 403" in r.stderr and other_key not in r.stderr
    assert len(spooled_records(tmp_path / "spool")) == 300


def test_resume_leaves_batches_of_the_other_api(masq_bin, server, findings_file, tmp_path):
    spool = tmp_path / "spool"
    server.faults = ["503"] * 200
    r = send(masq_bin, server, spool, [str(findings_file), "--sink", "data-collector", *FAST])
    assert r.returncode == 3
    server.faults = []
    r = send(masq_bin, server, spool, ["--resume", *FAST])  # Logs Ingestion: not these
    assert r.returncode == 3 and "left as it is" in r.stderr
    r = send(masq_bin, server, spool, ["--resume", "--sink", "data-collector", *FAST])
    assert r.returncode == 0, r.stderr
    assert len(server.delivered_records()) == 300


def test_missing_configuration_is_a_clear_error_before_reading(masq_bin, server, tmp_path, root):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "MASQ_", "LOG_ANALYTICS_"))}
    r = subprocess.run([masq_bin, "detect", str(root / "data" / "sample"), "--send", "sentinel", "-f", "jsonl"],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 2
    assert "missing the ingestion endpoint" in r.stderr and "AZURE_CLIENT_SECRET" in r.stderr
    assert r.stdout == ""  # nothing was read or written


def test_detect_send_sentinel_end_to_end(masq_bin, server, tmp_path, root):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "MASQ_", "LOG_ANALYTICS_"))}
    env.update(server.env(tmp_path / "spool"))
    server.faults = ["503", "429:0"]
    r = subprocess.run([masq_bin, "detect", str(root / "data" / "sample"), "--send", "sentinel", "-f", "jsonl",
                        "--backoff-ms", "1"], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    findings = [json.loads(line) for line in r.stdout.splitlines()]
    got = server.delivered_records()
    assert len(findings) > 0 and len(got) == len(findings)
    assert sorted((g["SuspiciousProcess"], g["NormalProcess"]) for g in got) == \
        sorted((f["suspicious_process"], f["normal_process"]) for f in findings)
    assert {g["Mode"] for g in got} == {"full"}
    assert server.violations == []


def test_findings_read_back_from_detect_output_round_trip(masq_bin, server, tmp_path, root):
    out = tmp_path / "f.jsonl"
    subprocess.run([masq_bin, "detect", str(root / "data" / "sample"), "-f", "jsonl", "-o", str(out), "-q"], check=True)
    r = send(masq_bin, server, tmp_path / "spool", [str(out), "--mode", "full"])
    assert r.returncode == 0, r.stderr
    findings = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # A name may have several alerts (one per unexpected folder): the evidence tells them apart.
    def key(detector, name, paths):
        return detector, name, tuple(p.get("path", p.get("value")) for p in paths)
    records = server.delivered_records()
    got = {key(g["Detector"], g["SuspiciousProcess"], g["SuspiciousPaths"]): g for g in records}
    assert len(got) == len(findings) == len({g["FindingId"] for g in records})
    for f in findings:
        g = got[key(f["detector"], f["suspicious_process"], f["suspicious_paths"])]
        assert g["Level"] == f["level"] and g["Technique"] == f["technique"]
        assert g["Detections"] == f["detections"] and g["Samples"] == f["samples"]
        assert g["SuspiciousDistinctPaths"] == f["suspicious_distinct_paths"]
        assert g["DistinctHosts"] == f["distinct_hosts"] and g["LastSeen"] == f["last_seen"]
        assert g["Similarity"] == f["similarity"] and g["Distance"] == f["distance"]


def test_malformed_findings_lines_are_named_and_strict_fails(masq_bin, server, tmp_path):
    path = tmp_path / "bad.jsonl"
    lines = make_findings(3)
    path.write_text(lines[0] + "\n{not json\n" + lines[1] + "\n" + '{"type":"finding","suspicious_process":7}\n' + lines[2] + "\n")
    r = send(masq_bin, server, tmp_path / "spool", [str(path)])
    assert r.returncode == 0, r.stderr
    assert f"{path}:2" in r.stderr and f"{path}:4: field 'suspicious_process'" in r.stderr
    assert len(server.delivered_records()) == 3
    r = send(masq_bin, server, tmp_path / "spool", [str(path), "--strict"])
    assert r.returncode == 2 and f"{path}:2" in r.stderr


def test_large_send_respects_the_one_megabyte_limit(masq_bin, server, tmp_path):
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(make_findings(6000, seed=3)) + "\n", encoding="utf-8")
    r = send(masq_bin, server, tmp_path / "spool", [str(path), "--no-gzip"])
    assert r.returncode == 0, r.stderr
    assert server.violations == []
    assert 1_000_000 >= server.max_body_seen > 500_000  # batches are filled, and never too large
    assert server.gzip_requests == 0
    assert len(server.delivered_records()) == 6000


def test_token_is_renewed_before_it_expires(masq_bin, tmp_path, findings_file):
    # A 2 s token is kept for half its life; slow answers make the send outlast it.
    with SentinelServer(token_lifetime=2) as server:
        server.faults = ["slow:0.6"] * 6
        r = send(masq_bin, server, tmp_path / "spool", [str(findings_file), "--attempts", "3", "--backoff-ms", "1", "--timeout", "5", "--max-batch-bytes", "20000"])
        assert r.returncode == 0, r.stderr
        assert server.token_requests >= 2
        assert not any(status == 401 for _, status, _ in server.log), "an expired token was used"
        assert len(server.delivered_records()) == 300


def test_a_service_that_is_down_spools_quickly_and_resume_catches_up(masq_bin, server, tmp_path):
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(make_findings(400, seed=5)) + "\n", encoding="utf-8")
    spool = tmp_path / "spool"
    server.faults = ["503"] * 1000
    r = send(masq_bin, server, spool, [str(path), "--attempts", "4", "--backoff-ms", "1", "--max-batch-bytes", "10000"])
    assert r.returncode == 3
    batches = len(list(spool.glob("*.jsonl")))
    assert batches > 20
    # Three batches get every attempt; after that one probe each.
    assert server.requests == 3 * 4 + (batches - 3)
    server.faults = ["503", "503", "503"]  # a bumpy recovery
    r = send(masq_bin, server, spool, ["--resume", "--attempts", "4", "--backoff-ms", "1"])
    assert r.returncode == 0, r.stderr
    assert len(server.delivered_records()) == 400 and set(ids(server.delivered_records()).values()) == {1}


@pytest.mark.parametrize("compress", ["gzip", "zstd"])
def test_send_reads_compressed_findings_like_every_command(masq_bin, server, findings_file, tmp_path, compress):
    import gzip as gz
    data = findings_file.read_bytes()
    if compress == "gzip":
        packed = tmp_path / "findings.jsonl.gz"
        packed.write_bytes(gz.compress(data))
    else:
        packed = tmp_path / "findings.jsonl.zst"
        subprocess.run(["zstd", "-q", "-o", str(packed), str(findings_file)], check=True)
    r = send(masq_bin, server, tmp_path / "spool", [str(packed), *FAST])
    assert r.returncode == 0, r.stderr
    got = server.delivered_records()
    assert len(got) == 300 and set(ids(got).values()) == {1}
    # Cut short (in the middle of a long file: many zstd blocks), the findings before the cut are
    # sent and the file is named.
    long = tmp_path / "long.jsonl"
    long.write_text("\n".join(make_findings(3000, seed=2)) + "\n", encoding="utf-8")
    cut = tmp_path / ("cut" + packed.suffix)
    if compress == "gzip":
        whole = gz.compress(long.read_bytes())
    else:
        whole = subprocess.run(["zstd", "-q", "-c", str(long)], check=True, capture_output=True).stdout
    cut.write_bytes(whole[: len(whole) // 2])
    r = send(masq_bin, server, tmp_path / "spool2", [str(cut), "--attempts", "3", "--backoff-ms", "1", "--timeout", "5"])
    assert r.returncode == 0, r.stderr
    assert "truncated" in r.stderr and str(cut) in r.stderr, r.stderr
    assert 300 + 500 < len(server.delivered_records()) < 300 + 3000


def test_send_of_raw_events_is_an_error_not_a_quiet_zero(masq_bin, server, tmp_path, root):
    events = root / "data" / "sample"
    raw = next(p for p in sorted(events.rglob("*.json*")) if p.is_file())
    r = send(masq_bin, server, tmp_path / "spool", [str(raw), *FAST])
    assert r.returncode == 2, r.stderr
    assert "holds no findings" in r.stderr and str(raw) in r.stderr and "masq detect -f jsonl" in r.stderr
    assert server.requests == 0 and "delivered 0" not in r.stderr
    # An empty findings file is a clean day's output: said, exit 0, nothing sent.
    empty = tmp_path / "none.jsonl"
    empty.write_text("")
    r = send(masq_bin, server, tmp_path / "spool", [str(empty), *FAST])
    assert r.returncode == 0 and "nothing to send" in r.stderr, r.stderr
    assert server.requests == 0
    # Findings mixed with other records: the findings are sent, the others counted.
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text("\n".join(make_findings(5)) + '\n{"EventID":4688,"Process":"a.exe"}\n')
    r = send(masq_bin, server, tmp_path / "spool", [str(mixed), *FAST])
    assert r.returncode == 0, r.stderr
    assert "1 of 6 records" in r.stderr and len(server.delivered_records()) == 5


@pytest.mark.parametrize("variable,value,said", [
    ("MASQ_DCR_IMMUTABLE_ID", "my-rule", "dcr- and 32 hexadecimal digits"),
    ("MASQ_DCR_IMMUTABLE_ID", "dcr-0011223344556677", "dcr- and 32 hexadecimal digits"),
    ("MASQ_DCR_STREAM", "MasqFindings_CL", "Custom-MasqFindings_CL"),
    ("MASQ_DCE_ENDPOINT", "https:///ingest", "https:// URL"),
    ("MASQ_DCE_ENDPOINT", "contoso.ingest.monitor.azure.com", "https:// URL"),
])
def test_destination_is_validated_before_reading(masq_bin, server, tmp_path, variable, value, said):
    # The input does not exist: the configuration error comes first, so it is the one said.
    r = send(masq_bin, server, tmp_path / "spool", [str(tmp_path / "absent.jsonl"), *FAST],
             extra_env={variable: value})
    assert r.returncode == 2
    assert said in r.stderr and "absent.jsonl" not in r.stderr, r.stderr
    assert server.requests == 0
