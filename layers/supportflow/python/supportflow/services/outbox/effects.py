"""Side effects as data: what must happen besides writing a ticket.

A use case decides; it never calls Scheduler, SES or Step Functions itself. It returns effects
(start the ticket's workflow, complete a waiting step, create or cancel a timer, send a mail),
and the repository writes them in the same transaction as the ticket and its events (the
transactional outbox, one `OutboxEntry` each). The dispatcher (dispatch.py) performs them later,
at least once, in order per ticket. Every effect is safe to perform twice: executions and timers
are named, a step's token completes once, a mail has a key and is recorded as sent only after the
mail service accepted it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from supportflow.domain.common.timeutil import format_instant, parse_instant
from supportflow.domain.ticket.ticket import PlannedTimer, TimerChanges


@dataclass(frozen=True)
class StartWorkflow:
    ticket_id: str
    execution: str = ""  # the execution's name; the ticket id when empty


@dataclass(frozen=True)
class CompleteStep:
    """Complete the workflow step that waits with `token`; `output` names the next step."""

    token: str
    output: Mapping[str, Any]


@dataclass(frozen=True)
class ScheduleTimer:
    timer: PlannedTimer
    schedule: str = ""  # the schedule's name; the timer's name when empty (re-armed: a suffix)


@dataclass(frozen=True)
class CancelTimer:
    name: str


@dataclass(frozen=True)
class SendMail:
    """One mail, sent once per ticket and key; `raw` is the complete MIME message."""

    ticket_id: str
    key: str
    raw: bytes
    to: str = ""  # for logs and the outbox page only (redacted in logs)


@dataclass(frozen=True)
class LogOnTicket:
    """Log an event on another ticket (R004-8: an incident learns of its problem record, a
    problem record gets an RCA report), once per `key`: a repeat finds the key in its log."""

    ticket_id: str
    key: str
    kind: str
    actor: str
    data: Mapping[str, Any]
    at: datetime


Effect = StartWorkflow | CompleteStep | ScheduleTimer | CancelTimer | SendMail | LogOnTicket


def timer_effects(changes: TimerChanges) -> list[Effect]:
    """Cancel what is no longer wanted first, then create what is new."""
    return [
        *(CancelTimer(name) for name in changes.cancel),
        *(ScheduleTimer(timer) for timer in changes.create),
    ]


@dataclass(frozen=True)
class OutboxEntry:
    """One effect waiting in the outbox: `position` orders a ticket's effects (the ticket
    version that wrote it, then its place in that write)."""

    ticket_id: str
    position: str
    effect: Effect
    created_at: datetime

    @staticmethod
    def position_of(version: int, index: int) -> str:
        return f"{version:010d}.{index:03d}"


def encode(effect: Effect) -> str:
    """An effect as JSON for the outbox item."""
    match effect:
        case StartWorkflow(ticket_id, execution):
            data: dict[str, Any] = {"kind": "start", "ticket_id": ticket_id, "name": execution}
        case CompleteStep(token, output):
            data = {"kind": "step", "token": token, "output": dict(output)}
        case ScheduleTimer(timer, schedule):
            data = {
                "kind": "schedule",
                "name": timer.name,
                "at": format_instant(timer.at),
                "payload": dict(timer.payload),
                "schedule": schedule,
            }
        case CancelTimer(name):
            data = {"kind": "cancel", "name": name}
        case SendMail(ticket_id, key, raw, to):
            mime = base64.b64encode(raw).decode()
            data = {"kind": "mail", "ticket_id": ticket_id, "key": key, "raw": mime, "to": to}
        case LogOnTicket(ticket_id, key, kind, actor, logged, at):
            data = {
                "kind": "log",
                "ticket_id": ticket_id,
                "key": key,
                "event": kind,
                "actor": actor,
                "data": dict(logged),
                "at": format_instant(at),
            }
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def decode(text: str) -> Effect:
    data = json.loads(text)
    kind = data["kind"]
    if kind == "start":
        return StartWorkflow(data["ticket_id"], data.get("name", ""))
    if kind == "step":
        return CompleteStep(data["token"], data["output"])
    if kind == "schedule":
        timer = PlannedTimer(data["name"], parse_instant(data["at"]), data["payload"])
        return ScheduleTimer(timer, data.get("schedule", ""))
    if kind == "cancel":
        return CancelTimer(data["name"])
    if kind == "mail":
        raw = base64.b64decode(data["raw"])
        return SendMail(data["ticket_id"], data["key"], raw, data.get("to", ""))
    if kind == "log":
        return LogOnTicket(
            data["ticket_id"],
            data["key"],
            data["event"],
            data["actor"],
            data["data"],
            parse_instant(data["at"]),
        )
    raise ValueError(f"unknown effect {kind!r}")
