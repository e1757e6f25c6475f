"""Real threads against the local stack over loopback: nothing acknowledged is lost, no 5xx."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Server, start_server

AGENT = {"Authorization": "Bearer local-agent-token"}
# Generous: the soak runs the whole desk at 600x on two cores; a slow answer is logged by the
# server ("slow request"), a lost or failed one fails the test.
TIMEOUT = 120
TICKET = {
    "customer": "integratie-noord",
    "contact_email": "servicedesk@noord.example",
    "subject": "Koppeling ligt eruit",
    "description": "Sinds vanochtend.",
    "urgency": "down",
    "impact": "several_users",
}


def request(base: str, method: str, path: str, body: Any = None, **headers: str) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    sent = {"Content-Type": "application/json", **headers} if data else dict(headers)
    req = urllib.request.Request(base + path, data=data, headers=sent, method=method)
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = start_server(
        tmp_path / "data", SPEED="1", SIM_START="2025-03-31T09:00:00+02:00", SEED="0"
    )
    try:
        yield running
    finally:
        if running.process.poll() is None:
            running.stop()


def _together(count: int, work: Any) -> list[Any]:
    results: list[Any] = [None] * count
    start = threading.Barrier(count, timeout=60)

    def run(n: int) -> None:
        start.wait()
        results[n] = work(n)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_fifty_posts_with_one_key_make_one_ticket(server: Server) -> None:
    results = _together(
        50,
        lambda n: request(
            server.base, "POST", "/api/tickets", TICKET, **{"Idempotency-Key": "same-key"}
        ),
    )
    statuses = sorted(status for status, _ in results)
    assert statuses.count(201) == 1 and statuses.count(200) == 49, statuses
    ids = {body["ticket_id"] for _, body in results}
    assert len(ids) == 1
    tokens = [body.get("customer_token") for _, body in results if body.get("customer_token")]
    assert len(tokens) == 1  # only the one that created it
    (ticket_id,) = ids
    assert request(server.base, "GET", f"/api/tickets/{ticket_id}", **AGENT)[0] == 200


def test_twenty_concurrent_actions_lose_nothing_acknowledged(server: Server) -> None:
    status, body = request(server.base, "POST", "/api/tickets", TICKET)
    assert status == 201
    ticket_id = body["ticket_id"]
    deadline = time.monotonic() + 30
    while (
        request(server.base, "GET", f"/api/tickets/{ticket_id}", **AGENT)[1]["stage"]
        != "first_line"
    ):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    results = _together(
        20,
        lambda n: request(
            server.base,
            "POST",
            f"/api/tickets/{ticket_id}/actions/respond",
            {"message": f"bericht {n}"},
            **AGENT,
        ),
    )
    assert all(status < 500 for status, _ in results), results
    acknowledged = {f"bericht {n}" for n, (status, _) in enumerate(results) if status == 200}
    assert acknowledged  # an optimistic lock may refuse some (409), never lose one
    view = request(server.base, "GET", f"/api/tickets/{ticket_id}", **AGENT)[1]
    stored = {e["message"] for e in view["timeline"] if e["type"] == "responded"}
    assert stored == acknowledged
    refused = [body for status, body in results if status != 200]
    assert all(status == 409 and body["message"] for status, body in results if status != 200)
    assert len(refused) + len(acknowledged) == 20
