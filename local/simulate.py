"""`supportflow simulate`: a realistic month replayed through the real workflow at an
accelerated clock, to fill the SLA review dashboard and to measure the desk.

Every ticket goes in through the API (the web form, or a monitoring alert) and every step is an
agent's (or the customer's) API call: intake, the workflow's triage and parking, the outbox's
dispatcher, the timers and their escalations, the verdicts kept from the stream all run as in
`make run`. The mix, by customer (one per shipped pack): priorities from each pack's matrix or
categories, answers mostly in time and some late, pauses on the customer (R002-5), root causes
(R004-4), reopens, priority changes, exclusions (R004-10), and outage alerts that recover.

The simulator owns the clock: it moves it to the next thing that happens (an action, or a timer
that falls due), fires the timers due by then, waits until the outbox is delivered, and goes on.
Between moves the clock runs `speed` times real time, so the time the desk takes to fire a
timer shows as lateness: the escalation lateness printed is the clock at firing minus the due
time of each escalation timer.
"""

from __future__ import annotations

import contextlib
import heapq
import io
import json
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
AGENT = {"Authorization": "Bearer local-agent-token"}  # the local script identity
ALERT_KEY = "local-alert-key-acme"  # the demo contract's monitoring key (contracts/demo.yaml)

# customer, contact, weight, how a ticket of theirs is classified
CUSTOMERS: list[tuple[str, str, int, Callable[[random.Random], dict[str, Any]]]] = [
    (
        "integratie-noord",
        "servicedesk@noord.example",
        4,
        lambda r: {
            "urgency": r.choices(["down", "degraded"], [1, 3])[0],
            "impact": r.choices(["several_users", "one_user"], [1, 2])[0],
            "channel": "portal",
        },
    ),
    (
        "webshop-bakker",
        "info@bakker.example",
        2,
        lambda r: {
            "urgency": r.choice(["high", "medium", "low"]),
            "impact": r.choice(["large", "medium", "small"]),
            "channel": "portal",
        },
    ),
    (
        "verband-digital",
        "it@verband.example",
        2,
        lambda r: {
            "category": r.choices(
                ["service_downtime", "functional_failure", "question"], [1, 2, 4]
            )[0],
            "channel": "email",
        },
    ),
    ("cliendo-zorg", "eigenaar@delinde.example", 1, lambda r: {"channel": "email"}),
    ("hosting-acme", "ops@acme.example", 1, lambda r: {"channel": "portal"}),
]


@dataclass(order=True)
class Step:
    at: datetime
    n: int
    kind: str = field(compare=False)
    ticket: str | None = field(compare=False, default=None)
    body: dict[str, Any] = field(compare=False, default_factory=dict)


@dataclass
class Simulation:
    """Drives a running `local.runtime.Runtime` (its own timer loop off)."""

    runtime: Any
    proxy: Callable[..., dict[str, Any]]
    days: int
    per_day: int
    seed: int = 7
    rng: random.Random = field(init=False)
    agenda: list[Step] = field(default_factory=list)
    _n: int = 0
    tickets: list[str] = field(default_factory=list)
    customer_of: dict[str, str] = field(default_factory=dict)
    actions: int = 0
    refused: int = 0
    alerts: int = 0
    fired: int = 0
    lateness: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    # ----- the plan -----------------------------------------------------------------------

    def plan(self, start: datetime) -> None:
        """Tickets spread over the days' office hours (fewer at weekends), alerts any time."""
        for day in range(self.days):
            date = (start + timedelta(days=day)).astimezone(AMSTERDAM).date()
            weekend = date.weekday() >= 5
            count = self.per_day if not weekend else max(0, self.per_day // 5)
            for _ in range(count):
                minute = self.rng.randint(8 * 60, 18 * 60)
                at = datetime(date.year, date.month, date.day, tzinfo=AMSTERDAM) + timedelta(
                    minutes=minute
                )
                self._add(at, "file", body=self._ticket())
            if self.rng.random() < 0.3:  # an outage alert now and then, day or night
                at = datetime(date.year, date.month, date.day, tzinfo=AMSTERDAM) + timedelta(
                    minutes=self.rng.randint(0, 24 * 60 - 1)
                )
                fingerprint = f"sim-{day}"
                self._add(at, "alert", body={"fingerprint": fingerprint, "status": "firing"})
                back = at + timedelta(minutes=self.rng.randint(10, 240))
                self._add(back, "alert", body={"fingerprint": fingerprint, "status": "resolved"})

    def _ticket(self) -> dict[str, Any]:
        customer, contact, _, classify = self.rng.choices(CUSTOMERS, [c[2] for c in CUSTOMERS])[0]
        return {
            "customer": customer,
            "contact_email": contact,
            "subject": self.rng.choice(
                ["Koppeling werkt niet", "Export traag", "Inloggen mislukt", "Foutmelding"]
            ),
            "description": "Gesimuleerde melding.",
            **classify(self.rng),
        }

    def _add(
        self, at: datetime, kind: str, ticket: str | None = None, body: dict[str, Any] | None = None
    ) -> None:
        self._n += 1
        heapq.heappush(self.agenda, Step(at, self._n, kind, ticket, body or {}))

    def _work(self, ticket_id: str, opened: datetime, customer: str) -> None:
        """What people do to a ticket after it is filed: an answer (mostly in time), maybe a
        question to the customer and its reply, a root cause, a resolution, maybe a reopen."""
        r = self.rng
        hours = r.choices([0.3, 1.5, 6, 20, 40], [3, 3, 3, 3, 2])[0] * r.uniform(0.5, 1.2)
        t = _office(opened + timedelta(hours=hours))
        self._add(t, "act", ticket_id, body={"action": "respond", "message": "We kijken ernaar."})
        if r.random() < 0.15:
            change = {"action": "change_priority", "priority": None, "reason": "herbeoordeeld"}
            self._add(t + timedelta(minutes=5), "act", ticket_id, body=change)
        if customer == "webshop-bakker" and r.random() < 0.4:
            t = _office(t + timedelta(hours=r.uniform(0.5, 4)))
            self._add(t, "act", ticket_id, body={"action": "ask_customer",
                                                  "message": "Welke browser?"})  # fmt: skip
            t = _office(t + timedelta(hours=r.uniform(2, 48)))
            self._add(t, "act", ticket_id, body={"action": "customer_reply", "message": "Chrome"})
        if customer == "integratie-noord":
            t = _office(t + timedelta(hours=r.uniform(0.2, 6)))
            self._add(t, "act", ticket_id, body={"action": "record_root_cause",
                                                  "message": "Oorzaak gevonden."})  # fmt: skip
        t = _office(t + timedelta(hours=r.choices([1, 3, 8, 30, 70], [3, 3, 3, 2, 1])[0]))
        self._add(t, "act", ticket_id, body={"action": "resolve", "message": "Opgelost."})
        if r.random() < 0.1:
            t = _office(t + timedelta(hours=r.uniform(2, 30)))
            self._add(t, "act", ticket_id, body={"action": "reopen"})
            t = _office(t + timedelta(hours=r.uniform(1, 20)))
            self._add(t, "act", ticket_id, body={"action": "resolve", "message": "Nu echt."})
        if customer == "integratie-noord" and r.random() < 0.15:
            t = t + timedelta(hours=1)
            self._add(t, "act", ticket_id, body={
                "action": "exclude_from_compliance", "metric": "response",
                "reason": "geen toegang tot de omgeving van de klant"})  # fmt: skip

    # ----- the run ------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        clock = self.runtime.clock
        start = clock()
        self.plan(start)
        began = time.monotonic()
        while self.agenda:
            step = heapq.heappop(self.agenda)
            self._fire_until(step.at)
            if step.at > clock():
                clock.set(step.at)
            self._do(step)
            self._settle()
        end = max(clock(), start + timedelta(days=self.days))
        self._fire_until(end)
        self._settle(verdicts=True)
        took = time.monotonic() - began
        late = sorted(self.lateness)
        return {
            "days": self.days,
            "tickets_per_day": self.per_day,
            "tickets": len(self.tickets),
            "actions": self.actions,
            "refused_actions": self.refused,
            "alerts": self.alerts,
            "timers_fired": self.fired,
            "real_seconds": round(took, 1),
            "tickets_per_real_second": round(len(self.tickets) / took, 2) if took else None,
            "actions_per_real_second": round(self.actions / took, 2) if took else None,
            "escalations": len(late),
            "escalation_lateness_seconds": {
                "median": statistics.median(late) if late else None,
                "p90": late[max(0, -(-9 * len(late) // 10) - 1)] if late else None,
                "max": late[-1] if late else None,
            },
            "from": start.isoformat(timespec="seconds"),
            "to": clock().isoformat(timespec="seconds"),
        }

    def _fire_until(self, until: datetime) -> None:
        """Fire every timer due by `until`, each with the clock at its due time (or later, if
        the desk was slower than that)."""
        clock, pump = self.runtime.clock, self.runtime.pump
        while True:
            pending = pump.pending()
            if not pending or pending[0][0] > until:
                return
            due = pending[0][0]
            if due > clock():
                clock.set(due)
            for fired in pump.fire_due(clock()):
                self.fired += 1
                if (fired.response or {}).get("kind") == "escalating":
                    self.lateness.append((clock() - fired.due).total_seconds())
            self._settle()

    def _do(self, step: Step) -> None:
        if step.kind == "file":
            answer = self._call("IntakeFunction", "POST", "/tickets", "/tickets", step.body,
                                {"Idempotency-Key": f"sim-{step.n}"})  # fmt: skip
            if answer["statusCode"] in (200, 201, 202):
                ticket_id = json.loads(answer["body"])["ticket_id"]
                self.tickets.append(ticket_id)
                self.customer_of[ticket_id] = step.body["customer"]
                self._work(ticket_id, step.at, step.body["customer"])
            return
        if step.kind == "alert":
            body = {"alerts": [{"title": "Website onbereikbaar", **step.body}]}
            headers = {"Authorization": f"Bearer {ALERT_KEY}"}
            answer = self._call("IntakeFunction", "POST", "/alerts", "/alerts", body, headers)
            self.alerts += 1
            for outcome in json.loads(answer.get("body") or "{}").get("alerts", []):
                if outcome.get("outcome") == "opened" and outcome.get("ticket_id"):
                    self.tickets.append(outcome["ticket_id"])
            return
        assert step.ticket is not None
        body = dict(step.body)
        action = body.pop("action")
        if action == "change_priority":
            body["priority"] = self._other_priority(step.ticket)
            if body["priority"] is None:
                return
        if action == "exclude_from_compliance" and not self._breached(step.ticket, "response"):
            return  # a coordinator excludes breaches only
        path = f"/tickets/{step.ticket}/actions/{action}"
        for _ in range(100):  # the workflow may still be moving the ticket: try again
            answer = self._call("TicketApiFunction", "POST", path,
                                "/tickets/{ticket_id}/actions/{action}", body, AGENT,
                                {"ticket_id": step.ticket, "action": action})  # fmt: skip
            if answer["statusCode"] == 409 and "try again" in answer.get("body", ""):
                time.sleep(0.05)
                continue
            break
        if answer["statusCode"] == 200:
            self.actions += 1
        else:  # e.g. a reply to a ticket that is no longer waiting: people do that too
            self.refused += 1

    def _view(self, ticket_id: str) -> dict[str, Any]:
        path, resource = f"/tickets/{ticket_id}", "/tickets/{ticket_id}"
        params = {"ticket_id": ticket_id}
        answer = self._call("TicketApiFunction", "GET", path, resource, None, AGENT, params)
        return dict(json.loads(answer.get("body") or "{}"))

    def _breached(self, ticket_id: str, metric: str) -> bool:
        return bool(self._view(ticket_id).get("metrics", {}).get(metric, {}).get("breached"))

    def _other_priority(self, ticket_id: str) -> str | None:
        view = self._view(ticket_id)
        levels = {
            "integratie-noord": ["top", "high", "medium", "low"],
            "webshop-bakker": ["high", "medium", "low"],
            "verband-digital": ["critical", "other"],
        }.get(self.customer_of.get(ticket_id, ""), [])
        choices = [p for p in levels if p != view.get("priority")]
        return self.rng.choice(choices) if choices else None

    def _call(
        self,
        function: str,
        method: str,
        path: str,
        resource: str,
        body: Any,
        headers: dict[str, str],
        params: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        data = b"" if body is None else json.dumps(body).encode()
        event = self.proxy(
            method, path, "", {"Content-Type": "application/json", **headers}, data, resource,
            params or {},
        )  # fmt: skip
        return dict(self.runtime.call(function, event))

    def _settle(self, verdicts: bool = False, timeout: float = 30) -> None:
        """Until the outbox is delivered (and the verdicts kept, at the end)."""
        runtime = self.runtime
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not runtime.outbox_pending():
                break
            time.sleep(0.02)
        if verdicts:
            while runtime.keep_verdicts() and time.monotonic() < deadline:
                pass


def _office(at: datetime) -> datetime:
    """The instant, moved into office hours (Mon-Fri 08:30-17:30 Amsterdam) if outside them."""
    local = at.astimezone(AMSTERDAM)
    for _ in range(10):
        opens = local.replace(hour=8, minute=30, second=0, microsecond=0)
        closes = local.replace(hour=17, minute=30, second=0, microsecond=0)
        if local.weekday() < 5 and opens <= local < closes:
            return local
        if local.weekday() < 5 and local < opens:
            local = opens + timedelta(minutes=random.Random(local.toordinal()).randint(0, 90))
            continue
        nxt = (local + timedelta(days=1)).replace(hour=8, minute=30, second=0, microsecond=0)
        local = nxt
    return local


def simulate(
    days: int,
    per_day: int,
    *,
    data_dir: Any,
    start: datetime | None = None,
    speed: float = 60.0,
    seed: int = 7,
) -> dict[str, Any]:
    """Bring up the local stack on `data_dir`, replay the month, stop (the state is kept: `make
    run` on the same DATA_DIR shows it on /review), and say how it went."""
    import os
    from pathlib import Path

    from local.runtime import Runtime
    from local.server import proxy_event

    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    runtime = Runtime(
        data_dir=Path(data_dir).resolve(),
        speed=speed,
        start=start,
        smtp_port=0,
        timer_loop=False,
        reconcile_every=60.0,
    )
    with contextlib.redirect_stdout(io.StringIO()):  # the handlers' metrics: stdout is ours
        runtime.up()
        try:
            if start is not None and runtime.clock is not None and not runtime.restored:
                runtime.clock.set(start)  # the start-up took simulated minutes
            summary = Simulation(runtime, proxy_event, days, per_day, seed).run()
        finally:
            runtime.down()
    summary["data_dir"] = str(runtime.data_dir)
    return summary
