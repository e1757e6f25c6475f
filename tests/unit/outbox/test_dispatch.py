"""The dispatcher's order per ticket: a failure holds back what follows it, except that a mail
the mail service refuses holds back only the ticket's later mails."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from supportflow.adapters.memory.fakes import RecordingMailer, RecordingTimers
from supportflow.adapters.memory.tickets import InMemoryTickets
from supportflow.domain.ticket.planned import PlannedTimer
from supportflow.services.outbox.dispatch import Dispatch
from supportflow.services.outbox.effects import CompleteStep, ScheduleTimer, SendMail
from supportflow.services.ports.outbox import OutboxEntry
from tests.unit.conftest import stored_ticket

NOW = datetime(2025, 3, 31, 9, 0, tzinfo=UTC)
RAW = b"From: desk@acme.example\r\nTo: a@b.example\r\nSubject: s\r\n\r\nbody"


class Signals:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def start(self, name: str, payload: Mapping[str, Any]) -> None: ...

    def signal(self, token: str, output: Mapping[str, Any]) -> None:
        self.sent.append(token)


class RefusingMailer(RecordingMailer):
    def __init__(self) -> None:
        super().__init__()
        self.refused = 0

    def send(self, raw: bytes) -> str:
        self.refused += 1
        raise RuntimeError("the mail service refuses")


class FailingTimers(RecordingTimers):
    def schedule(self, name: str, at: datetime, payload: Mapping[str, Any]) -> None:
        raise RuntimeError("the scheduler refuses")


def _stored(tickets: InMemoryTickets, *effects: Any) -> list[OutboxEntry]:
    """A ticket stored with `effects` in its outbox: its pending entries, in order."""
    stored_ticket(tickets, "T-1", NOW, *effects)
    return tickets.pending("T-1")


def _dispatch(
    tickets: InMemoryTickets, timers: RecordingTimers, mailer: RecordingMailer, signals: Signals
) -> Dispatch:
    return Dispatch(tickets, tickets, lambda: signals, lambda: timers, lambda: mailer)


def test_a_refused_mail_holds_back_only_the_tickets_later_mails() -> None:
    timers, mailer, signals = RecordingTimers(), RefusingMailer(), Signals()
    timer = PlannedTimer("T-1.breach", NOW, {"ticket_id": "T-1"})
    first, second = SendMail("T-1", "mail:a", RAW), SendMail("T-1", "mail:b", RAW)
    tickets = InMemoryTickets()
    entries = _stored(tickets, first, ScheduleTimer(timer), CompleteStep("token-1", {}), second)
    delivery = _dispatch(tickets, timers, mailer, signals).deliver(entries)
    assert [e.effect for e in delivery.done] == [ScheduleTimer(timer), CompleteStep("token-1", {})]
    assert [e.effect for e in delivery.left] == [first, second]  # the mails keep their order
    assert [e.effect for e in tickets.pending("T-1")] == [first, second]
    assert mailer.refused == 1  # the second mail was not tried before the first
    assert "T-1.breach" in timers.pending and signals.sent == ["token-1"]


def test_a_failed_timer_holds_back_everything_after_it() -> None:
    timers, mailer, signals = FailingTimers(), RecordingMailer(), Signals()
    timer = PlannedTimer("T-1.breach", NOW, {"ticket_id": "T-1"})
    mail = SendMail("T-1", "mail:a", RAW)
    tickets = InMemoryTickets()
    entries = _stored(tickets, ScheduleTimer(timer), CompleteStep("token-1", {}), mail)
    delivery = _dispatch(tickets, timers, mailer, signals).deliver(entries)
    assert delivery.done == [] and len(delivery.left) == 3
    assert signals.sent == [] and mailer.sent == []
