#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""What a fresh libcurl easy handle per request costs (issue 19, F3), against one reused handle.

masq's HTTP client makes a fresh easy handle for every request and shares connections, DNS and
TLS sessions through a share object (src/net/http.cpp): reusing one handle with curl_easy_reset
lets libcurl 7.88.1 unfold a leading continuation header line into the previous transfer's freed
header (a heap use-after-free). bench/http_handles.cpp sends the same keep-alive POSTs both ways
to one local HTTP/1.1 server; runs alternate, and the medians of wall time and of the client's
own CPU time (user + system, from getrusage of the child) are compared.

    make build
    python3 bench/http_handles.py --requests 2000 --body 65536 --out bench/http_handles.json
"""
import argparse
import http.server
import json
import pathlib
import resource
import statistics
import subprocess
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the Logs Ingestion endpoint

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def run(binary, mode, url, requests, body):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([binary, mode, url, str(requests), str(body)], check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=str(ROOT / "build/release/bench/http_handles"))
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--body", type=int, default=65536, help="bytes per POST")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--out")
    args = ap.parse_args()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/ingest"
    times = {"fresh": [], "reuse": []}
    for _ in range(args.repeats):
        for mode in ("fresh", "reuse"):
            times[mode].append(run(args.binary, mode, url, args.requests, args.body))
    server.shutdown()

    results = {"requests": args.requests, "body_bytes": args.body, "repeats": args.repeats}
    print(f"{args.requests} POSTs of {args.body} bytes, median of {args.repeats} alternating runs")
    print(f"{'easy handle':<28}{'wall s':>9}{'client CPU s':>14}{'client µs/request':>19}")
    for mode, label in (("fresh", "fresh + share (masq)"), ("reuse", "one, curl_easy_reset")):
        wall = statistics.median(t[0] for t in times[mode])
        cpu = statistics.median(t[1] for t in times[mode])
        results[mode] = {"wall_s": wall, "client_cpu_s": cpu}
        print(f"{label:<28}{wall:>9.3f}{cpu:>14.3f}{cpu / args.requests * 1e6:>19.1f}")
    results["wall_ratio_fresh_over_reuse"] = results["fresh"]["wall_s"] / results["reuse"]["wall_s"]
    results["cpu_ratio_fresh_over_reuse"] = results["fresh"]["client_cpu_s"] / results["reuse"]["client_cpu_s"]
    print(f"fresh / reuse: wall {results['wall_ratio_fresh_over_reuse']:.3f}×, "
          f"client CPU {results['cpu_ratio_fresh_over_reuse']:.3f}×")
    if args.out:
        pathlib.Path(args.out).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
