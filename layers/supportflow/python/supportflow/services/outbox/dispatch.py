"""The dispatcher: performs what the outbox holds, at least once, in order per ticket.

Fed by the table's stream on AWS (and by the local stack's stream pump), and swept by the
reconciliation for anything left behind. Every effect is performed idempotently and only then
marked done: starting an execution, creating or deleting a named schedule and completing a step
are safe to repeat; a mail is not, so a mail's entry is leased first (two deliverers never send
it at once) and recorded as sent with the mail service's message id, never before it was
accepted. A failure
leaves the entry pending and holds back the ticket's later entries, so effects keep their order.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from supportflow.services.outbox.effects import (
    CancelTimer,
    CompleteStep,
    LogOnTicket,
    OutboxEntry,
    ScheduleTimer,
    SendMail,
    StartWorkflow,
)
from supportflow.services.ports.ports import (
    Clock,
    Lease,
    Mailer,
    TemporarilyUnavailable,
    TicketNotFound,
    TicketRepository,
    Timers,
    Workflow,
    retrying,
)

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)
DONE_TRIES = 6  # recording a performed effect is retried (~1.6 s) before the entry is left


class Services(Protocol):
    """Where effects go. Attributes, so a composition root may build each on first use."""

    @property
    def timers(self) -> Timers: ...

    @property
    def mailer(self) -> Mailer: ...

    @property
    def workflow(self) -> Workflow: ...


@dataclass
class Delivery:
    """What one pass delivered, and what it left for the next (failed or held back)."""

    done: list[OutboxEntry] = field(default_factory=list)
    skipped: list[OutboxEntry] = field(default_factory=list)  # done by someone else already
    left: list[OutboxEntry] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _real_time() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Dispatcher:
    tickets: TicketRepository
    services: Services
    lease_clock: Clock = _real_time  # leases guard real concurrency: real time, even locally

    def deliver(self, entries: Iterable[OutboxEntry]) -> Delivery:
        result = Delivery()
        blocked: set[str] = set()
        for entry in entries:
            if entry.ticket_id in blocked:
                result.left.append(entry)
                continue
            try:
                outcome = self._one(entry)
            except Exception as exc:  # left pending: retried by the stream and the sweep
                log.warning(
                    "effect not delivered",
                    extra={
                        "ticket_id": entry.ticket_id,
                        "position": entry.position,
                        "error": repr(exc),
                    },
                )
                outcome = None
                result.errors.append(f"{type(exc).__name__}: {exc}")
            if outcome is Lease.TAKEN:
                result.done.append(entry)
            elif outcome is Lease.GONE:
                result.skipped.append(entry)
            else:  # failed, or another deliverer holds it: keep the order, try later
                blocked.add(entry.ticket_id)
                result.left.append(entry)
        return result

    def pending(self, ticket_id: str) -> Delivery:
        """Deliver what one ticket has waiting (the sweep and tests use this)."""
        return self.deliver(self.tickets.pending(ticket_id))

    def _one(self, entry: OutboxEntry) -> Lease:
        if isinstance(entry.effect, SendMail):  # the one effect that is not idempotent itself
            now = self.lease_clock()
            lease = self.tickets.lease(entry, now, now + LEASE)
            if lease is not Lease.TAKEN:
                return lease
        try:
            receipt = self._perform(entry)
        except Exception:
            self._release(entry)
            raise
        for attempt in range(DONE_TRIES):  # performed: record it, or a retry repeats the effect
            try:
                self.tickets.done(entry, receipt)
                break
            except TemporarilyUnavailable:
                if attempt == DONE_TRIES - 1:
                    raise
                time.sleep(0.05 * 2**attempt)
        return Lease.TAKEN

    def _release(self, entry: OutboxEntry) -> None:
        try:
            self.tickets.release(entry)
        except Exception:  # the lease runs out by itself
            log.info("lease not released", extra={"ticket_id": entry.ticket_id})

    def _perform(self, entry: OutboxEntry) -> str | None:
        match entry.effect:
            case StartWorkflow(ticket_id, execution):
                self.services.workflow.start(execution or ticket_id, {"ticket_id": ticket_id})
            case CompleteStep(token, output):
                self.services.workflow.signal(token, output)
            case ScheduleTimer(timer, schedule):
                self.services.timers.schedule(schedule or timer.name, timer.at, timer.payload)
            case CancelTimer(name):
                self.services.timers.cancel(name)
            case SendMail(ticket_id, key, raw):
                receipt = self.tickets.sent(ticket_id, key)
                return receipt if receipt is not None else self.services.mailer.send(raw)
            case LogOnTicket() as logged:
                retrying(lambda: self._log_on(logged))
        return None

    def _log_on(self, effect: LogOnTicket) -> None:
        """Log on another ticket once: a repeat finds the effect's key in that ticket's log."""
        try:
            ticket = self.tickets.get(effect.ticket_id)
        except TicketNotFound:  # gone (erased): nothing to link
            log.warning("ticket to log on is gone", extra={"ticket_id": effect.ticket_id})
            return
        if any(e.data.get("key") == effect.key for e in ticket.events if e.type == effect.kind):
            return
        ticket.log(effect.kind, effect.actor, {**effect.data, "key": effect.key}, effect.at)
        self.tickets.save(ticket)
