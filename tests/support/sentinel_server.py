"""A local stand-in for Microsoft Sentinel's ingestion endpoints that checks the real wire protocol
and injects faults on a schedule.

It serves, on 127.0.0.1 only:

* ``POST /{tenant}/oauth2/v2.0/token`` -- Entra ID client-credentials grant: form-encoded body with
  grant_type=client_credentials, client_id, client_secret and the Azure Monitor scope; answers
  ``{"token_type":"Bearer","expires_in":…,"access_token":…}`` or 400/401 as Entra ID does.
* ``POST /dataCollectionRules/{dcr}/streams/{stream}?api-version=2023-01-01`` -- the Logs Ingestion
  API: bearer token issued here and unexpired, ``Content-Type: application/json``, optional
  ``Content-Encoding: gzip``, at most 1 MB compressed and uncompressed, a JSON array of objects whose
  columns are the declared ones, ``x-ms-client-request-id`` a UUID; 204 on success.
* ``POST /api/logs?api-version=2016-04-01`` -- the retired HTTP Data Collector API: the SharedKey
  signature recomputed from the request (HMAC-SHA256 over "POST\\n{len}\\napplication/json\\n
  x-ms-date:{date}\\n/api/logs"), a fresh x-ms-date, a valid Log-Type; 200 on success.

Faults are taken, one per ingestion request, from ``server.faults`` (then "ok" once it is empty):
``ok``, ``429`` or ``429:SECONDS`` (with Retry-After), ``500``, ``503``, ``401`` (token refused),
``413`` (this batch is too large -- sticky for its request id, as a real size limit is), ``reset``
(the connection is reset before the request is processed), ``reset-after`` (processed, then reset:
the client cannot know it was delivered), ``slow:SECONDS`` (processed after a delay).

Deliveries are kept by request id: a batch accepted twice under the same id is counted once (and
in ``duplicates``), which is what lets a client's retries and resumes be exactly-once.
"""

from __future__ import annotations

import base64
import email.utils
import gzip
import hashlib
import hmac
import json
import pathlib
import re
import secrets
import socket
import struct
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
LOG_TYPE = re.compile(r"^[A-Za-z0-9_]{1,100}$")
SCOPES = {"https://monitor.azure.com/.default", "https://monitor.azure.com//.default"}
LOGS_INGESTION_LIMIT = 1_000_000
DATA_COLLECTOR_LIMIT = 30_000_000

# The columns of the MasqFindings_CL stream, as the deployment declares them: a record with any
# other column is refused, as the real data collection rule refuses it.
BICEP = pathlib.Path(__file__).resolve().parents[2] / "deploy" / "sentinel" / "masq-findings.bicep"


def bicep_columns(path=BICEP) -> dict:
    """{column: type} of the `var columns = [...]` list of the Bicep template."""
    text = path.read_text(encoding="utf-8")
    block = text[text.index("var columns = ["):]
    block = block[:block.index("\n]\n")]
    return dict(re.findall(r"\{ name: '([A-Za-z0-9_]+)', type: '([a-z]+)'", block))


FINDINGS_COLUMNS = set(bicep_columns())


class SentinelServer:
    def __init__(self, tenant="00000000-0000-0000-0000-0000000000aa", client_id="masq-test-client",
                 client_secret=None, dcr="dcr-00112233445566778899aabbccddeeff",
                 stream="Custom-MasqFindings_CL", workspace_id="11111111-2222-3333-4444-555555555555",
                 shared_key=None, token_lifetime=3600, columns=FINDINGS_COLUMNS):
        self.tenant, self.client_id, self.dcr, self.stream = tenant, client_id, dcr, stream
        self.client_secret = client_secret or "cs~" + secrets.token_urlsafe(24)
        self.workspace_id = workspace_id
        self.shared_key = shared_key or base64.b64encode(secrets.token_bytes(64)).decode()
        self.token_lifetime = token_lifetime
        self.columns = columns
        self.lock = threading.Lock()
        self.faults: list[str] = []
        self.token_faults: list[str] = []
        self.tokens: dict[str, float] = {}  # token -> expiry (monotonic)
        self.token_requests = 0
        self.requests = 0
        self.deliveries: dict[str, list[dict]] = {}  # request id -> records (first accepted copy)
        self.delivery_api: dict[str, str] = {}
        self.duplicates = 0
        self.too_large: set[str] = set()
        self.violations: list[str] = []  # protocol errors a correct client never makes
        self.log: list[tuple[str, int, str]] = []  # (request id, status, fault)
        self.max_body_seen = 0
        self.gzip_requests = 0
        self.in_flight = 0
        self.httpd: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self):
        server = self

        class Handler(_Handler):
            owner = server

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    # -- what the tests read ----------------------------------------------------------------
    def delivered_records(self):
        with self.lock:
            return [r for records in self.deliveries.values() for r in records]

    def env(self, spool):
        """Environment for `masq send` against this server (Logs Ingestion API)."""
        return {
            "AZURE_TENANT_ID": self.tenant, "AZURE_CLIENT_ID": self.client_id,
            "AZURE_CLIENT_SECRET": self.client_secret, "AZURE_AUTHORITY_HOST": self.url,
            "MASQ_DCE_ENDPOINT": self.url, "MASQ_DCR_IMMUTABLE_ID": self.dcr, "MASQ_DCR_STREAM": self.stream,
            "LOG_ANALYTICS_WORKSPACE_ID": self.workspace_id, "LOG_ANALYTICS_SHARED_KEY": self.shared_key,
            "MASQ_DATA_COLLECTOR_ENDPOINT": self.url, "MASQ_SPOOL_DIR": str(spool),
        }

    def settle(self, timeout=10.0):
        """Waits until no request is being handled (a slow one may outlive the client's timeout)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if self.in_flight == 0:
                    return
            time.sleep(0.05)
        raise TimeoutError("the server is still handling requests")

    def next_fault(self):
        with self.lock:
            return self.faults.pop(0) if self.faults else "ok"

    def violation(self, text):
        with self.lock:
            self.violations.append(text)


def _error(code, message):
    return json.dumps({"error": {"code": code, "message": message}}).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Azure front doors and libcurl use it
    owner: SentinelServer

    def log_message(self, *args):  # quiet
        pass

    def finish(self):
        try:
            super().finish()
        except OSError:
            pass  # the connection was reset on purpose

    def reply(self, status, body=b"", headers=None, content_type="application/json"):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if body:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def reset(self):
        """Abort the connection with a TCP RST (SO_LINGER 0), no response."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def json_array(self, body, error_code):
        """The body as a list of objects, or None after answering 400 (both APIs take only that)."""
        try:
            records = json.loads(body.decode("utf-8"))
            if isinstance(records, list) and all(isinstance(r, dict) for r in records):
                return records
        except ValueError:
            pass
        self.owner.violation("body is not a JSON array of objects")
        self.reply(400, _error(error_code, "a JSON array of objects is expected"))
        return None

    def do_GET(self):
        self.reply(404, _error("NotFound", "only POST is served"))

    def do_POST(self):
        with self.owner.lock:
            self.owner.in_flight += 1
        try:
            self.handle_post()
        finally:
            with self.owner.lock:
                self.owner.in_flight -= 1

    def handle_post(self):
        s = self.owner
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        body = self.read_body()
        if url.path == f"/{s.tenant}/oauth2/v2.0/token":
            return self.token(body)
        if url.path.endswith("/oauth2/v2.0/token"):
            s.violation(f"token request for an unknown tenant: {url.path}")
            return self.reply(400, json.dumps({"error": "invalid_request",
                                               "error_description": "AADSTS90002: Tenant not found."}).encode())
        if url.path.startswith("/dataCollectionRules/"):
            return self.logs_ingestion(url, query, body)
        if url.path == "/api/logs":
            return self.data_collector(query, body)
        s.violation(f"unknown path {url.path}")
        self.reply(404, _error("NotFound", "no such endpoint"))

    # -- Entra ID -------------------------------------------------------------------------
    def token(self, body):
        s = self.owner
        with s.lock:
            s.token_requests += 1
            fault = s.token_faults.pop(0) if s.token_faults else "ok"
        if self.headers.get("Content-Type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
            s.violation("token request is not form-encoded")
            return self.reply(400, json.dumps({"error": "invalid_request"}).encode())
        form = urllib.parse.parse_qs(body.decode(), keep_blank_values=True)
        field = {k: v[0] for k, v in form.items()}
        if field.get("grant_type") != "client_credentials":
            s.violation(f"grant_type {field.get('grant_type')!r}")
            return self.reply(400, json.dumps({"error": "unsupported_grant_type"}).encode())
        if field.get("scope") not in SCOPES:
            s.violation(f"scope {field.get('scope')!r}")
            return self.reply(400, json.dumps({"error": "invalid_scope",
                                               "error_description": "AADSTS70011: invalid scope"}).encode())
        if fault.startswith("5"):
            return self.reply(int(fault), json.dumps({"error": "temporarily_unavailable"}).encode())
        if field.get("client_id") != s.client_id or field.get("client_secret") != s.client_secret:
            return self.reply(401, json.dumps({
                "error": "invalid_client",
                "error_description": "AADSTS7000215: Invalid client secret provided."}).encode())
        token = "eyJ0" + secrets.token_urlsafe(32)
        with s.lock:
            s.tokens[token] = time.monotonic() + s.token_lifetime
        self.reply(200, json.dumps({"token_type": "Bearer", "expires_in": s.token_lifetime,
                                    "ext_expires_in": s.token_lifetime, "access_token": token}).encode())

    # -- Logs Ingestion API ----------------------------------------------------------------
    def logs_ingestion(self, url, query, raw):
        s = self.owner
        m = re.fullmatch(r"/dataCollectionRules/([^/]+)/streams/([^/]+)", url.path)
        if not m or urllib.parse.unquote(m.group(1)) != s.dcr:
            s.violation(f"wrong DCR path {url.path}")
            return self.reply(404, _error("NotFound", "data collection rule not found"))
        if urllib.parse.unquote(m.group(2)) != s.stream:
            s.violation(f"wrong stream {m.group(2)}")
            return self.reply(400, _error("InvalidStream", "stream not declared in the DCR"))
        if query.get("api-version") != ["2023-01-01"]:
            s.violation(f"api-version {query.get('api-version')}")
            return self.reply(400, _error("InvalidApiVersion", "unsupported api-version"))
        request_id = self.headers.get("x-ms-client-request-id", "")
        if not UUID.match(request_id):
            s.violation(f"x-ms-client-request-id {request_id!r} is not a UUID")
        auth = self.headers.get("Authorization", "")
        token = auth[len("Bearer "):] if auth.startswith("Bearer ") else None
        fault = s.next_fault()
        with s.lock:
            s.requests += 1
            valid = token in s.tokens and s.tokens[token] > time.monotonic()
        if not token:
            s.violation("no bearer token")
        if fault == "401" or not valid:
            with s.lock:
                s.log.append((request_id, 401, fault))
            return self.reply(401, _error("InvalidToken", "The provided token is invalid or expired."),
                              {"x-ms-error-code": "InvalidToken"})
        if self.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
            s.violation(f"Content-Type {self.headers.get('Content-Type')!r}")
            return self.reply(415, _error("UnsupportedMediaType", "application/json expected"))
        if len(raw) > LOGS_INGESTION_LIMIT:
            s.violation(f"compressed body of {len(raw)} bytes")
            return self.reply(413, _error("ContentLengthLimitExceeded", "The message is too large."))
        encoding = self.headers.get("Content-Encoding")
        if encoding not in (None, "gzip"):
            s.violation(f"Content-Encoding {encoding!r}")
            return self.reply(400, _error("InvalidContentEncoding", "only gzip"))
        if encoding == "gzip":
            try:
                body = gzip.decompress(raw)
            except OSError:
                s.violation("Content-Encoding gzip but the body is not gzip")
                return self.reply(400, _error("InvalidContentEncoding", "bad gzip"))
            with s.lock:
                s.gzip_requests += 1
        else:
            body = raw
        with s.lock:
            s.max_body_seen = max(s.max_body_seen, len(body))
        if len(body) > LOGS_INGESTION_LIMIT:
            s.violation(f"uncompressed body of {len(body)} bytes")
            return self.reply(413, _error("ContentLengthLimitExceeded", "The message is too large."))
        records = self.json_array(body, "InvalidPayload")
        if records is None:
            return
        for r in records:
            unknown = set(r) - s.columns
            if unknown:
                s.violation(f"columns not in the stream: {sorted(unknown)}")
            if not isinstance(r.get("TimeGenerated"), str):
                s.violation("record without TimeGenerated")
        return self.accept_or_fault(request_id, records, fault, "logs-ingestion")

    def accept_or_fault(self, request_id, records, fault, api):
        s = self.owner
        status = 204 if api == "logs-ingestion" else 200
        if fault == "413" or request_id in s.too_large:
            with s.lock:
                already = request_id in s.deliveries
                if not already:
                    s.too_large.add(request_id)
            if not already:  # a batch that went through once cannot be too large later
                s.log.append((request_id, 413, fault))
                return self.reply(413, _error("ContentLengthLimitExceeded", "The message is too large."))
        if fault.startswith("429"):
            wait = fault.split(":")[1] if ":" in fault else "1"
            s.log.append((request_id, 429, fault))
            return self.reply(429, _error("TooManyRequests", "Rate limit exceeded"),
                              {"Retry-After": wait, "x-ms-error-code": "TooManyRequests"})
        if fault in ("500", "503"):
            s.log.append((request_id, int(fault), fault))
            return self.reply(int(fault), _error("ServiceUnavailable", "try later"))
        if fault == "reset":
            s.log.append((request_id, 0, fault))
            return self.reset()
        if fault.startswith("slow:"):
            time.sleep(float(fault.split(":")[1]))
            if request_id in s.too_large:  # meanwhile found too large on a retry: a size limit is deterministic
                s.log.append((request_id, 413, fault))
                return self.reply(413, _error("ContentLengthLimitExceeded", "The message is too large."))
        with s.lock:
            if request_id in s.deliveries:
                s.duplicates += 1
            else:
                s.deliveries[request_id] = records
                s.delivery_api[request_id] = api
            s.log.append((request_id, status, fault))
        if fault == "reset-after":
            return self.reset()
        self.reply(status)

    # -- HTTP Data Collector API -------------------------------------------------------------
    def data_collector(self, query, body):
        s = self.owner
        if query.get("api-version") != ["2016-04-01"]:
            s.violation(f"api-version {query.get('api-version')}")
            return self.reply(400, _error("InvalidApiVersion", "api-version must be 2016-04-01"))
        if self.headers.get("Content-Type") != "application/json":
            s.violation(f"Content-Type {self.headers.get('Content-Type')!r}")
            return self.reply(400, _error("UnsupportedContentType", "application/json expected"))
        log_type = self.headers.get("Log-Type", "")
        if not LOG_TYPE.match(log_type):
            s.violation(f"Log-Type {log_type!r}")
            return self.reply(400, _error("InvalidLogType", "bad Log-Type"))
        date = self.headers.get("x-ms-date", "")
        try:
            when = email.utils.parsedate_to_datetime(date).timestamp()
            assert abs(when - time.time()) < 15 * 60
        except (TypeError, ValueError, AssertionError):
            s.violation(f"x-ms-date {date!r}")
            return self.reply(403, _error("InvalidAuthorization", "bad x-ms-date"))
        to_sign = f"POST\n{len(body)}\napplication/json\nx-ms-date:{date}\n/api/logs"
        expected = base64.b64encode(hmac.new(base64.b64decode(s.shared_key), to_sign.encode(),
                                             hashlib.sha256).digest()).decode()
        if self.headers.get("Authorization") != f"SharedKey {s.workspace_id}:{expected}":
            s.violation("SharedKey signature does not verify")
            return self.reply(403, _error("InvalidAuthorization", "An invalid scheme was specified"))
        if len(body) > DATA_COLLECTOR_LIMIT:
            s.violation(f"body of {len(body)} bytes")
            return self.reply(404, _error("TooLarge", "the request is too large"))
        records = self.json_array(body, "InvalidDataFormat")
        if records is None:
            return
        with s.lock:
            s.requests += 1
            s.max_body_seen = max(s.max_body_seen, len(body))
        field = self.headers.get("time-generated-field")
        if field and not all(field in r for r in records):
            s.violation(f"time-generated-field {field} missing from records")
        request_id = self.headers.get("x-ms-client-request-id", "")
        return self.accept_or_fault(request_id, records, s.next_fault(), "data-collector")


if __name__ == "__main__":  # a server to poke at by hand: prints its URL and credentials
    import sys
    with SentinelServer() as srv:
        print(json.dumps(srv.env("/tmp/masq-spool"), indent=2))
        sys.stdout.flush()
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
