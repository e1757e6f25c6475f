"""Side effects as data: what must happen besides writing a ticket.

A use case decides; it never calls Scheduler, SES or Step Functions itself. It returns effects
(start the ticket's workflow, complete a waiting step, create or cancel a timer, send a mail, log
on another ticket), and the ticket store writes them in the same transaction as the ticket and
its events (the transactional outbox, one `OutboxEntry` each). The dispatcher (dispatch.py)
performs them later, at least once, in order per ticket. Every effect is safe to perform twice:
executions and timers are named, a step's token completes once, a mail has a key and is recorded
as sent only after the mail service accepted it, a log entry has a key.

Each kind is described once, here: its data (the dataclass), its JSON form (`kind`, `as_json`,
`from_json`) and how it is performed (`perform`); `KINDS` is the table `decode` reads. A new kind
is one class in this module and its line in `KINDS`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from supportflow.domain.common.timeutil import format_instant, parse_instant
from supportflow.domain.ticket.planned import PlannedTimer, TimerChanges
from supportflow.services.ports.outbox import Effect, Performers


@dataclass(frozen=True)
class StartWorkflow(Effect):
    ticket_id: str
    execution: str = ""  # the execution's name; the ticket id when empty
    kind = "start"

    def as_json(self) -> dict[str, Any]:
        return {"ticket_id": self.ticket_id, "name": self.execution}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StartWorkflow:
        return cls(data["ticket_id"], data.get("name", ""))

    def perform(self, to: Performers) -> None:
        to.workflow.start(self.execution or self.ticket_id, {"ticket_id": self.ticket_id})


@dataclass(frozen=True)
class CompleteStep(Effect):
    """Complete the workflow step that waits with `token`; `output` names the next step."""

    token: str
    output: Mapping[str, Any]
    kind = "step"

    def as_json(self) -> dict[str, Any]:
        return {"token": self.token, "output": dict(self.output)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CompleteStep:
        return cls(data["token"], data["output"])

    def perform(self, to: Performers) -> None:
        to.workflow.signal(self.token, self.output)


@dataclass(frozen=True)
class ScheduleTimer(Effect):
    timer: PlannedTimer
    schedule: str = ""  # the schedule's name; the timer's name when empty (re-armed: a suffix)
    kind = "schedule"

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.timer.name,
            "at": format_instant(self.timer.at),
            "payload": dict(self.timer.payload),
            "schedule": self.schedule,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ScheduleTimer:
        timer = PlannedTimer(data["name"], parse_instant(data["at"]), data["payload"])
        return cls(timer, data.get("schedule", ""))

    def perform(self, to: Performers) -> None:
        to.timers.schedule(self.schedule or self.timer.name, self.timer.at, self.timer.payload)


@dataclass(frozen=True)
class CancelTimer(Effect):
    name: str
    kind = "cancel"

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CancelTimer:
        return cls(data["name"])

    def perform(self, to: Performers) -> None:
        to.timers.cancel(self.name)


@dataclass(frozen=True)
class SendMail(Effect):
    """One mail, sent once per ticket and key; `raw` is the complete MIME message."""

    ticket_id: str
    key: str
    raw: bytes
    to: str = ""  # for logs and the outbox page only (redacted in logs)
    kind = "mail"
    leased = True  # a mail service does not know our key: two deliverers must not both send

    def as_json(self) -> dict[str, Any]:
        raw = base64.b64encode(self.raw).decode()
        return {"ticket_id": self.ticket_id, "key": self.key, "raw": raw, "to": self.to}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SendMail:
        raw = base64.b64decode(data["raw"])
        return cls(data["ticket_id"], data["key"], raw, data.get("to", ""))

    def perform(self, to: Performers) -> str:
        receipt = to.receipt(self.ticket_id, self.key)
        return receipt if receipt is not None else to.mailer.send(self.raw)


@dataclass(frozen=True)
class LogOnTicket(Effect):
    """Log an event on another ticket (R004-8: an incident learns of its problem record, a
    problem record gets an RCA report), once per `key`: a repeat finds the key in its log."""

    ticket_id: str
    key: str
    event: str
    actor: str
    data: Mapping[str, Any]
    at: datetime
    kind = "log"

    def as_json(self) -> dict[str, Any]:
        return {
            "ticket_id": self.ticket_id,
            "key": self.key,
            "event": self.event,
            "actor": self.actor,
            "data": dict(self.data),
            "at": format_instant(self.at),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LogOnTicket:
        at = parse_instant(data["at"])
        return cls(data["ticket_id"], data["key"], data["event"], data["actor"], data["data"], at)

    def perform(self, to: Performers) -> None:
        to.log_on(self.ticket_id, self.key, self.event, self.actor, self.data, self.at)


KINDS: dict[str, type[Effect]] = {
    kind.kind: kind
    for kind in (StartWorkflow, CompleteStep, ScheduleTimer, CancelTimer, SendMail, LogOnTicket)
}


def timer_effects(changes: TimerChanges) -> list[Effect]:
    """Cancel what is no longer wanted first, then create what is new."""
    return [
        *(CancelTimer(name) for name in changes.cancel),
        *(ScheduleTimer(timer) for timer in changes.create),
    ]


def encode(effect: Effect) -> str:
    """An effect as JSON for the outbox item."""
    data = {"kind": effect.kind, **effect.as_json()}
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def decode(text: str) -> Effect:
    data = json.loads(text)
    kind = KINDS.get(data.get("kind"))
    if kind is None:
        raise ValueError(f"unknown effect {data.get('kind')!r}")
    return kind.from_json(data)
