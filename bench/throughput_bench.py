"""Throughput of the local stack: tickets filed over HTTP until the workflow has triaged them.

Starts the real local stack (`python -m local.server`, as `make run` does) in a subprocess with a
fresh DATA_DIR in a temporary folder, a free PORT, SEED=0 (no sample tickets), SPEED=1 and
SIM_START on a Monday morning (so what is due does not depend on when the bench runs). CLIENTS
threads then file TICKETS tickets over loopback, each in a closed loop: POST /api/tickets, then
GET /api/tickets/<id> with the agent token every POLL seconds until the ticket's stage is
`first_line` (intake stored it, the dispatcher started its workflow, triage ran, the workflow
parked at first line), then the next ticket. Every ticket comes from a demo contract's known
contact (layers/supportflow/python/supportflow/contracts/demo.yaml), with a new Idempotency-Key,
so none is held for verification.

Reported: tickets per second (all tickets triaged / wall time from the first POST to the last
triage), p50/p95 of the POST and of POST-to-triaged, and the same for the first and the last
WINDOW tickets (by POST start) to show whether latency grows as tickets accumulate. The run stops
filing after DEADLINE seconds (and says so). The stack's own loop health (timer pump,
dispatcher, reconciliation, persistence) is read from /local/config.json at the end.

Results in bench/results/throughput.json.
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import describe, provenance

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "throughput.json"
TICKETS = int(os.environ.get("BENCH_TICKETS", "200"))
CLIENTS = 4
WINDOW = 50
FIRST_POLL = 0.3  # seconds after the POST's answer before the first GET
POLL = 0.15  # seconds between GETs (every GET runs a handler under the stack's one lock, too)
WARM_UP = 4  # tickets filed first, not counted: the server builds each handler on first use
TRIAGE_TIMEOUT = 60.0
DEADLINE = 80.0  # seconds of filing at most; the run reports what it got
SIM_START = "2025-03-31T09:00:00+02:00"
AGENT = {"Authorization": "Bearer local-agent-token"}
FILINGS = [  # one per demo contract with a known contact (as local/server.py seeds them)
    {
        "customer": "integratie-noord",
        "contact_email": "servicedesk@noord.example",
        "urgency": "down",
        "impact": "several_users",
    },
    {
        "customer": "webshop-bakker",
        "contact_email": "info@bakker.example",
        "urgency": "high",
        "impact": "large",
    },
    {"customer": "verband-digital", "contact_email": "it@verband.example"},
    {"customer": "cliendo-zorg", "contact_email": "eigenaar@delinde.example", "channel": "email"},
]


@dataclass
class Filed:
    n: int
    began: float  # monotonic, POST sent
    posted: float  # seconds the POST took
    triaged: float | None  # seconds from POST sent to stage first_line, None if it never was
    status: int
    polls: list[float]  # seconds each GET took


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def request(
    port: int, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        data = json.dumps(body).encode() if body is not None else None
        sent = {"Content-Type": "application/json", **(headers or {})} if data else headers or {}
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        text = response.read()
        return response.status, json.loads(text) if text else None
    finally:
        connection.close()


def start_server(data_dir: Path, port: int, log: Any) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "PORT": str(port),
        "SEED": "0",
        "SPEED": "1",
        "SIM_START": SIM_START,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "local.server"], cwd=ROOT, env=env, stdout=log, stderr=log
    )


def wait_ready(port: int, server: subprocess.Popen[bytes], timeout: float = 90) -> float:
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        if server.poll() is not None:
            raise SystemExit(f"local.server exited with {server.returncode}")
        try:
            if request(port, "GET", "/local/config.json")[0] == 200:
                return time.monotonic() - began
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("local.server did not answer in time")


def file_one(port: int, n: int, run: str) -> Filed:
    body = {
        **FILINGS[n % len(FILINGS)],
        "subject": f"Bench ticket {n}",
        "description": f"Filed by bench/throughput_bench.py, run {run}, ticket {n}.",
    }
    began = time.monotonic()
    status, answer = request(port, "POST", "/api/tickets", body, {"Idempotency-Key": f"{run}-{n}"})
    posted = time.monotonic() - began
    if status != 201:
        return Filed(n, began, posted, None, status, [])
    ticket_id = answer["ticket_id"]
    polls: list[float] = []
    time.sleep(FIRST_POLL)
    while time.monotonic() - began < TRIAGE_TIMEOUT:
        asked = time.monotonic()
        code, view = request(port, "GET", f"/api/tickets/{ticket_id}", headers=AGENT)
        polls.append(time.monotonic() - asked)
        if code == 200 and view.get("stage") == "first_line":
            return Filed(n, began, posted, time.monotonic() - began, status, polls)
        time.sleep(POLL)
    return Filed(n, began, posted, None, status, polls)


def warm_up(port: int, timeout: float = 60) -> None:
    """WARM_UP tickets, one per contract, each until triaged, then until the stack's
    reconciliation loop has done a round: every function has been built once."""
    for n in range(WARM_UP):
        file_one(port, n, f"warm-up-{os.getpid()}")
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        health = request(port, "GET", "/local/config.json")[1].get("health", {})
        if health.get("reconciliation", {}).get("runs", 0) >= 1:
            return
        time.sleep(0.5)


def drive(port: int) -> tuple[list[Filed], float, bool]:
    """File TICKETS tickets from CLIENTS closed-loop clients; (results, seconds, cut short)."""
    run = f"bench-{os.getpid()}-{int(time.time())}"
    results: list[Filed] = []
    lock = threading.Lock()
    counter = iter(range(TICKETS))
    began = time.monotonic()
    cut = threading.Event()

    def client() -> None:
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            if time.monotonic() - began > DEADLINE:
                cut.set()
                return
            filed = file_one(port, n, run)
            with lock:
                results.append(filed)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(results, key=lambda f: f.began), time.monotonic() - began, cut.is_set()


def percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50_ms": None, "p95_ms": None, "max_ms": None}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def window(filed: list[Filed]) -> dict[str, Any]:
    return {
        "tickets": len(filed),
        "post": percentiles([f.posted for f in filed]),
        "to_triaged": percentiles([f.triaged for f in filed if f.triaged is not None]),
    }


def stop(server: subprocess.Popen[bytes]) -> int | None:
    """Stop the server this bench started (SIGTERM: it saves and exits), by its own pid."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
    return server.returncode


def main() -> int:
    print(
        f"Local stack throughput: {TICKETS} tickets, {CLIENTS} closed-loop clients over loopback",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="bench-throughput-") as temp:
        data_dir, port = Path(temp) / "data", free_port()
        with open(Path(temp) / "server.log", "wb") as log:
            server = start_server(data_dir, port, log)
            try:
                ready = wait_ready(port, server)
                warm_up(port)
                load = os.getloadavg()[0]
                filed, seconds, cut = drive(port)
                health = request(port, "GET", "/local/config.json")[1].get("health", {})
            finally:
                code = stop(server)
        log_tail = (Path(temp) / "server.log").read_text(errors="replace")[-3000:]
    done = [f for f in filed if f.triaged is not None]
    first_post = filed[0].began if filed else 0.0
    last_triaged = max((f.began + (f.triaged or 0) for f in done), default=first_post)
    span = last_triaged - first_post
    size = min(WINDOW, len(filed) // 2)  # first and last windows never overlap
    summary: dict[str, Any] = {
        "method": (
            f"local.server in a subprocess (fresh DATA_DIR, SEED=0, SPEED=1, SIM_START="
            f"{SIM_START}); {CLIENTS} closed-loop clients: POST /api/tickets (a demo contract's "
            f"known contact, a new Idempotency-Key), then GET /api/tickets/<id> with the agent "
            f"token {FIRST_POLL * 1000:.0f} ms after the POST's answer and every "
            f"{POLL * 1000:.0f} ms after that until stage == first_line (so 'to triaged' is "
            f"late by up to {POLL * 1000:.0f} ms); first, not counted, {WARM_UP} warm-up "
            "tickets and the stack's first reconciliation round; tickets per second = "
            "triaged tickets / (last triage - first POST)"
        ),
        "tickets_asked": TICKETS,
        "tickets_filed": len(filed),
        "tickets_triaged": len(done),
        "not_201": sorted({f.status for f in filed if f.status != 201}),
        "cut_short_after_s": DEADLINE if cut else None,
        "clients": CLIENTS,
        "server_ready_s": round(ready, 1),
        "seconds": round(seconds, 1),
        "tickets_per_second": round(len(done) / span, 2) if span > 0 else None,
        "post": percentiles([f.posted for f in filed]),
        "to_triaged": percentiles([f.triaged for f in done]),
        "gets_per_ticket_median": statistics.median([len(f.polls) for f in filed])
        if filed
        else None,
        "get": percentiles([p for f in filed for p in f.polls]),
        "window": size,
        "first": window(filed[:size]),
        "last": window(filed[-size:] if size else []),
        "server_health": health,
        "load_average_before": round(load, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
        "server_exit_code": code,
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "provenance": provenance(),
    }
    first, last = summary["first"], summary["last"]
    a, b = first["to_triaged"]["p50_ms"], last["to_triaged"]["p50_ms"]
    summary["triage_p50_growth_last_vs_first"] = round(b / a, 2) if a and b else None
    a, b = first["post"]["p50_ms"], last["post"]["p50_ms"]
    summary["post_p50_growth_last_vs_first"] = round(b / a, 2) if a and b else None
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2) + "\n")
    print_summary(summary)
    if not done:
        print(log_tail, file=sys.stderr)
        return 1
    return 0


def print_summary(s: dict[str, Any]) -> None:
    print(f"Method: {s['method']}")
    print(describe(s["provenance"]))
    print(
        f"  server ready in {s['server_ready_s']} s; filed {s['tickets_filed']}/"
        f"{s['tickets_asked']}, triaged {s['tickets_triaged']} in {s['seconds']} s"
        + (f" (cut short after {s['cut_short_after_s']:g} s)" if s["cut_short_after_s"] else "")
        + (f"; statuses other than 201: {s['not_201']}" if s["not_201"] else "")
    )
    print(
        f"  tickets per second (POST to triaged, {s['clients']} clients): {s['tickets_per_second']}"
    )
    print(f"  {'':<24}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    rows = [
        ("POST, all", s["post"]),
        ("POST to triaged, all", s["to_triaged"]),
        ("GET /api/tickets/<id>", s["get"]),
        (f"POST, first {s['window']}", s["first"]["post"]),
        (f"POST, last {s['window']}", s["last"]["post"]),
        (f"to triaged, first {s['window']}", s["first"]["to_triaged"]),
        (f"to triaged, last {s['window']}", s["last"]["to_triaged"]),
    ]
    for label, p in rows:
        print(f"  {label:<24}" + "".join(f"{p[k] if p[k] is not None else '-':>10}" for k in p))
    print(
        f"  last {s['window']} / first {s['window']} p50: POST "
        f"{s['post_p50_growth_last_vs_first']}x, to triaged {s['triage_p50_growth_last_vs_first']}x"
    )
    loops = ", ".join(
        f"{name} {h.get('runs', 0)} runs/{h.get('errors', 0)} errors"
        for name, h in s["server_health"].items()
    )
    print(f"  the stack's loops: {loops}")
    print(
        f"  load average (1 min) before/after: {s['load_average_before']}/"
        f"{s['load_average_after']} on {s['cpu_count']} CPUs"
    )
    print(f"Results in {RESULTS}")


if __name__ == "__main__":
    sys.exit(main())
