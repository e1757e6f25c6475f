"""One contract, two repositories: the in-memory one the unit tests use and the DynamoDB one
(under moto, on the table template.yaml defines) give the same answers, including when two
threads save the same ticket at once."""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from local.serial import serialized
from local.stack import MOTO_CONFIG, REGION, create_table
from moto import mock_aws

from supportflow.adapters.dynamodb.models import bind_models
from supportflow.adapters.dynamodb.tickets import DynamoTickets
from supportflow.adapters.memory.tickets import InMemoryTickets
from supportflow.domain.common.timeutil import parse_instant
from supportflow.domain.ticket.routing import Stage
from supportflow.domain.ticket.ticket import Ticket
from supportflow.services.outbox.effects import CancelTimer, SendMail, StartWorkflow
from supportflow.services.ports.outbox import Lease
from supportflow.services.ports.tickets import (
    ConcurrentUpdate,
    IntakeKey,
    KeyReused,
    TicketNotFound,
    Tickets,
)

AT = parse_instant("2025-03-31T09:00:00+02:00")


def _dynamo() -> Iterator[Tickets]:
    # moto is made thread-safe the way the local stack makes it (local/serial.py).
    with mock_aws(config=copy.deepcopy(MOTO_CONFIG)), serialized():
        create_table(boto3.client("dynamodb", region_name=REGION), "tickets")
        bind_models("tickets", REGION)
        yield DynamoTickets()


@pytest.fixture(params=["memory", "dynamodb"])
def tickets(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    if request.param == "memory":
        yield InMemoryTickets()
        return
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    yield from _dynamo()


def _new(ticket_id: str = "T-0000000001", customer: str = "integratie-noord") -> Ticket:
    return Ticket.open(
        ticket_id=ticket_id,
        customer_id=customer,
        policy_id="integration-9x5",
        policy_version=1,
        attributes={"urgency": "down", "impact": "several_users"},
        subject="Koppeling ligt eruit",
        description="Sinds 08:50.",
        contact_email="servicedesk@noord.example",
        channel="portal",
        at=AT,
    )


def _key(value: str = "k", fingerprint: str = "f", hours: float | None = 24) -> IntakeKey:
    return IntakeKey(value, fingerprint, None if hours is None else AT + timedelta(hours=hours))


def _add(tickets: Tickets, ticket: Ticket, key: str = "k") -> Ticket:
    return tickets.add(ticket, _key(key), (), AT)[0]


def test_a_ticket_is_stored_once_per_key_with_its_first_event(tickets: Tickets) -> None:
    stored, created = tickets.add(_new(), _key("k1"), (), AT)
    assert created and stored.version == 1
    again, created = tickets.add(_new("T-0000000002"), _key("k1"), (), AT)
    assert not created and again.ticket_id == "T-0000000001"
    with pytest.raises(KeyReused):
        tickets.add(_new("T-0000000003"), _key("k1", "other content"), (), AT)
    later = AT + timedelta(hours=25)  # an expired key is taken over by a new ticket
    renewed, created = tickets.add(_new("T-0000000004"), _key("k1"), (), later)
    assert created and renewed.ticket_id == "T-0000000004"
    with pytest.raises(ConcurrentUpdate):  # an id in use is never overwritten
        tickets.add(_new(), _key("k2"), (), AT)
    loaded = tickets.get("T-0000000001")
    assert [e.type for e in loaded.events] == ["opened"]
    assert loaded.events[0].at == AT and loaded.opened_at == AT
    assert loaded.stage == Stage.TRIAGE and loaded.waiting is None
    with pytest.raises(TicketNotFound):
        tickets.get("T-9999999999")


def test_save_appends_events_and_bumps_the_version(tickets: Tickets) -> None:
    _add(tickets, _new())
    ticket = tickets.get("T-0000000001")
    ticket.triage()
    ticket.park(Stage.FIRST_LINE, "token-1")
    ticket.act("take", actor="anna", role="agent", data={}, at=AT + timedelta(minutes=5))
    saved = tickets.save(ticket)
    assert saved.version == 2 and saved.new_events == []
    loaded = tickets.get("T-0000000001")
    assert loaded.version == 2 and loaded.assignee == "anna"
    assert loaded.waiting is not None and loaded.waiting.token == "token-1"
    assert [e.type for e in loaded.events] == ["opened", "taken"]
    assert [e.seq for e in loaded.events] == [1, 2]


def test_a_stale_version_is_a_concurrent_update(tickets: Tickets) -> None:
    _add(tickets, _new())
    first, second = tickets.get("T-0000000001"), tickets.get("T-0000000001")
    first.triage()
    tickets.save(first)
    second.triage()
    with pytest.raises(ConcurrentUpdate):
        tickets.save(second)
    assert tickets.get("T-0000000001").version == 2


def test_two_threads_saving_at_once_one_wins(tickets: Tickets) -> None:
    _add(tickets, _new())
    base = tickets.get("T-0000000001")
    base.triage()
    base.park(Stage.FIRST_LINE, "token")
    tickets.save(base)
    outcomes: list[str] = []
    ready = threading.Barrier(2, timeout=30)  # a thread that fails never hangs the other

    def note(agent: str) -> None:
        ticket = tickets.get("T-0000000001")
        data = {"message": f"{agent} looked"}
        ticket.act("note", actor=agent, role="agent", data=data, at=AT + timedelta(minutes=1))
        ready.wait()
        try:
            tickets.save(ticket)
            outcomes.append(agent)
        except ConcurrentUpdate:
            outcomes.append("conflict")

    for _ in range(5):
        outcomes.clear()
        threads = [threading.Thread(target=note, args=(a,)) for a in ("anna", "bob")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        winners = [o for o in outcomes if o != "conflict"]
        assert len(winners) == 1 and outcomes.count("conflict") == 1, outcomes
        stored = tickets.get("T-0000000001")
        assert [e.actor for e in stored.events if e.type == "note"][-1] == winners[0]
    assert len(tickets.get("T-0000000001").events) == 1 + 5


def test_an_alert_key_holds_while_its_ticket_is_open(tickets: Tickets) -> None:
    tickets.add(_new(), _key("alert", "alert", None), (), AT)
    later = AT + timedelta(days=30)
    again, created = tickets.add(_new("T-0000000002"), _key("alert", "alert", None), (), later)
    assert not created and again.ticket_id == "T-0000000001"
    ticket = tickets.get("T-0000000001")
    ticket.triage()
    ticket.park(Stage.FIRST_LINE, "t")
    ticket.act("close", actor="a", role="agent", data={}, at=later)
    tickets.save(ticket)
    new, created = tickets.add(_new("T-0000000003"), _key("alert", "alert", None), (), later)
    assert created and new.ticket_id == "T-0000000003"


def test_effects_wait_in_the_outbox_in_order_until_done(tickets: Tickets) -> None:
    mail = SendMail("T-0000000001", "mail:confirmation", b"Subject: x\r\n\r\nhi\r\n", "a@b")
    tickets.add(_new(), _key(), (StartWorkflow("T-0000000001"), mail), AT)
    ticket = tickets.get("T-0000000001")
    ticket.triage()
    tickets.save(ticket, (CancelTimer("t1"),))
    pending = tickets.pending("T-0000000001")
    assert [type(e.effect) for e in pending] == [StartWorkflow, SendMail, CancelTimer]
    assert pending[1].effect == mail and pending[1].effect.raw == mail.raw
    stale = tickets.stale(datetime(9999, 1, 1, tzinfo=UTC))
    assert [(e.ticket_id, e.position) for e in stale] == [
        (e.ticket_id, e.position) for e in pending
    ]
    now = AT
    assert tickets.lease(pending[1], now, now + timedelta(minutes=1)) is Lease.TAKEN
    assert tickets.lease(pending[1], now, now + timedelta(minutes=1)) is Lease.BUSY
    later = now + timedelta(minutes=2)  # a lease that ran out (a deliverer died) is free again
    assert tickets.lease(pending[1], later, later + timedelta(minutes=1)) is Lease.TAKEN
    assert tickets.sent("T-0000000001", "mail:confirmation") is None
    tickets.done(pending[1], "ses-message-1")
    assert tickets.sent("T-0000000001", "mail:confirmation") == "ses-message-1"
    assert tickets.lease(pending[1], later, later) is Lease.GONE
    assert [e.position for e in tickets.pending("T-0000000001")] == [
        pending[0].position,
        pending[2].position,
    ]


def test_the_queue_and_a_customers_tickets(tickets: Tickets) -> None:
    for n, due in enumerate(["2025-03-31T12:00:00+02:00", None, "2025-03-31T10:00:00+02:00"]):
        ticket_id = f"T-000000000{n}"
        _add(
            tickets, _new(ticket_id, "webshop-bakker" if n == 1 else "integratie-noord"), ticket_id
        )
        ticket = tickets.get(ticket_id)
        ticket.triage()
        ticket.summarise({"priority": "top"}, due)
        tickets.save(ticket)
    queue = tickets.queue(["first_line"])
    assert [t.ticket_id for t in queue] == ["T-0000000002", "T-0000000000", "T-0000000001"]
    assert tickets.queue(["second_line"]) == []
    mine = {t.ticket_id for t in tickets.by_customer("integratie-noord")}
    assert mine == {"T-0000000000", "T-0000000002"}


def test_a_ticket_moving_while_the_queue_is_read_is_listed_once(
    tickets: Tickets, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The queue reads one stage at a time: a ticket triaged between two reads is in both."""
    _add(tickets, _new())
    if isinstance(tickets, InMemoryTickets):
        assert [t.ticket_id for t in tickets.queue(["triage", "first_line"])] == ["T-0000000001"]
        return
    from supportflow.adapters.dynamodb.models import TicketItem

    query = TicketItem.by_stage_due.query

    def moving(key: str, *args: Any, **kwargs: Any) -> Any:
        items = list(query(key, *args, **kwargs))
        if key == "STAGE#triage":  # read in triage; then it moves on before the next read
            ticket = tickets.get("T-0000000001")
            ticket.triage()
            tickets.save(ticket)
        return iter(items)

    monkeypatch.setattr(TicketItem.by_stage_due, "query", moving)
    listed = tickets.queue(["triage", "first_line"])
    assert [(t.ticket_id, t.stage) for t in listed] == [("T-0000000001", "first_line")]


@pytest.fixture(params=["memory", "dynamodb"])
def bookings(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from supportflow.adapters.dynamodb.bookings import DynamoBookings
    from supportflow.adapters.memory.stores import InMemoryBookings

    if request.param == "memory":
        yield InMemoryBookings()
        return
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    for _ in _dynamo():
        yield DynamoBookings()


def test_a_booking_is_added_once_and_changed_only_from_the_version_read(bookings: Any) -> None:
    from dataclasses import replace

    from supportflow.domain.billing.bookings import Booking

    session = Booking("B-0000000001", AT + timedelta(days=3), 60, AT, booked_by="anna")
    assert bookings.add("verband-digital", session)
    assert not bookings.add("verband-digital", replace(session, minutes=90))  # a repeat
    assert bookings.get("verband-digital", "B-0000000001") == session
    assert bookings.get("other", "B-0000000001") is None
    cancelled = replace(session, cancelled_at=AT + timedelta(days=1), version=2)
    assert bookings.replace("verband-digital", cancelled)
    assert not bookings.replace("verband-digital", replace(session, version=2))  # stale
    assert bookings.of_customer("verband-digital") == [cancelled]
    assert bookings.of_customer("other") == []


@pytest.fixture(params=["memory", "dynamodb"])
def verdicts(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from supportflow.adapters.dynamodb.verdicts import DynamoVerdicts
    from supportflow.adapters.memory.stores import InMemoryVerdicts

    if request.param == "memory":
        yield InMemoryVerdicts()
        return
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    for _ in _dynamo():
        yield DynamoVerdicts()


def test_a_tickets_verdicts_are_replaced_never_by_an_older_log(verdicts: Any) -> None:
    """The SLA review's store: a ticket's verdicts move month with their deadline; verdicts
    computed from an older log (a late stream record) change nothing."""
    from supportflow.domain.review.verdicts import Verdict
    from supportflow.services.ports.stores import VerdictRow

    def row(month: str, due: str) -> VerdictRow:
        verdict = Verdict(
            ticket_id="T-0000000000", customer_id="integratie-noord", metric="response",
            priority="high", policy_id="integration-9x5", policy_version=1, target="9h",
            target_rule=None, state="running", started_at=parse_instant(due),
            due=parse_instant(due), met_at=None, breached=False, elapsed_us=0, paused_us=0,
            late_us=0, judged_at=parse_instant(due), exclusion=None,
        )  # fmt: skip
        return VerdictRow("integratie-noord", month, verdict=verdict)

    april = row("2025-04", "2025-04-30T16:00:00+02:00")  # computed from event 2
    may = row("2025-05", "2025-05-02T10:00:00+02:00")  # from event 3
    assert verdicts.record("T-0000000000", 2, [april])
    assert verdicts.record("T-0000000000", 3, [may])  # the deadline moved to May
    assert verdicts.month("integratie-noord", "2025-04") == []
    assert [r.verdict for r in verdicts.month("integratie-noord", "2025-05")] == [may.verdict]
    assert not verdicts.record("T-0000000000", 2, [april])  # a late record of event 2
    assert [r.verdict for r in verdicts.month("integratie-noord", "2025-05")] == [may.verdict]
    assert verdicts.record("T-0000000000", 3, [may])  # the same again: harmless
    assert verdicts.month("other-customer", "2025-05") == []
