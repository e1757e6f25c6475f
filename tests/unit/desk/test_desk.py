"""The desk's use cases, wired by the composition root with in-memory adapters and a
synchronous stand-in for the workflow.

The real state machine is exercised under moto in tests/workflow; here the routing rules of the
services are checked fast."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from supportflow.adapters.memory.fakes import RecordingMailer, RecordingTimers
from supportflow.adapters.memory.stores import (
    InMemoryContracts,
    InMemoryFilings,
    InMemoryMailQuota,
    InMemoryPolicies,
    InMemorySearchIndex,
)
from supportflow.adapters.memory.tickets import InMemoryTickets
from supportflow.bootstrap import Container
from supportflow.contracts.demo_data import demo_versions
from supportflow.domain.common.timeutil import parse_instant
from supportflow.domain.ticket.ticket import Busy, WaitingStep
from supportflow.services.intake.filing import NewTicket
from supportflow.services.outbox.dispatch import Dispatch
from supportflow.services.ports.tickets import ConcurrentUpdate, KeyReused
from supportflow.services.workflow.steps import TimerPayload
from supportflow.settings import Settings, load_settings


class Clock:
    def __init__(self, start: str) -> None:
        self.now = parse_instant(start)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


class DrivenWorkflow:
    """Routes like statemachines/ticket.asl.json, synchronously."""

    def __init__(self) -> None:
        self.desk: Container | None = None
        self.started: set[str] = set()
        self.parked: dict[str, str] = {}
        self.done: set[str] = set()
        self.n = 0

    def start(self, ticket_id: str, payload: Mapping[str, Any]) -> None:
        if ticket_id in self.started:
            return
        self.started.add(ticket_id)
        assert self.desk is not None
        routed = self.desk.triage()(ticket_id)
        self._route({"ticket_id": routed.ticket_id, "next": routed.next})

    def signal(self, token: str, output: Mapping[str, Any]) -> None:
        assert self.parked.pop(token, None) is not None, "signal to a token nobody waits on"
        self._route(output)

    def _route(self, out: Mapping[str, Any]) -> None:
        assert self.desk is not None
        ticket_id, nxt = out["ticket_id"], out["next"]
        if nxt == "escalate":
            done = self.desk.escalate()(ticket_id, out["metric"], out["rung"])
            self._route({"ticket_id": ticket_id, "next": done.next})
        elif nxt == "closed":
            self.done.add(ticket_id)
        else:
            self.n += 1
            token = f"token-{self.n}"
            self.parked[token] = nxt
            self.desk.park()(ticket_id, nxt, token)


class StreamedTickets(InMemoryTickets):
    """The in-memory repository with its outbox delivered at once after every write, as the
    table's stream would deliver it (a write made while delivering joins the same pass)."""

    def __init__(self, clock: Clock) -> None:
        super().__init__(clock)
        self.dispatcher: Dispatch | None = None
        self._delivering = False

    def add(self, *args: Any, **kwargs: Any) -> Any:
        result = super().add(*args, **kwargs)
        self._deliver()
        return result

    def save(self, *args: Any, **kwargs: Any) -> Any:
        result = super().save(*args, **kwargs)
        self._deliver()
        return result

    def _deliver(self) -> None:
        if self._delivering or self.dispatcher is None:
            return
        self._delivering = True
        try:
            while entries := self.stale(datetime(9999, 1, 1, tzinfo=UTC)):
                delivery = self.dispatcher.deliver(entries)
                assert not delivery.errors, delivery.errors
        finally:
            self._delivering = False


World = tuple[Container, Clock, RecordingTimers, RecordingMailer, DrivenWorkflow]


@pytest.fixture
def world() -> World:
    return make_world()


def make_world(start: str = "2025-03-31T09:00:00+02:00") -> World:
    """The use cases over in-memory adapters, a steppable clock and a synchronous workflow."""
    clock = Clock(start)
    timers, mailer = RecordingTimers(), RecordingMailer()
    workflow = DrivenWorkflow()
    desk = Container(
        load_settings(Settings, {"TABLE_NAME": "unused"}),
        clock=clock,
        tickets=StreamedTickets(clock),
        filings=InMemoryFilings(),
        quota=InMemoryMailQuota(),
        timers=timers,
        mailer=mailer,
        workflow=workflow,
        contract_store=InMemoryContracts(demo_versions()),
        policy_store=InMemoryPolicies(),
        search_index=InMemorySearchIndex(),
        token_secret=b"test",
    )
    workflow.desk = desk
    desk.tickets.dispatcher = desk.dispatch()  # type: ignore[attr-defined]
    return desk, clock, timers, mailer, workflow


def form(**overrides: Any) -> NewTicket:
    data = {
        "customer": "integratie-noord",
        "contact_email": "servicedesk@noord.example",
        "subject": "Koppeling met zaaksysteem ligt eruit",
        "description": "Sinds 08:50 komen er geen zaken meer door.",
        "urgency": "down",
        "impact": "several_users",
        "channel": "portal",
    }
    return NewTicket.model_validate({**data, **overrides})


def fire_due(desk: Container, timers: RecordingTimers, now: datetime) -> list[str]:
    return [fire(desk, payload) for payload in timers.due(now)]


def fire(desk: Container, payload: dict[str, Any]) -> str:
    return str(desk.fire_timer()(TimerPayload.model_validate(payload)))


def act(desk: Container, ticket_id: str, action: str, *, now: datetime, **kwargs: Any) -> Any:
    assert now == desk.clock()  # the tests move the injected clock, then act
    return desk.record_action()(ticket_id, action, **kwargs).ticket


def test_a_ticket_from_intake_to_resolution_at_first_line(world: Any) -> None:
    desk, clock, timers, mailer, workflow = world
    opened = desk.open_ticket()(form(), None)
    assert opened.created
    record = desk.tickets.get(opened.ticket.ticket_id)
    assert record.stage == "first_line" and record.sla["priority"] == "top"
    # R002-1-style confirmation with the first response deadline (top: 1 h).
    (confirmation,) = mailer.sent
    assert confirmation["To"] == "servicedesk@noord.example"
    body = confirmation.get_body(("plain",)).get_content()
    assert "Uiterlijke reactie: ma 31-03-2025 10:00 CEST." in body
    # Timers for the response ladder: 75% (09:45), breach (the first whole second after the
    # 10:00 deadline: a response at 10:00 is in time), breach + 4h (14:00).
    assert sorted(at.isoformat() for at, _ in timers.pending.values()) == [
        "2025-03-31T09:45:00+02:00",
        "2025-03-31T10:00:01+02:00",
        "2025-03-31T14:00:00+02:00",
    ]
    tid = record.ticket_id
    act(desk, tid, "take", actor="anna@desk", role="agent", data={}, now=clock.advance(minutes=5))
    act(
        desk,
        tid,
        "respond",
        actor="anna@desk",
        role="agent",
        data={"message": "Kijken we naar"},
        now=clock.advance(minutes=10),
    )
    assert timers.pending == {}  # the response is met: its ladder is off
    act(
        desk,
        tid,
        "record_root_cause",
        actor="anna@desk",
        role="agent",
        data={"message": "certificaat verlopen"},
        now=clock.advance(minutes=15),
    )
    assert len(timers.pending) == 3  # R004-4: the resolution clock (4 h) started
    record = act(
        desk,
        tid,
        "resolve",
        actor="anna@desk",
        role="agent",
        data={"message": "certificaat vernieuwd"},
        now=clock.advance(hours=1),
    )
    assert record.stage == "resolved"
    assert [n.split(".")[1] for n in timers.pending] == ["close"]  # the confirmation window
    record = act(
        desk,
        tid,
        "confirm",
        actor="servicedesk@noord.example",
        role="customer",
        data={},
        now=clock.advance(hours=2),
    )
    assert record.stage == "closed" and tid in workflow.done
    assert timers.pending == {}
    types = [e.type for e in desk.tickets.get(tid).events]
    assert types == ["opened", "taken", "responded", "root_cause_found", "resolved", "closed"]


def test_second_line_and_waiting_on_the_customer_moves_deadlines(world: Any) -> None:
    desk, clock, timers, mailer, workflow = world
    tid = desk.open_ticket()(form(urgency="degraded", impact="one_user"), None).ticket.ticket_id
    agent = {"actor": "bob@desk", "role": "agent"}
    act(desk, tid, "respond", data={"message": "ok"}, now=clock.advance(minutes=30), **agent)
    act(desk, tid, "hand_to_second_line", data={}, now=clock.advance(minutes=30), **agent)
    act(
        desk, tid, "record_root_cause", data={"message": "bug"}, now=clock.advance(hours=1), **agent
    )
    before = desk.tickets.get(tid).sla["resolution"]["due"]
    act(
        desk,
        tid,
        "ask_customer",
        data={"message": "welke versie?"},
        now=clock.advance(hours=1),
        **agent,
    )
    record = desk.tickets.get(tid)
    assert record.stage == "waiting_on_customer" and record.sla["resolution"]["state"] == "paused"
    assert timers.pending == {}  # pausing deletes the pending timers
    record = act(
        desk,
        tid,
        "customer_reply",
        actor="klant",
        role="customer",
        data={"message": "versie 4.2"},
        now=clock.advance(days=1),
    )
    assert record.stage == "second_line"  # back to the line it came from
    after = record.sla["resolution"]["due"]
    assert parse_instant(after) - parse_instant(before) == timedelta(days=1)  # a full 9 h day later
    assert len(timers.pending) == 3  # resuming creates new ones


def test_a_breached_response_escalates_up_the_ladder(world: Any) -> None:
    desk, clock, timers, mailer, workflow = world
    tid = desk.open_ticket()(form(), None).ticket.ticket_id
    assert fire_due(desk, timers, clock.advance(minutes=45)) == ["escalating response rung 0"]
    assert fire_due(desk, timers, clock.advance(minutes=15, seconds=1)) == [
        "escalating response rung 1"
    ]
    first, second = mailer.sent[1], mailer.sent[2]
    assert first["To"] == "coordinator@supportdesk.example"
    assert second["To"] == "j.blanke@supportdesk.example"  # R004-7: the service support manager
    assert "[Escalatie 2]" in second["Subject"]
    text = second.get_body(("plain",)).get_content()
    assert "Deadline: ma 31-03-2025 10:00 CEST (0m01s over tijd)." in text
    assert fire_due(desk, timers, clock.advance(hours=4)) == ["escalating response rung 2"]
    assert mailer.sent[3]["To"] == "g.vankesteren@supportdesk.example"  # then the CTO
    assert [e.data["role"] for e in desk.tickets.get(tid).events if e.type == "escalated"] == [
        "support_coordinator",
        "service_support_manager",
        "cto",
    ]
    assert desk.tickets.get(tid).stage == "first_line"  # escalation returns to where it was


def test_stale_and_duplicate_timers_do_nothing(world: Any) -> None:
    desk, clock, timers, mailer, workflow = world
    tid = desk.open_ticket()(form(), None).ticket.ticket_id
    planned = dict(timers.pending)
    act(
        desk,
        tid,
        "respond",
        actor="a",
        role="agent",
        data={"message": "on it"},
        now=clock.advance(minutes=20),
    )
    clock.advance(hours=5)
    outcomes = [fire(desk, payload) for _, payload in planned.values()]
    assert all(o.startswith("stale: timer") for o in outcomes)
    assert len(mailer.sent) == 2  # the confirmation and the answer: no escalation
    # A duplicate delivery of a timer that did fire.
    tid2 = desk.open_ticket()(form(subject="tweede"), None).ticket.ticket_id
    (payload,) = [
        p for _, p in timers.pending.values() if p["ticket_id"] == tid2 and p["rung"] == 0
    ]
    clock.advance(minutes=46)
    assert fire(desk, payload).startswith("escalating")
    assert fire(desk, payload).startswith("stale")


def test_a_duplicate_form_post_makes_one_ticket(world: Any) -> None:
    desk, clock, timers, mailer, workflow = world
    first = desk.open_ticket()(form(), None)
    clock.advance(seconds=2)
    again = desk.open_ticket()(form(), None)
    assert first.created and not again.created
    assert first.ticket.ticket_id == again.ticket.ticket_id
    assert first.customer_token and again.customer_token is None  # a repeat gets no token
    assert len(mailer.sent) == 1 and len(workflow.started) == 1
    keyed = desk.open_ticket()(form(subject="x"), "key-1")
    assert desk.open_ticket()(form(subject="x"), "key-1").ticket.ticket_id == (
        keyed.ticket.ticket_id
    )
    with pytest.raises(KeyReused):  # the same key with other content
        desk.open_ticket()(form(subject="y"), "key-1")


def test_idempotency_holds_for_a_window(world: Any) -> None:
    desk, clock, timers, mailer, workflow = world
    first = desk.open_ticket()(form(), None)
    clock.advance(minutes=11)  # the same content later is a new ticket
    later = desk.open_ticket()(form(), None)
    assert later.created and later.ticket.ticket_id != first.ticket.ticket_id
    keyed = desk.open_ticket()(form(subject="k"), "key-2")
    clock.advance(hours=23)
    assert not desk.open_ticket()(form(subject="k"), "key-2").created
    clock.advance(hours=2)  # a key holds 24 hours
    renewed = desk.open_ticket()(form(subject="k"), "key-2")
    assert renewed.created and renewed.ticket.ticket_id != keyed.ticket.ticket_id


def test_an_alert_repeats_onto_its_open_ticket_only(world: Any) -> None:
    desk, clock, timers, mailer, workflow = world
    alert = form(channel="monitoring", subject="site down", fingerprint="check-42")
    first = desk.open_ticket()(alert, None)
    clock.advance(days=3)
    assert desk.open_ticket()(alert, None).ticket.ticket_id == first.ticket.ticket_id
    tid = first.ticket.ticket_id
    act(desk, tid, "close", actor="a", role="agent", data={}, now=clock.now)
    clock.advance(days=7)  # a week later the same monitor reports the site down again
    again = desk.open_ticket()(alert, None)
    assert again.created and again.ticket.ticket_id != tid


def test_concurrent_actions_never_lose_an_update(world: Any) -> None:
    desk, clock, timers, mailer, workflow = world
    record = desk.open_ticket()(form(), None).ticket
    version = desk.tickets.get(record.ticket_id).version
    act(
        desk,
        record.ticket_id,
        "take",
        actor="a",
        role="agent",
        data={},
        now=clock.now,
        expected_version=version,
    )
    with pytest.raises(ConcurrentUpdate):
        act(
            desk,
            record.ticket_id,
            "take",
            actor="b",
            role="agent",
            data={},
            now=clock.now,
            expected_version=version,
        )
    assert desk.tickets.get(record.ticket_id).assignee == "a"


def test_moving_while_the_workflow_catches_up_is_busy(world: Any) -> None:
    desk, clock, timers, mailer, workflow = world
    tid = desk.open_ticket()(form(), None).ticket.ticket_id
    ticket = desk.tickets.get(tid)
    assert isinstance(ticket.waiting, WaitingStep)
    ticket.waiting = None
    desk.tickets.save(ticket)
    with pytest.raises(Busy):
        act(desk, tid, "resolve", actor="a", role="agent", data={"message": "x"}, now=clock.now)


class _Racing:
    """The tickets store with another writer: before each of the agent's first `times` saves,
    a timer's write lands on the same ticket (as the stream or a timer does on AWS)."""

    def __init__(self, tickets: Any, desk: Container, times: int) -> None:
        self.inner, self.desk, self.times = tickets, desk, times
        self.raced = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def save(self, ticket: Any, effects: Any = ()) -> Any:
        if self.raced < self.times and ticket.new_events and ticket.new_events[-1].actor != "x":
            self.raced += 1
            other = self.inner.get(ticket.ticket_id)
            other.act("note", actor="x", role="agent", data={"message": "timer"}, at=other.last_at)
            self.inner.save(other, [])
        return self.inner.save(ticket, effects)


@pytest.mark.parametrize("races", [1, 2, 3])
def test_an_action_without_if_match_is_applied_to_the_ticket_as_it_is_now(
    world: Any, races: int
) -> None:
    desk, clock, *_ = world
    record = desk.open_ticket()(form(), None).ticket
    racing = _Racing(desk.tickets, desk, races)
    desk.__dict__["tickets"] = racing
    taken = desk.record_action()(record.ticket_id, "respond", actor="a", role="agent", data={
        "message": "We kijken ernaar."})  # fmt: skip
    assert racing.raced == races  # the other writer won each time; the action was re-applied
    types = [e.type for e in racing.inner.get(record.ticket_id).events]
    assert types.count("responded") == 1 and types.count("note") == races
    assert taken.ticket.stage == "first_line"
    # With If-Match (the version the agent looked at), a change since is a conflict.
    version = racing.inner.get(record.ticket_id).version
    racing.times, racing.raced = 1, 0
    with pytest.raises(ConcurrentUpdate):
        desk.record_action()(
            record.ticket_id, "note", actor="a", role="agent", data={"message": "m"},
            expected_version=version,
        )  # fmt: skip
