"""`make run`: the local stack on localhost.

Serves the API (each request becomes an API Gateway proxy event for the same Lambda handlers),
the customer's web form and status page, the agent page and the outbox, over the embedded AWS of
`local.runtime`. Settings come from the environment: PORT (8080), SPEED (1; 3600 makes one real
second a simulated hour), SIM_START (an ISO instant with an offset to start the simulated clock
at; it wins over the time saved in the data folder),
DATA_DIR (local-data/), SEED (1: file sample tickets into an empty desk).
"""

from __future__ import annotations

import faulthandler
import json
import logging
import os
import re
import signal
import sys
import threading
import time
import uuid
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import boto3

from local.runtime import Runtime, Stopping
from local.serial import LOCK
from local.sign_in import (
    DEMO_AGENTS,
    TokenRefused,
    authorizer_claims,
    jwks,
    pool_keys,
    verify_id_token,
)
from local.site import page_key, page_paths
from local.stack import REGION, SITE_BUCKET, load_template
from local.uploads import UploadRejected, take_upload

log = logging.getLogger(__name__)
UPLOAD_LIMIT = 60 * 1024 * 1024  # the largest upload (a 50 MB video and its form)
LOCAL_PAGES_DIR = Path(__file__).resolve().parent / "pages"
LOCAL_ADMIN_TOKEN = "local-admin-token"  # the local stack's documented script token (admins)
POOL_KEYS = pool_keys()
# What the distribution's response-headers policy (SiteHeaders) adds to the pages.
SITE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
SLOW = 5.0  # seconds: a request this slow is logged
MAX_BODY = 1024 * 1024  # the API refuses more than 64 KiB; the server reads at most this


def api_routes() -> list[tuple[str, str, str, bool]]:
    """(method, resource, function, signed in) for every API event in template.yaml: one list of
    routes. `signed in`: the API's default Cognito authorizer guards the route (no
    `Auth: Authorizer: NONE`)."""
    routes = []
    for logical_id, resource in load_template()["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for event in resource["Properties"].get("Events", {}).values():
            if event["Type"] == "Api":
                props = event["Properties"]
                public = (props.get("Auth") or {}).get("Authorizer") == "NONE"
                routes.append((props["Method"].upper(), props["Path"], logical_id, not public))
    return routes


ROUTES = api_routes()
PAGE_PATHS = page_paths()
LOCAL_PAGES = {"/outbox": "outbox.html"}  # the local stack's own pages (never published)


def match_route(method: str, path: str) -> tuple[str, str, dict[str, str], bool] | None:
    for route_method, resource, function, signed_in in ROUTES:
        pattern = "^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", resource) + "$"
        found = re.match(pattern, path)
        if route_method == method and found:
            params = {k: unquote(v) for k, v in found.groupdict().items()}
            return resource, function, params, signed_in
    return None


def proxy_event(
    method: str,
    path: str,
    query: str,
    headers: dict[str, str],
    body: bytes,
    resource: str,
    params: dict[str, str],
) -> dict[str, Any]:
    """An API Gateway REST proxy event, as the deployed API would send it."""
    query_values = parse_qs(query, keep_blank_values=True)
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in query_values.items()} or None,
        "multiValueQueryStringParameters": query_values or None,
        "pathParameters": params or None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": f"/local{path}",
            "stage": "local",
            "requestId": str(uuid.uuid4()),
            "accountId": "123456789012",
            "identity": {"sourceIp": "127.0.0.1"},
        },
        "body": body.decode("utf-8", errors="replace") if body else None,
        "isBase64Encoded": False,
    }


class Handler(BaseHTTPRequestHandler):
    runtime: Runtime
    server_version = "supportflow-local"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the desk logs what matters
        return

    def do_GET(self) -> None:
        self._handle("GET")

    def __getattr__(self, name: str) -> Any:
        """Any other method (DELETE, TRACE, ...): 405, never the stdlib's 501 page."""
        if name.startswith("do_"):
            return self._not_allowed
        raise AttributeError(name)

    def _not_allowed(self) -> None:
        self._json(
            405,
            {"message": f"{self.command} is not supported here"},
            {"Allow": "GET, POST, PUT, OPTIONS"},
        )

    def do_POST(self) -> None:
        self._handle("POST")

    def do_OPTIONS(self) -> None:  # a browser's CORS preflight (answered by the function)
        self._handle("OPTIONS")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def _handle(self, method: str) -> None:
        with LOCK.urgent():  # a person is waiting: before the background's queued calls
            self._serve(method)

    def _serve(self, method: str) -> None:
        url = urlsplit(self.path)
        path = url.path
        try:
            if path.startswith("/api/"):
                return self._api(method, path[4:], url.query)
            if path.startswith("/local/auth/"):
                return self._sign_in(method, path.removeprefix("/local/auth"), url.query)
            if method == "GET" and path in LOCAL_PAGES:
                page = (LOCAL_PAGES_DIR / LOCAL_PAGES[path]).read_bytes()
                return self._send(200, page, "text/html; charset=utf-8")
            if method == "GET" and path == "/local/status.json":
                return self._json(200, self._status())
            if method == "POST" and path == "/local/uploads":
                return self._upload()
            if method == "GET" and path.startswith("/local/attachments/"):
                return self._attachment(unquote(path.removeprefix("/local/attachments/")))
            if method == "GET" and path == "/local/outbox.json":
                assert self.runtime.outbox is not None
                return self._json(200, {"messages": self.runtime.outbox.messages()})
            if method == "GET" and path.startswith("/outbox/") and path.endswith(".eml"):
                assert self.runtime.outbox is not None
                file = self.runtime.outbox.folder / Path(unquote(path)).name
                if file.is_file():
                    return self._send(200, file.read_bytes(), "message/rfc822")
            if method in ("GET", "HEAD") and not path.startswith("/local/"):
                return self._page(path)
            return self._json(404, {"message": f"nothing at {path}"})
        except BrokenPipeError:
            return None
        except Exception:  # never a traceback to the browser
            log.exception("request failed")
            return self._json(500, {"message": "something went wrong on our side; it was logged"})

    def _api(self, method: str, path: str, query: str) -> None:
        found = match_route(method, path)
        if found is None:
            return self._json(404, {"message": f"no route {method} {path}"})
        resource, function, params, signed_in = found
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._refuse(400, "send the body with a Content-Length, not chunked")
        text = (self.headers.get("Content-Length") or "0").strip()
        if not text.isdigit() or len(text) > 12:
            return self._refuse(400, "Content-Length must be a whole number of bytes")
        length = int(text)
        if length > MAX_BODY:
            return self._refuse(413, "the request body is too large")
        body = self.rfile.read(length) if length else b""
        if len(body) < length:
            return self._refuse(400, "the body ended before Content-Length bytes")
        headers = {k: v for k, v in self.headers.items()}
        event = proxy_event(method, path, query, headers, body, resource, params)
        if signed_in:
            claims = self._authorized(headers)
            if claims is None:
                return self._json(401, {"message": "Unauthorized"})
            if claims:
                event["requestContext"]["authorizer"] = {"claims": claims}
        started = time.monotonic()
        try:
            response = self.runtime.call(function, event)
        except Stopping as exc:
            return self._json(503, {"message": str(exc)}, {"Retry-After": "5"})
        took = time.monotonic() - started
        if took > SLOW:
            log.warning("slow request: %s %s took %.1f s", method, path, took)
        if function == "PrivacyFunction" and method == "POST" and response.get("statusCode") == 200:
            self.runtime.forget_erased()  # the journal keeps no copy of what was erased
        out_headers = dict(response.get("headers") or {})
        for key, values in (response.get("multiValueHeaders") or {}).items():
            out_headers[key] = values[-1]
        content_type = out_headers.pop("Content-Type", "application/json")
        self._send(
            int(response["statusCode"]),
            str(response.get("body") or "").encode(),
            content_type,
            out_headers,
        )

    def _status(self) -> dict[str, Any]:
        """The local stack's own state for its pages: the simulated clock and the loops' health."""
        assert self.runtime.clock is not None
        return {
            "now": self.runtime.clock().isoformat(),
            "speed": self.runtime.speed,
            "health": self.runtime.health,
        }

    def _page(self, path: str) -> None:
        """A file of the site from the site bucket, at the address CloudFront would serve it."""
        key = page_key(path, PAGE_PATHS)
        if key is None:
            return self._json(404, {"message": f"nothing at {path}"})
        s3 = boto3.client("s3", region_name=REGION)
        try:
            found = s3.get_object(Bucket=SITE_BUCKET, Key=key)
        except s3.exceptions.ClientError:  # NoSuchKey (CloudFront with OAC answers 403)
            return self._json(404, {"message": f"nothing at {path}"})
        body = found["Body"].read()
        self._send(200, body, found.get("ContentType") or "application/octet-stream", SITE_HEADERS)
        return None

    def _authorized(self, headers: dict[str, str]) -> dict[str, str] | None:
        """What API Gateway's Cognito authorizer does: the claims of a valid ID token ({} for the
        local-only bearer tokens, which the function checks itself; None: 401)."""
        given = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        if given in (f"Bearer {self.runtime.agent_token}", f"Bearer {LOCAL_ADMIN_TOKEN}"):
            return {}
        assert self.runtime.stack is not None and self.runtime.stack.sign_in is not None
        token = given.removeprefix("Bearer ").strip()
        try:
            claims = verify_id_token(token, self.runtime.stack.sign_in, time.time(), POOL_KEYS)
        except TokenRefused as exc:
            log.info("API request refused: %s", exc)
            return None
        return authorizer_claims(claims)

    def _sign_in(self, method: str, path: str, query: str) -> None:
        """The stand-in for Cognito's managed login (local/sign_in.py)."""
        login = self.runtime.sign_in
        assert login is not None
        args = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
        if method == "POST":
            text = (self.headers.get("Content-Length") or "0").strip()
            if not text.isdigit() or int(text) > 64 * 1024:
                return self._refuse(413, "send a form of at most 64 KiB with its Content-Length")
            length = int(text)
            posted = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
            form = {k: v[-1] for k, v in posted.items()}
            if path == "/login":
                return self._sign_in_answer(*login.login(form))
            if path == "/oauth2/token":  # called by the pages' script: CORS, as Cognito does
                status, tokens = login.token(form)
                return self._json(status, tokens, login.cors(self.headers.get("Origin") or ""))
        if method == "GET" and path == "/oauth2/authorize":
            return self._sign_in_answer(*login.authorize(args))
        if method == "GET" and path == "/logout":
            return self._sign_in_answer(*login.logout(args))
        if method == "GET" and path == "/.well-known/jwks.json":
            return self._json(200, jwks())
        return self._json(404, {"message": f"nothing at /local/auth{path}"})

    def _sign_in_answer(self, status: int, headers: dict[str, str], page: str) -> None:
        self._send(status, page.encode(), "text/html; charset=utf-8", {**headers, **SITE_HEADERS})

    def _upload(self) -> None:
        """A browser's presigned POST of an upload (S3 takes it on AWS): the policy is checked
        as S3 checks it (local/uploads.py), then the file goes into moto's bucket."""
        text = (self.headers.get("Content-Length") or "").strip()
        if not text.isdigit() or int(text) > UPLOAD_LIMIT:
            return self._refuse(400, "an upload needs a Content-Length under 60 MB")
        body = self.rfile.read(int(text))
        assert self.runtime.stack is not None
        s3 = boto3.client("s3", region_name=REGION)
        try:
            key = take_upload(
                s3,
                self.runtime.stack.env["MAIL_BUCKET"],
                body,
                self.headers.get("Content-Type") or "",
            )
        except UploadRejected as exc:
            return self._json(exc.status, {"message": str(exc)})
        return self._send(204, b"", "text/plain", {"Location": f"/local/attachments/{key}"})

    def _attachment(self, key: str) -> None:
        """A kept attachment or an export's archive from moto's S3 (on AWS a presigned URL
        serves it): only under attachments/ and exports/ (whose keys hold 128 random bits), as a
        download, never rendered as a page of this site."""
        if not key.startswith(("attachments/", "exports/")) or ".." in key:
            return self._json(404, {"message": "no such attachment"})
        assert self.runtime.stack is not None
        s3 = boto3.client("s3", region_name=REGION)
        try:
            data = s3.get_object(Bucket=self.runtime.stack.env["MAIL_BUCKET"], Key=key)
        except s3.exceptions.NoSuchKey:
            return self._json(404, {"message": "no such attachment"})
        name = key.rsplit("/", 1)[-1].split("-", 1)[-1]
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Disposition", f'attachment; filename="{name}"')
        self.send_header("X-Content-Type-Options", "nosniff")
        body = data["Body"].read()
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None

    def _refuse(self, status: int, message: str) -> None:
        """A request the server cannot frame: answer and close (its body is not read)."""
        self.close_connection = True
        self._json(status, {"message": message})

    def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(data).encode(), "application/json", headers)

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for key, value in (headers or {}).items():
            if key.lower() not in ("content-length", "content-type"):
                self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


class DeskServer(ThreadingHTTPServer):
    request_queue_size = 256  # a burst of connections waits instead of being reset
    daemon_threads = True


def seed(runtime: Runtime) -> int:
    """A few sample tickets in an empty desk, one per kind of contract."""
    samples = [
        {
            "customer": "integratie-noord",
            "contact_email": "servicedesk@noord.example",
            "subject": "Koppeling met zaaksysteem ligt eruit",
            "urgency": "down",
            "impact": "several_users",
            "description": "Sinds vanochtend komen er geen zaken door.",
        },
        {
            "customer": "webshop-bakker",
            "contact_email": "info@bakker.example",
            "subject": "Betalen met iDEAL lukt niet",
            "urgency": "high",
            "impact": "large",
            "description": "Klanten krijgen een foutmelding bij het afrekenen.",
        },
        {
            "customer": "verband-digital",
            "contact_email": "it@verband.example",
            "subject": "Export to CSV is slow",
            "description": "Takes minutes since Monday.",
        },
        {
            "customer": "cliendo-zorg",
            "contact_email": "eigenaar@delinde.example",
            "subject": "Hoe voeg ik een collega toe?",
            "channel": "email",
            "description": "Wat moet ik invullen?",
        },
    ]
    for n, ticket in enumerate(samples):
        event = proxy_event(
            "POST",
            "/tickets",
            "",
            {"Content-Type": "application/json", "Idempotency-Key": f"seed-{n}"},
            json.dumps(ticket).encode(),
            "/tickets",
            {},
        )
        runtime.call("IntakeFunction", event)
    return len(samples)


def main() -> int:
    port = int(os.environ.get("PORT", "8080"))
    speed = float(os.environ.get("SPEED", "1") or 1)
    start = os.environ.get("SIM_START")
    try:
        sim_start = datetime.fromisoformat(start) if start else None
    except ValueError:
        sim_start = None
    if start and (sim_start is None or sim_start.tzinfo is None):
        print(f"SIM_START={start!r}: give an ISO 8601 instant with an offset", file=sys.stderr)
        return 2
    try:
        smtp_port = int(os.environ.get("SMTP_PORT", "2525"))
    except ValueError:
        print("SMTP_PORT: give a port number (0: no mailbox)", file=sys.stderr)
        return 2
    runtime = Runtime(
        data_dir=Path(os.environ.get("DATA_DIR", "local-data")).resolve(),
        speed=speed,
        start=sim_start,
        port=port,
        smtp_port=smtp_port,
    )
    if os.environ.get("VERBOSE") != "1":  # the handlers' JSON logs and metrics stay quiet
        os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
        os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    fresh = not runtime.state_file.exists()
    runtime.up()
    seeded = seed(runtime) if fresh and os.environ.get("SEED", "1") == "1" else 0
    Handler.runtime = runtime
    server = DeskServer(("127.0.0.1", port), Handler)
    base = f"http://localhost:{port}"
    assert runtime.clock is not None and runtime.outbox is not None
    print(
        f"supportflow is running (moto in-process, no AWS account, no Docker)\n"
        f"  web form (customers)  {base}/\n"
        f"  agent view            {base}/agent   (sign in as one of the demo agents below)\n"
        f"  SLA review            {base}/review  (a customer's month: charts, breaches, print)\n"
        f"  customer portal       {base}/portal  (a contact signs in by mailed link, e.g. "
        f"it@verband.example; the link is in the outbox)\n"
        f"  outbox                {base}/outbox  (files: {runtime.outbox.folder})\n"
        f"  mail to the desk      {_smtp_line(runtime)}\n"
        f"  API                   {base}/api/tickets ...\n"
        f"  clock                 {runtime.clock():%Y-%m-%d %H:%M %Z}, speed x{speed:g}"
        f"{' (one real second is ' + _human(speed) + ')' if speed != 1 else ''}\n"
        f"  data                  {runtime.data_dir} "
        f"({'new' if fresh else f'restored, {runtime.restored} open tickets'}"
        f"{f', {seeded} sample tickets' if seeded else ''})\n"
        f"demo agents (the local Cognito pool) and their roles:\n"
        + "".join(f"  {a.email:<22}{a.password:<20}{', '.join(a.roles)}\n" for a in DEMO_AGENTS)
        + f"scripts may send 'Authorization: Bearer {runtime.agent_token}' (local only)\n"
        f"Ctrl-C stops.",
        flush=True,
    )
    stopping = threading.Event()

    def stop(*_: Any) -> None:
        if not stopping.is_set():
            stopping.set()
            threading.Thread(target=server.shutdown, daemon=True).start()

    faulthandler.register(signal.SIGUSR1, all_threads=True)  # kill -USR1: where is it stuck
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        runtime.down()
        print("supportflow stopped; state saved.", flush=True)
    return 0


def _smtp_line(runtime: Runtime) -> str:
    if runtime.mailbox is None:
        return "off (SMTP_PORT=0)"
    return (
        f"smtp://localhost:{runtime.smtp_port}  (SMTP_PORT; any address at "
        f"{', '.join(sorted(runtime.mailbox.domains))})"
    )


def _human(speed: float) -> str:
    seconds = speed
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            value = seconds / size
            return f"{value:g} simulated {unit}{'s' if value != 1 else ''}"
    return f"{seconds:g} simulated seconds"


if __name__ == "__main__":
    sys.exit(main())
