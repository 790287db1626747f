# SPDX-License-Identifier: MIT
"""Hostile and damaged inputs (tests/data/fuzz-regressions): masq reports a problem naming the
file and line, keeps what is good, and never crashes."""
import os
import subprocess

import pytest

# Under AddressSanitizer (make test runs this suite on the sanitize build too) RSS, address space
# and times measure the sanitizer's shadow memory and checks, not masq.
SANITIZED = os.environ.get("MASQ_SANITIZED") == "1"
measures_resources = pytest.mark.skipif(SANITIZED, reason="resource bounds are measured on the release build")


def run(masq_bin, *args, timeout=60, **kw):
    return subprocess.run([masq_bin, *map(str, args)], capture_output=True, text=True, timeout=timeout, **kw)


@pytest.fixture(scope="session")
def data(root):
    return root / "tests" / "data" / "fuzz-regressions"


def no_crash(r):
    # A negative code is a signal (SIGSEGV, SIGABRT); 134/139 the shell's spelling of the same.
    assert r.returncode >= 0 and r.returncode not in (134, 139), r.stderr


@pytest.mark.parametrize("args", [[], ["--input-format", "ecs"], ["--map", "process=process.name"]])
def test_f1_json_dialect_bad_line_after_good_one(masq_bin, data, args):
    r = run(masq_bin, "convert", *args, data / "json_dialects-auto-detected-ecs-then-bad-line.json")
    no_crash(r)
    assert ":2:" in r.stderr
    if not args or args[0] == "--input-format":
        assert "sppsvc.exe" in r.stdout


def test_f1_json_dialect_minimal(masq_bin, data):
    r = run(masq_bin, "convert", "--input-format", "ecs", data / "json_dialects-at_pointer-after-error.min.json")
    no_crash(r)
    assert ":1:" in r.stderr


class _Stub:
    """Entra ID + Logs Ingestion stand-in: the token response and the ingestion answer are set by
    the test; token requests and ingestion POSTs are counted."""

    def __init__(self, token_body, status=204, body=b""):
        import http.server
        import threading
        stub = self
        self.token_requests = 0
        self.posts = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if "/oauth2/v2.0/token" in self.path:
                    stub.token_requests += 1
                    code, payload = 200, token_body
                else:
                    stub.posts += 1
                    code, payload = status, body
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def send_env(url, spool):
    import os
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "MASQ_", "LOG_ANALYTICS_"))}
    env.update({"AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c", "AZURE_CLIENT_SECRET": "secret-value",
                "AZURE_AUTHORITY_HOST": url, "MASQ_DCE_ENDPOINT": url, "MASQ_DCR_IMMUTABLE_ID": "dcr-00112233445566778899aabbccddeeff",
                "MASQ_SPOOL_DIR": str(spool)})
    return env


def findings(data, tmp_path, n):
    """`n` distinct findings (one per batch with a small --max-batch-bytes)."""
    line = (data / "one-finding.jsonl").read_text(encoding="utf-8").strip()
    path = tmp_path / "findings.jsonl"
    path.write_text("".join(line.replace("gepj.exe", f"gepj{i}.exe") + "\n" for i in range(n)), encoding="utf-8")
    return path


@pytest.mark.parametrize("body", [b"{", b"{D}", b'{"a":"b""c"}', b'{"error":"x"\x15\x15}'])
def test_f2_send_describes_a_broken_error_body(masq_bin, data, tmp_path, body):
    stub = _Stub(b'{"access_token":"t","expires_in":3599}', status=400, body=body)
    try:
        r = run(masq_bin, "send", "--attempts", "1", findings(data, tmp_path, 1),
                env=send_env(stub.url, tmp_path / "spool"))
    finally:
        stub.close()
    no_crash(r)
    assert "HTTP 400" in r.stderr
    assert len(list((tmp_path / "spool").glob("*.jsonl"))) == 1  # the batch is kept, not lost


@pytest.mark.parametrize("expires_in", [b"1e300", b'"1e400"', b'"nan"', b"55555553599", b"359050005029", b"-5",
                                        b"555555555555555555555551799"])
def test_f4_token_lifetime_out_of_range(masq_bin, data, tmp_path, expires_in):
    stub = _Stub(b'{"access_token":"t","expires_in":' + expires_in + b"}")
    try:
        r = run(masq_bin, "send", "--max-batch-bytes", "1500", findings(data, tmp_path, 3),
                env=send_env(stub.url, tmp_path / "spool"))
    finally:
        stub.close()
    no_crash(r)
    assert r.returncode == 0, r.stderr
    assert stub.posts == 3
    # One token serves every batch: a lifetime out of range is neither "expired already" nor forever.
    assert stub.token_requests == 1


def test_f3_send_survives_a_leading_continuation_header(masq_bin, data, tmp_path):
    import sys
    server = subprocess.Popen([sys.executable, data / "libcurl_fold_stub_server.py"], stdout=subprocess.PIPE,
                              text=True)
    try:
        url = f"http://127.0.0.1:{server.stdout.readline().strip()}"
        r = run(masq_bin, "send", "--attempts", "3", data / "one-finding.jsonl", env=send_env(url, tmp_path / "spool"))
    finally:
        server.kill()
        server.wait()
    no_crash(r)
    assert len(list((tmp_path / "spool").glob("*.jsonl"))) == 1  # refused by the stub, kept in the spool


@pytest.mark.parametrize("bad", ["findings_reader-is_null-throws.jsonl",
                                 "findings_reader-is_null-throws.libfuzzer-min.jsonl"])
def test_f5_send_names_a_bad_findings_line_and_sends_the_rest(masq_bin, data, tmp_path, bad):
    stub = _Stub(b'{"access_token":"t","expires_in":3599}')
    try:
        r = run(masq_bin, "send", data / bad, data / "one-finding.jsonl", env=send_env(stub.url, tmp_path / "spool"))
    finally:
        stub.close()
    no_crash(r)
    assert f"{bad}:1:" in r.stderr
    assert stub.posts == 1


@pytest.mark.parametrize("folder", ["y=99999999999", "y=120245", "y=2000000000/m=01", "y=2024/m=13"])
def test_f7_f8_overflowing_folder_is_not_pruned(masq_bin, tmp_path, folder):
    d = tmp_path / "export" / folder
    d.mkdir(parents=True)
    (d / "PT05M.json").write_text('{"TimeGenerated":"2024-05-01T10:00:00Z","EventID":4688,"Computer":"H",'
                                  '"NewProcessName":"C:\\\\Windows\\\\System32\\\\a.exe","Process":"a.exe"}\n')
    r = run(masq_bin, "detect", "--stats", "--from", "2024-05-01T00:00:00Z", "--to", "2024-05-02T00:00:00Z",
            tmp_path / "export")
    no_crash(r)
    assert "kept 1 event" in r.stderr, r.stderr


@pytest.mark.parametrize("since", ["10675200d", "999999999d", "320242620h"])
def test_f9_since_too_long_is_a_clear_error(masq_bin, root, since):
    r = run(masq_bin, "detect", "--since", since, root / "data" / "sample")
    assert r.returncode == 2
    assert "too long" in r.stderr


def test_o1_blob_listing_with_a_repeated_marker_stops(masq_bin, data):
    import sys
    server = subprocess.Popen([sys.executable, data / "blob-repeated-nextmarker-server.py", "60"],
                              stdout=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{server.stdout.readline().strip()}/account/container?sv=2023-01-03&sig=x"
        r = run(masq_bin, "convert", url, timeout=30)
    finally:
        server.kill()
        server.wait()
    no_crash(r)
    assert "NextMarker" in r.stderr
    assert r.stdout.count("a.exe") == 1  # the blob listed on every page is read once


def test_o4_blob_client_does_not_sleep_after_its_last_attempt(masq_bin, tmp_path):
    import http.server
    import threading
    import time

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        started = time.monotonic()
        url = f"http://127.0.0.1:{server.server_address[1]}/account/container?sv=2023-01-03&sig=x"
        r = run(masq_bin, "convert", url)
        elapsed = time.monotonic() - started
    finally:
        server.shutdown()
        server.server_close()
    no_crash(r)
    assert "HTTP 503" in r.stderr
    if SANITIZED:
        return
    # Four attempts wait 0.2 + 0.4 + 0.8 s between them; a wait after the last would add 1.6 s.
    assert elapsed < 2.8, elapsed


@measures_resources
def test_o5_gzip_of_one_huge_line_is_skipped_without_buffering_it(masq_bin, tmp_path):
    import os
    import zlib
    # 128 MiB of one line in about 128 KB of gzip (the case found by hand was 3,000 MiB), then a
    # good record; beside it a good file.
    good = b'{"EventID":4688,"Computer":"H","NewProcessName":"C:\\\\Windows\\\\System32\\\\ok.exe","Process":"ok.exe"}\n'
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [z.compress(b'{"EventID":4688,"Process":"')]
    mib = b"a" * (1 << 20)
    parts += [z.compress(mib) for _ in range(128)]
    parts += [z.compress(b'"}\n' + good), z.flush()]
    (tmp_path / "huge.json.gz").write_bytes(b"".join(parts))
    (tmp_path / "good.json").write_bytes(good)
    # It inflates 1000 times: --max-expansion stops it as a bomb (below); lifted, the line bound holds.
    proc = subprocess.Popen([masq_bin, "convert", "--max-expansion", "0", "--max-record-bytes", str(1 << 20),
                             tmp_path / "huge.json.gz", tmp_path / "good.json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)  # the output is a few lines: the pipes cannot fill
    out, err = proc.stdout.read().decode(), proc.stderr.read().decode()
    proc.stdout.close()
    proc.stderr.close()
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, err
    assert "huge.json.gz:1:" in err and "--max-record-bytes" in err, err
    assert out.count("ok.exe") == 4  # path and name, in both files
    assert usage.ru_maxrss < 96 * 1024, usage.ru_maxrss  # KiB: the 128 MiB line was never held
    bomb = run(masq_bin, "convert", tmp_path / "huge.json.gz", tmp_path / "good.json")
    assert bomb.returncode == 2 and "huge.json.gz" in bomb.stderr and "--max-expansion" in bomb.stderr
    assert bomb.stdout.count("ok.exe") == 2  # the good file


def test_o2_truncated_evtx_is_reported(masq_bin, data, tmp_path):
    whole = (data / "evtx-libfwevt-leak.fuzzer-found.evtx").read_bytes()
    r = run(masq_bin, "convert", data / "evtx-libfwevt-leak.fuzzer-found.evtx")
    no_crash(r)
    assert "ends inside chunk" not in r.stderr
    cut = tmp_path / "cut.evtx"
    cut.write_bytes(whole[:40000])
    r = run(masq_bin, "convert", cut)
    no_crash(r)
    assert r.returncode == 2
    assert f"{cut}: the file ends inside chunk 1" in r.stderr


@pytest.mark.parametrize("size,at_least", [(200000, 70), (69631, 0)])
def test_o2_truncated_real_evtx_keeps_good_records(masq_bin, shared, tmp_path, size, at_least):
    source = shared / "data" / "real" / "evtx" / "sysmon_mixed_with_eid1.evtx"
    if not source.exists():
        pytest.skip("the real .evtx corpus is not present")
    cut = tmp_path / "cut.evtx"
    cut.write_bytes(source.read_bytes()[:size])
    r = run(masq_bin, "convert", cut)
    no_crash(r)
    assert r.returncode == 2
    assert "ends inside chunk" in r.stderr and str(cut) in r.stderr
    assert len(r.stdout.splitlines()) >= at_least


# Silent zeros (issue 19): input that gives the detectors nothing is said, never a quiet
# "0 alerts"; --strict turns it into exit status 2; -q silences the warning, not the error.
def _process_lines(path, records):
    import json
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


@pytest.mark.parametrize("case,expected", [
    ("no_process_name", "have no process name"),
    ("no_process_creation", "is a process creation"),
    ("outside_window", "outside the time window"),
    ("no_supported_file", "no input file was read"),
    ("no_host", "have no host"),
    ("no_time", "have no time"),
    ("forced_format", "check --input-format"),
])
def test_unusable_input_is_said_and_fails_under_strict(masq_bin, root, tmp_path, case, expected):
    event = {"EventID": 4688, "Computer": "A", "TimeGenerated": "2020-01-01T00:00:00Z",
             "NewProcessName": "C:\\Users\\x\\svch0st.exe"}
    extra = []
    if case == "no_process_name":  # a KQL `project` that dropped Process; seed mode keeps the notebook's null group
        target = _process_lines(tmp_path / "events.json", [event] * 5)
        extra = ["--mode", "seed"]
    elif case == "no_process_creation":
        target = _process_lines(tmp_path / "events.json", [{**event, "EventID": 4624, "Process": "a.exe"}] * 5)
    elif case == "outside_window":
        target = _process_lines(tmp_path / "events.json", [{**event, "Process": "a.exe"}] * 5)
        extra = ["--from", "2030-01-01"]
    elif case == "no_host":  # a `project` without Computer: an alert could not say where
        target = _process_lines(tmp_path / "events.json", [{**event, "Process": "a.exe", "Computer": ""}] * 4 +
                                [{k: v for k, v in event.items() if k != "Computer"}] * 2)
    elif case == "no_time":
        target = _process_lines(tmp_path / "events.json",
                                [{k: v for k, v in {**event, "Process": "a.exe"}.items() if k != "TimeGenerated"}] * 3)
    elif case == "forced_format":  # --input-format sysmon on SecurityEvent lines matches nothing
        target = _process_lines(tmp_path / "events.json", [{**event, "Process": "a.exe"}] * 3)
        extra = ["--input-format", "sysmon"]
    else:
        (tmp_path / "notes.txt").write_text("not an event log\n")
        target = tmp_path
    r = run(masq_bin, "detect", "-f", "jsonl", *extra, target)
    assert r.returncode == 0, r.stderr
    assert f"warning: " in r.stderr and expected in r.stderr
    strict = run(masq_bin, "detect", "-f", "jsonl", "--strict", "-q", *extra, target)
    assert strict.returncode == 2
    assert "error: " in strict.stderr and expected in strict.stderr
    quiet = run(masq_bin, "detect", "-f", "jsonl", "-q", *extra, target)
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_usable_input_has_no_such_warning(masq_bin, root):
    r = run(masq_bin, "detect", "-f", "jsonl", "--strict", root / "data" / "sample")
    assert r.returncode == 0, r.stderr
    assert "warning" not in r.stderr and "error" not in r.stderr


def test_full_mode_names_an_event_by_its_path_when_process_is_missing(masq_bin, tmp_path):
    event = {"EventID": 4688, "Computer": "A", "TimeGenerated": "2020-01-01T00:00:00Z",
             "NewProcessName": "C:\\Users\\x\\svch0st.exe"}
    target = _process_lines(tmp_path / "events.json", [event] * 3)
    r = run(masq_bin, "detect", "-f", "jsonl", "--strict", target)
    assert r.returncode == 0, r.stderr
    assert '"suspicious_process":"svch0st.exe"' in r.stdout
    assert "3 events without a process name named by the path's file name" in r.stderr
    explained = run(masq_bin, "explain", "svch0st.exe", target)
    assert explained.returncode == 0 and "confusable" in explained.stdout


def repeated_lines_gzip(path, megabytes):
    """A gzip of `megabytes` MiB of one short record repeated: it inflates about 1000 times, as
    only a decompression bomb does (exports compress 15-70 times)."""
    import zlib
    line = b'{"EventID":4688,"Computer":"H","NewProcessName":"C:\\\\Temp\\\\a.exe","Process":"a.exe"}\n'
    block = line * ((1 << 20) // len(line))
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    path.write_bytes(b"".join([z.compress(block) for _ in range(megabytes)] + [z.flush()]))


def test_decompression_bomb_is_a_counted_problem_of_its_file(masq_bin, tmp_path):
    repeated_lines_gzip(tmp_path / "bomb.json.gz", 160)
    good = b'{"EventID":4688,"Computer":"H","NewProcessName":"C:\\\\Windows\\\\ok.exe","Process":"ok.exe"}\n'
    (tmp_path / "good.json").write_bytes(good)
    r = run(masq_bin, "convert", tmp_path / "bomb.json.gz", tmp_path / "good.json", timeout=120)
    no_crash(r)
    assert r.returncode == 2, r.stderr
    assert "bomb.json.gz" in r.stderr and "--max-expansion" in r.stderr, r.stderr
    assert "ok.exe" in r.stdout  # the good file is read
    lines = r.stdout.count("a.exe")
    assert 0 < lines < 2 * 160 * 10_000  # the lines before the bound are kept, not all 160 MiB
    # The bound can be lifted: then the whole file is read, without a problem.
    r = run(masq_bin, "detect", "--max-expansion", "0", "--stats", tmp_path / "bomb.json.gz", timeout=300)
    assert r.returncode == 0, r.stderr
    assert "oversized" not in r.stderr


@measures_resources
def test_memory_stays_bounded_under_an_address_space_limit(masq_bin, tmp_path):
    """docs/robustness.md: one hostile input costs at most the read chunk plus --max-record-bytes
    (twice that while the line buffer grows); here 256 MiB of one line under a 640 MiB address
    space (threads' stacks and ICU's data are most of it)."""
    import resource
    import zlib
    z = zlib.compressobj(1, zlib.DEFLATED, 31)
    mib = b"a" * (1 << 20)
    parts = [z.compress(b'{"EventID":4688,"Process":"')] + [z.compress(mib) for _ in range(256)]
    parts += [z.compress(b'"}\n{"EventID":4688,"Computer":"H","Process":"ok.exe"}\n'), z.flush()]
    (tmp_path / "huge.json.gz").write_bytes(b"".join(parts))

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (640 << 20, 640 << 20))

    r = subprocess.run([masq_bin, "convert", "--max-expansion", "0", tmp_path / "huge.json.gz"],
                       capture_output=True, text=True, timeout=120, preexec_fn=limit)
    no_crash(r)
    assert "huge.json.gz:1:" in r.stderr and "--max-record-bytes" in r.stderr, r.stderr
    assert "ok.exe" in r.stdout
