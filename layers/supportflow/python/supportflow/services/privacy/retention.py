"""Retention (AVG/GDPR art. 5(1)(e)): a closed ticket's personal data is kept for its contract's
`retention_days` after it closed, then erased (the ticket's times, figures and SLA outcome
stay); a ticket under a legal hold is kept until an admin lifts the hold.

The run reads the closed tickets from the stage index, oldest closing first, only as far as the
shortest retention period reaches back (never the whole table); a ticket whose period is not
over, or that is held, is passed over. A ticket erased once is listed as erased in the index
and not read again. Each run is safe to repeat, and to interrupt."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from supportflow.contracts.directory import ContractDirectory
from supportflow.domain.privacy.redaction import ERASED_EVENT, HOLD_EVENTS, legal_hold
from supportflow.domain.ticket.routing import Stage
from supportflow.domain.ticket.ticket import Ticket
from supportflow.services.ports.queue import Queue
from supportflow.services.ports.tickets import (
    Clock,
    ConcurrentUpdate,
    TemporarilyUnavailable,
    TicketNotFound,
    Tickets,
    retrying,
)
from supportflow.services.privacy.erase import MARGIN_S, ErasePersonalData

log = logging.getLogger(__name__)
DEFAULT_DAYS = 730
MAX_PER_RUN = 500  # tickets erased per run; the next run goes on


class NotHeld(LookupError):
    """No such ticket (API 404)."""


@dataclass
class RetentionRun:
    erased: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    not_yet: int = 0
    more: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "erased": self.erased,
            "held": self.held,
            "failed": self.failed,
            "not_yet": self.not_yet,
            "more": self.more,
        }


def closed_at(ticket: Ticket) -> datetime | None:
    return next((e.at for e in reversed(ticket.events) if e.type == "closed"), None)


@dataclass(frozen=True)
class ApplyRetention:
    lists: Queue
    tickets: Tickets
    erase: ErasePersonalData
    contracts: Callable[[], ContractDirectory]
    clock: Clock

    def run(
        self, limit: int = MAX_PER_RUN, time_left: Callable[[], float] = lambda: float("inf")
    ) -> RetentionRun:
        """Erase what is past its period, up to `limit` tickets and while time is left; a
        ticket that fails is left for the next run (logged), the others go on."""
        now = self.clock()
        directory = self.contracts()
        shortest = min((c.retention_days for c in directory.all()), default=DEFAULT_DAYS)
        done = RetentionRun()
        for ticket_id in self.lists.closed_before(now - timedelta(days=shortest)):
            if len(done.erased) >= limit or time_left() < MARGIN_S:
                done.more = True
                break
            try:
                ticket = self.tickets.get(ticket_id)
            except TicketNotFound:
                continue
            contract = directory.find(ticket.customer_id)
            days = contract.retention_days if contract else DEFAULT_DAYS
            ended = closed_at(ticket)
            if ticket.stage != Stage.CLOSED or ended is None or ended + timedelta(days=days) > now:
                done.not_yet += 1
                continue
            if legal_hold(ticket) is not None:
                done.held.append(ticket_id)
                continue
            if _erased_whole(ticket):
                continue
            ground = f"retention: {days} days after the ticket closed ({ended.date().isoformat()})"
            try:
                record = self.erase.ticket(
                    ticket_id, ground=ground, requested_by="retention", by="supportflow"
                )
            except (ConcurrentUpdate, TemporarilyUnavailable) as exc:
                done.failed.append(ticket_id)  # the next run tries it again
                failure = {"ticket_id": ticket_id, "error": type(exc).__name__}
                log.warning("retention: ticket not erased", extra=failure)
                continue
            done.erased.extend(record.tickets)
            done.held.extend(record.held)
        return done


def _erased_whole(ticket: Ticket) -> bool:
    """Erased whole since its last change that could bring personal data back."""
    for event in reversed(ticket.events):
        if event.type == ERASED_EVENT:
            return bool(event.data.get("whole"))
        if event.type not in HOLD_EVENTS:
            return False
    return False


@dataclass(frozen=True)
class LegalHolds:
    """An admin sets or lifts a legal hold on a ticket (AVG/GDPR art. 17(3)(e): data kept for
    legal claims): while it holds, no retention run or erasure touches the ticket."""

    tickets: Tickets
    clock: Clock

    def set(self, ticket_id: str, *, hold: bool, reason: str, by: str) -> Ticket:
        def once() -> Ticket:
            try:
                ticket = self.tickets.get(ticket_id)
            except TicketNotFound:
                raise NotHeld(f"no ticket {ticket_id}") from None
            held = legal_hold(ticket) is not None
            if held == hold:
                return ticket  # as asked already: a repeat changes nothing
            kind = "legal_hold_set" if hold else "legal_hold_lifted"
            ticket.log(kind, by, {"reason": reason}, self.clock())
            return self.tickets.save(ticket)

        return retrying(once)
