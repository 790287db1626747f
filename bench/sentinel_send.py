#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Throughput of `masq send` against the local Sentinel server (tests/support/sentinel_server.py),
which checks the protocol on every request (token, gzip, size, SharedKey) as the tests do.

Compared in the same run with the notebook's way of posting (the Data Collector API sample that
`log_analytics_client.post_data` wraps, transcribed with `requests`: one SharedKey-signed POST of the
whole seed payload, no batching, no retry) on the same findings.

    python3 bench/sentinel_send.py --findings 100000 --out bench/sentinel_send.json

The server is Python, so the figures are a floor for masq: they include the server's gzip
decompression, JSON parsing and checks on the same 2 cores.
"""
import argparse
import base64
import datetime
import email.utils
import hashlib
import hmac
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "support"))
sys.path.insert(0, str(ROOT / "tests" / "integration"))
from sentinel_server import SentinelServer  # noqa: E402
from test_sentinel import make_findings  # noqa: E402


def run_masq(masq, server, findings, spool, extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "MASQ_", "LOG_ANALYTICS_"))}
    env.update(server.env(spool))
    started = time.perf_counter()
    r = subprocess.run([masq, "send", str(findings), "-q", *extra], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    assert r.returncode == 0, r.stderr
    return elapsed


def notebook_post(server, findings_path):
    """The notebook's cell 38 and the Data Collector sample: build the seed payload, sign, post once."""
    import requests
    started = time.perf_counter()  # from the same findings file as masq send reads
    rows = [json.loads(line) for line in findings_path.read_text(encoding="utf-8").splitlines()]
    stamp = datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%S.000Z")
    body = "[" + ", ".join(
        '{ "TimeStamp": "' + stamp + '", "NormalProcess": "' + r["normal_process"].replace("\\", "\\\\") +
        '", "PotentiallyMaliciousProcess": "' + json.dumps(r["suspicious_process"])[1:-1] +
        '", "AnomalyScore":' + str(r["score"]) + "}" for r in rows) + "]"
    payload = body.encode("utf-8")
    date = email.utils.formatdate(usegmt=True)
    to_sign = f"POST\n{len(payload)}\napplication/json\nx-ms-date:{date}\n/api/logs"
    sig = base64.b64encode(hmac.new(base64.b64decode(server.shared_key), to_sign.encode(), hashlib.sha256).digest()).decode()
    r = requests.post(server.url + "/api/logs?api-version=2016-04-01", data=payload, headers={
        "content-type": "application/json", "Authorization": f"SharedKey {server.workspace_id}:{sig}",
        "Log-Type": "MasqueradingProcessNameResult", "x-ms-date": date})
    elapsed = time.perf_counter() - started
    assert 200 <= r.status_code < 300, r.text
    return elapsed


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--masq", default=str(ROOT / "build" / "release" / "masq"))
    ap.add_argument("--findings", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3, help="runs per configuration; the best is reported")
    ap.add_argument("--out")
    args = ap.parse_args()
    results = {"findings": args.findings, "runs": {}}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        path = tmp / "findings.jsonl"
        path.write_text("\n".join(make_findings(args.findings, seed=11)) + "\n", encoding="utf-8")
        configs = {
            "masq send (Logs Ingestion, gzip)": [],
            "masq send (Logs Ingestion, no gzip)": ["--no-gzip"],
            "masq send (Data Collector, findings payload)": ["--sink", "data-collector"],
            "masq send (Data Collector, seed payload)": ["--sink", "data-collector", "--payload", "seed"],
        }
        for name, extra in configs.items():
            best = None
            for i in range(args.repeat):
                with SentinelServer() as server:
                    t = run_masq(args.masq, server, path, tmp / f"spool{i}", extra)
                    assert len(server.delivered_records()) == args.findings and not server.violations
                    requests_made = server.requests
                best = t if best is None else min(best, t)
            results["runs"][name] = {"seconds": best, "findings_per_s": args.findings / best, "requests": requests_made}
        try:
            best = None
            for _ in range(args.repeat):
                with SentinelServer() as server:
                    t = notebook_post(server, path)
                    assert len(server.delivered_records()) == args.findings
                best = t if best is None else min(best, t)
            results["runs"]["notebook's post (requests, one Data Collector POST, seed payload)"] = {
                "seconds": best, "findings_per_s": args.findings / best, "requests": 1}
        except ImportError:
            print("requests is not installed: the notebook's post is not measured", file=sys.stderr)
    seed = results["runs"].get("masq send (Data Collector, seed payload)")
    peer = results["runs"].get("notebook's post (requests, one Data Collector POST, seed payload)")
    print(f"{'configuration':<70} {'seconds':>8} {'findings/s':>12} {'requests':>9}")
    for name, r in results["runs"].items():
        print(f"{name:<70} {r['seconds']:>8.3f} {r['findings_per_s']:>12,.0f} {r['requests']:>9}")
    if seed and peer:
        results["ratio_seed_payload_vs_notebook"] = peer["seconds"] / seed["seconds"]
        print(f"masq / notebook, same payload and API: {results['ratio_seed_payload_vs_notebook']:.2f}x")
    if args.out:
        pathlib.Path(args.out).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
