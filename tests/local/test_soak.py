"""A bounded soak of the local stack over loopback: mixed traffic from several clients at an
accelerated clock, a restart in the middle, then an audit of everything acknowledged."""

from __future__ import annotations

import random
import re
import threading
import time
from collections import Counter
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest

from supportflow.domain.common.timeutil import parse_instant
from supportflow.domain.policy.priority_rules import TicketAttributes
from supportflow.domain.sla.clock import compute_sla
from supportflow.domain.sla.sla_state import TicketEvent
from supportflow.policies.registry import shipped
from tests.browser.conftest import start_server
from tests.local.test_concurrency import AGENT, request

pytestmark = pytest.mark.soak
# Bounded in count as well as time: a faster stack would otherwise file more tickets, and the
# restart and the audit (which read every one) would take longer the faster the stack got.
MAX_TICKETS = 40
CUSTOMERS = [
    (
        "integratie-noord",
        "servicedesk@noord.example",
        {"urgency": "down", "impact": "several_users"},
    ),
    ("webshop-bakker", "info@bakker.example", {"urgency": "high", "impact": "large"}),
    ("verband-digital", "it@verband.example", {}),
    ("cliendo-zorg", "eigenaar@delinde.example", {"channel": "email"}),
]


def _traffic(
    base: str, seconds: float, seed: int, filed: dict[str, str], errors: list[str]
) -> None:
    rnd = random.Random(seed)
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        n += 1
        roll = rnd.random()
        if (roll < 0.35 and len(filed) < MAX_TICKETS) or not filed:
            customer, contact, extra = rnd.choice(CUSTOMERS)
            body = {
                "customer": customer,
                "contact_email": contact,
                "subject": f"soak {seed}-{n}",
                "description": "storing",
                **extra,
            }
            status, answer = request(
                base, "POST", "/api/tickets", body, **{"Idempotency-Key": f"{seed}-{n}"}
            )
            if status == 201:
                filed[answer["ticket_id"]] = answer["customer_token"]
        elif roll < 0.45:
            status, _ = request(
                base,
                "POST",
                "/api/tickets",
                {
                    "customer": "nobody",
                    "contact_email": "x@y.example",
                    "subject": "s",
                    "description": "d",
                },
            )
        elif roll < 0.5:
            status, _ = request(base, "POST", "/api/tickets", "[" * 500 + "]" * 500)
        else:
            ticket_id = rnd.choice(sorted(filed))
            action = rnd.choice(["respond", "take", "resolve", "hand_to_second_line", "close"])
            status, _ = request(
                base,
                "POST",
                f"/api/tickets/{ticket_id}/actions/{action}",
                {"message": "ok"},
                **AGENT,
            )
        if status >= 500:
            errors.append(f"{status} at step {n}")


def _client(base: str, seconds: float, seed: int, filed: dict[str, str], errors: list[str]) -> None:
    try:
        _traffic(base, seconds, seed, filed, errors)
    except Exception as exc:  # a timeout or a reset connection is a failure of the soak too
        errors.append(f"client {seed}: {type(exc).__name__}: {exc}")


def _phase(base: str, seconds: float, filed: dict[str, str], errors: list[str], seed: int) -> None:
    threads = [
        threading.Thread(target=_client, args=(base, seconds, seed + k, filed, errors))
        for k in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_soak_with_a_restart_then_audit(tmp_path: Path) -> None:
    data = tmp_path / "data"
    filed: dict[str, str] = {}
    errors: list[str] = []
    first = start_server(data, SPEED="600", SIM_START="2025-03-31T08:00:00+02:00", SEED="0")
    try:
        _phase(first.base, 18, filed, errors, seed=1)
    finally:
        first.stop()
    second = start_server(data, SPEED="600", SEED="0")
    try:
        _phase(second.base, 10, filed, errors, seed=100)
    finally:
        second.stop()
    assert errors == []
    assert len(filed) >= 6  # enough traffic to mean something, even on a busy machine
    # The audit on the same data with the clock stopped (SPEED=0): nothing new falls due while
    # it reads, and the effects still waiting are delivered first.
    frozen = start_server(data, SPEED="0", SEED="0")
    try:
        # A rung owed or reached before a pause is planned "now": on the frozen clock the audit
        # server may still send one while it reads. Read until the log and the outbox agree
        # and stay so (each escalation logged was mailed, and once).
        for _ in range(15):
            _settled(frozen.base, filed)  # every effect of every ticket delivered
            escalated = _audit(frozen.base, filed)
            mails = {t: n for t, n in _escalation_mails(data / "outbox").items() if t in filed}
            if mails == escalated:
                break
            time.sleep(2)
    finally:
        frozen.stop()
    assert mails == escalated  # every escalation logged was mailed, and once


def _settled(base: str, filed: dict[str, str], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    for ticket_id in filed:
        while request(base, "GET", f"/api/tickets/{ticket_id}", **AGENT)[1]["effects_pending"]:
            assert time.monotonic() < deadline, f"{ticket_id} still has effects waiting"
            time.sleep(0.2)


def _audit(base: str, filed: dict[str, str]) -> Counter[str]:
    escalated: Counter[str] = Counter()
    for ticket_id in filed:
        status, view = request(base, "GET", f"/api/tickets/{ticket_id}", **AGENT)
        assert status == 200, ticket_id  # every acknowledged ticket exists
        timeline = view["timeline"]
        assert [e["seq"] for e in timeline] == list(range(1, len(timeline) + 1))
        at = [parse_instant(e["at"]) for e in timeline]
        assert at == sorted(at)
        assert _replayed(view) == {n: (m["due"], m["state"]) for n, m in view["metrics"].items()}
        for e in timeline:
            if e["type"] == "escalated":
                escalated[ticket_id] += 1
    return escalated


def _replayed(view: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The SLA state recomputed from the ticket's events alone (the view's 'now' is later, so
    compare what does not move with time: deadlines and states, at the last event)."""
    policy_id, version = view["policy"].split(" v")
    pack = shipped().get(policy_id, version=int(version))
    events = [
        TicketEvent(
            parse_instant(e["at"]),
            e["type"],
            e.get("priority"),
            {k: v for k, v in e.items() if v is not None},
        )
        for e in view["timeline"]
    ]
    attributes = TicketAttributes(**view["attributes"])
    state = compute_sla(pack, attributes, events, parse_instant(view["as_of"]))
    return {n: (m.as_dict()["due"], m.state) for n, m in state.metrics.items()}


def _escalation_mails(outbox: Path) -> Counter[str]:
    parser = BytesParser(policy=policy.default)
    seen: Counter[str] = Counter()
    keys: Counter[str] = Counter()
    for path in outbox.glob("*.eml"):
        message = parser.parsebytes(path.read_bytes())
        found = re.search(
            r"\[(?:Escalatie|Escalation) \d+\] (T-[0-9A-F]{10})", str(message["Subject"])
        )
        if found:
            seen[found[1]] += 1
            keys[str(message["Subject"])] += 1
    assert all(n == 1 for n in keys.values()), keys  # no mail twice
    return seen
