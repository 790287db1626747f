#!/usr/bin/env python3
"""Azure Blob reader throughput against a local Azurite (in memory): uploads N MB of generated
SecurityEvent export lines as 5-minute blobs under the export's folder layout, then times
`masq detect --stats` over the container URL (read stage) against the same tree on disk.

    python3 bench/blob_read.py [--mb 200] [--out bench/blob_read.json]
"""
import argparse
import json
import os
import pathlib
import re
import socket
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
MASQ = pathlib.Path(os.environ.get("MASQ_BIN", ROOT / "build" / "release" / "masq"))
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def read_seconds(args, env=None):
    best = None
    for _ in range(3):
        r = subprocess.run([str(MASQ), "detect", "--mode", "seed", "-q", "--stats", "-f", "jsonl", *args],
                           capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=900)
        m = re.search(r"read ([0-9.]+) s", r.stderr)
        if r.returncode != 0 or not m:
            sys.exit(r.stderr[-800:])
        best = min(best or 1e9, float(m.group(1)))
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--mb", type=int, default=200)
    ap.add_argument("--out")
    args = ap.parse_args()
    from azure.storage.blob import BlobServiceClient
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
        az = subprocess.Popen([str(ROOT / ".cache" / "npm" / "node_modules" / ".bin" / "azurite-blob"), "--blobHost",
                               "127.0.0.1", "--blobPort", str(port), "--inMemoryPersistence", "--skipApiVersionCheck",
                               "--loose", "--silent"], cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.3).close()
                    break
                except OSError:
                    time.sleep(0.2)
            data = subprocess.run([str(ROOT / "build" / "release" / "bench" / "gen_security_events"), str(args.mb * 10**6)],
                                  capture_output=True, check=True).stdout
            lines = data.split(b"\n")
            per_blob = 1000
            endpoint = f"http://127.0.0.1:{port}/devstoreaccount1"
            conn = f"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={KEY};BlobEndpoint={endpoint};"
            container = BlobServiceClient.from_connection_string(conn).create_container("am-securityevent")
            local = tmp / "export"
            blobs = 0
            for i in range(0, len(lines), per_blob):
                body = b"\n".join(l for l in lines[i:i + per_blob] if l) + b"\n"
                h, m = (blobs // 12) % 24, 5 * (blobs % 12)
                rel = f"WorkspaceResourceId=ws/y=2026/m=11/d={20 + blobs // 288:02}/h={h:02}/m={m:02}/PT05M.json"
                container.upload_blob(rel, body)
                (local / rel).parent.mkdir(parents=True, exist_ok=True)
                (local / rel).write_bytes(body)
                blobs += 1
            size = len(data)
            disk = read_seconds(["-j", "1", str(local)])
            blob = read_seconds([f"{endpoint}/am-securityevent/WorkspaceResourceId=ws"],
                                env={"AZURE_STORAGE_CONNECTION_STRING": conn})
        finally:
            az.terminate()
            az.wait(timeout=10)
    rows = {"bytes": size, "blobs": blobs, "disk_seconds": disk, "blob_seconds": blob,
            "disk_mb_per_s": size / disk / 1e6, "blob_mb_per_s": size / blob / 1e6}
    print(json.dumps(rows, indent=2))
    if args.out:
        pathlib.Path(args.out).write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
