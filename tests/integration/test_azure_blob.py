# SPDX-License-Identifier: MIT
"""Reading the Log Analytics export straight from Azure Blob Storage, against a real Azurite
(npm `azurite`, in memory, on loopback), started and stopped here: the same findings as the same
tree on disk, with Shared Key and with SAS, with List Blobs paging and time-window pruning; a
wrong key is a clear error that never shows the key."""
import datetime
import json
import os
import pathlib
import shutil
import socket
import subprocess
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
ACCOUNT = "devstoreaccount1"
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="  # Azurite's documented key
CONTAINER = "am-securityevent"
PREFIX = "WorkspaceResourceId=/subscriptions/0a1b2c3d/resourcegroups/rg/providers/microsoft.operationalinsights/workspaces/ws"


def azurite_binary():
    for candidate in [os.environ.get("AZURITE_BIN"), ROOT / ".cache" / "npm" / "node_modules" / ".bin" / "azurite-blob",
                      shutil.which("azurite-blob")]:
        if candidate and pathlib.Path(candidate).exists():
            return str(candidate)
    pytest.fail("azurite-blob not found: run scripts/bootstrap.sh test (npm install azurite)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def azurite(tmp_path_factory):
    port = free_port()
    workdir = tmp_path_factory.mktemp("azurite")
    proc = subprocess.Popen([azurite_binary(), "--blobHost", "127.0.0.1", "--blobPort", str(port), "--inMemoryPersistence",
                             "--skipApiVersionCheck", "--loose", "--silent"],
                            cwd=str(workdir),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("Azurite did not start")
    yield f"http://127.0.0.1:{port}/{ACCOUNT}"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def tree(azurite, shared, tmp_path_factory):
    from azure.storage.blob import BlobServiceClient
    events = [json.loads(l) for l in (shared / "data" / "real" / "real_process_events.jsonl").read_text(encoding="utf-8").splitlines()]
    local = tmp_path_factory.mktemp("export")
    # Spread the real events over three days of hourly export folders, with 5-minute blobs.
    files = {}
    for i, e in enumerate(events):
        day, hour, minute = 18 + i % 3, (i // 3) % 24, 5 * ((i // 72) % 12)
        rel = f"{PREFIX}/y=2026/m=11/d={day:02}/h={hour:02}/m={minute:02}/PT05M.json"
        files.setdefault(rel, []).append(json.dumps(e, ensure_ascii=False))
    conn = f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={KEY};BlobEndpoint={azurite};"
    service = BlobServiceClient.from_connection_string(conn)
    container = service.create_container(CONTAINER)
    for rel, lines in files.items():
        body = ("\n".join(lines) + "\n").encode("utf-8")
        path = local / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
        container.upload_blob(rel, body)
    container.upload_blob("README.txt", b"not an export blob")
    return {"local": local, "url": f"{azurite}/{CONTAINER}/{PREFIX}", "conn": conn, "blobs": len(files)}


def detect(masq_bin, *args, env=None):
    e = {k: v for k, v in os.environ.items() if not k.startswith("AZURE_STORAGE")}
    e.update(env or {})
    return subprocess.run([masq_bin, "detect", "-f", "jsonl", *args], capture_output=True, text=True, timeout=300, env=e)


def findings(r):
    assert r.returncode == 0, r.stderr
    return [(f["detector"], f["suspicious_process"], f.get("normal_process"), f["score"], f["suspicious_count"],
             sorted((p["path"], p["count"]) for p in f["suspicious_paths"])) for f in map(json.loads, r.stdout.splitlines())]


def test_blob_equals_disk_with_shared_key_and_paging(masq_bin, tree):
    local = findings(detect(masq_bin, str(tree["local"])))
    assert local
    r = detect(masq_bin, "--stats", "--blob-page-size", "7", tree["url"], env={"AZURE_STORAGE_CONNECTION_STRING": tree["conn"]})
    assert findings(r) == local
    assert f"files {tree['blobs']:,}" in r.stderr, r.stderr
    seed_local = findings(detect(masq_bin, "--mode", "seed", str(tree["local"])))
    seed_blob = findings(detect(masq_bin, "--mode", "seed", tree["url"], env={"AZURE_STORAGE_CONNECTION_STRING": tree["conn"]}))
    assert seed_blob == seed_local


def test_blob_with_sas_token(masq_bin, tree):
    from azure.storage.blob import ContainerSasPermissions, generate_container_sas
    sas = generate_container_sas(ACCOUNT, CONTAINER, account_key=KEY,
                                 permission=ContainerSasPermissions(read=True, list=True),
                                 expiry=datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1))
    r = detect(masq_bin, tree["url"] + "?" + sas)
    assert findings(r) == findings(detect(masq_bin, str(tree["local"])))
    assert sas not in r.stderr


def test_time_window_prunes_blobs(masq_bin, tree):
    env = {"AZURE_STORAGE_CONNECTION_STRING": tree["conn"]}
    r = detect(masq_bin, "--stats", "--from", "2026-11-20T00:00:00Z", tree["url"], env=env)
    assert r.returncode == 0, r.stderr
    assert "pruned by the window" in r.stderr and "(0 pruned" not in r.stderr
    assert findings(r) == findings(detect(masq_bin, "--from", "2026-11-20T00:00:00Z", str(tree["local"])))


def test_wrong_key_is_a_clear_error_without_the_secret(masq_bin, tree):
    bad_key = "QmFkS2V5Rm9yVGVzdGluZ09ubHlCYWRLZXlGb3JUZXN0aW5nT25seUJhZEtleQ=="
    conn = tree["conn"].replace(KEY, bad_key)
    r = detect(masq_bin, tree["url"], env={"AZURE_STORAGE_CONNECTION_STRING": conn})
    assert r.returncode == 2
    assert "403" in r.stderr and "cannot list blobs" in r.stderr
    assert bad_key not in r.stderr and bad_key not in r.stdout and "AccountKey" not in r.stderr
    r = detect(masq_bin, tree["url"])
    assert r.returncode == 2 and "no credentials" in r.stderr


def test_compressed_blobs_are_decompressed(masq_bin, tree, tmp_path):
    """Copies of an export are often gzip (.json.gz) or zstd (.json.zst): the same findings, and a
    truncated one is an error that keeps its complete lines."""
    import gzip

    from azure.storage.blob import BlobServiceClient
    zstd = shutil.which("zstd")
    container = BlobServiceClient.from_connection_string(tree["conn"]).get_container_client(CONTAINER)
    prefix = "compressed-copy"
    bodies = []
    for path in sorted(tree["local"].rglob("PT05M.json")):
        rel = path.relative_to(tree["local"] / PREFIX).as_posix()
        body = path.read_bytes()
        bodies.append(body)
        if zstd and len(bodies) % 2:
            packed = subprocess.run([zstd, "-q", "-c"], input=body, capture_output=True, check=True).stdout
            container.upload_blob(f"{prefix}/{rel}.zst", packed)
        else:
            container.upload_blob(f"{prefix}/{rel}.gz", gzip.compress(body))
    env = {"AZURE_STORAGE_CONNECTION_STRING": tree["conn"]}
    url = tree["url"].split(f"/{PREFIX}")[0] + f"/{prefix}"
    r = detect(masq_bin, "--stats", url, env=env)
    assert findings(r) == findings(detect(masq_bin, str(tree["local"]))), r.stderr
    # A truncated gzip blob: a file problem (exit 2), its complete lines still counted.
    whole = gzip.compress(bodies[0])
    container.upload_blob("truncated/y=2026/m=11/d=18/h=00/m=00/PT05M.json.gz", whole[: len(whole) // 2])
    r = detect(masq_bin, "--stats", url.replace(prefix, "truncated"), env=env)
    assert r.returncode == 2
    assert "truncated or corrupt gzip data" in r.stderr
    assert "records 0," not in r.stderr
