"""Side effects as data: what must happen besides writing a ticket, and the one place that
performs them.

A use case decides; it never calls Scheduler, SES or Step Functions itself. It returns effects
(start the ticket's workflow, complete a waiting step, create or cancel a timer, send a mail),
`Commit` saves the ticket and hands the effects to `Effects.perform`, in the order given.
Each effect is safe to perform twice: timers and executions are named, a mail has a key.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any, Protocol, TypeVar

from supportflow.domain.ticket import PlannedTimer, Ticket, TimerChanges
from supportflow.services.ports import (
    ConcurrentUpdate,
    Mailer,
    TicketRepository,
    Timers,
    Workflow,
)

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class StartWorkflow:
    ticket_id: str


@dataclass(frozen=True)
class CompleteStep:
    """Complete the workflow step that waits with `token`; `output` names the next step."""

    token: str
    output: Mapping[str, Any]


@dataclass(frozen=True)
class ScheduleTimer:
    timer: PlannedTimer


@dataclass(frozen=True)
class CancelTimer:
    name: str


@dataclass(frozen=True)
class SendMail:
    """One mail, sent once per ticket and key (a retried step never sends it twice)."""

    ticket_id: str
    key: str
    message: EmailMessage = field(compare=False)


Effect = StartWorkflow | CompleteStep | ScheduleTimer | CancelTimer | SendMail


def timer_effects(changes: TimerChanges) -> list[Effect]:
    """Cancel what is no longer wanted first, then create what is new."""
    return [
        *(CancelTimer(name) for name in changes.cancel),
        *(ScheduleTimer(timer) for timer in changes.create),
    ]


class Services(Protocol):
    """Where effects go. Attributes, so a composition root may build each on first use."""

    @property
    def tickets(self) -> TicketRepository: ...

    @property
    def timers(self) -> Timers: ...

    @property
    def mailer(self) -> Mailer: ...

    @property
    def workflow(self) -> Workflow: ...


class Effects:
    """Performs effects against the services (only those an effect needs are touched)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def perform(self, effects: Iterable[Effect]) -> None:
        for effect in effects:
            self._one(effect)

    def _one(self, effect: Effect) -> None:
        match effect:
            case StartWorkflow(ticket_id):
                self.services.workflow.start(ticket_id, {"ticket_id": ticket_id})
            case CompleteStep(token, output):
                self.services.workflow.signal(token, output)
            case ScheduleTimer(timer):
                self.services.timers.schedule(timer.name, timer.at, timer.payload)
            case CancelTimer(name):
                self.services.timers.cancel(name)
            case SendMail(ticket_id, key, message):
                if self.services.tickets.claim(ticket_id, key):
                    self.services.mailer.send(message)


@dataclass(frozen=True)
class Commit:
    """Save a changed ticket, then perform what must follow the change."""

    tickets: TicketRepository
    effects: Effects

    def __call__(self, ticket: Ticket, effects: Sequence[Effect] = ()) -> Ticket:
        saved = self.tickets.save(ticket)
        self.effects.perform(effects)
        return saved


def retrying(attempt: Callable[[], T], tries: int = 4) -> T:
    """Re-read and re-apply a system step that lost an optimistic-lock race."""
    for n in range(tries):
        try:
            return attempt()
        except ConcurrentUpdate:
            if n == tries - 1:
                raise
            log.info("concurrent update; retrying", extra={"attempt": n + 1})
    raise AssertionError("unreachable")
