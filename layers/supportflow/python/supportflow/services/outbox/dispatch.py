"""The dispatcher: performs what the outbox holds, at least once, in order per ticket.

Fed by the table's stream on AWS (and by the local stack's stream pump), and swept by the
reconciliation for anything left behind. Every effect is performed idempotently and only then
marked done: starting an execution, creating or deleting a named schedule and completing a step
are safe to repeat; a mail is not, so a mail's entry is leased first (two deliverers never send
it at once) and recorded as sent with the mail service's message id, never before it was
accepted. A failure
leaves the entry pending and holds back the ticket's later entries, so effects keep their order;
a failing mail holds back only the ticket's later mails (its timers and steps go on).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from supportflow.services.ports.external import Mailer, Timers, Workflow
from supportflow.services.ports.outbox import Lease, Outbox, OutboxEntry
from supportflow.services.ports.tickets import (
    Clock,
    TemporarilyUnavailable,
    TicketNotFound,
    Tickets,
    retrying,
)

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)
DONE_TRIES = 6  # recording a performed effect is retried (~1.6 s) before the entry is left


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
class Dispatch:
    """Performs outbox entries through the ports each kind of effect names (it is the
    `Performers` they are performed through). The workflow, the timers and the mail service
    are given as providers: a delivery builds only the client its effects use."""

    tickets: Tickets
    outbox: Outbox
    workflow_of: Callable[[], Workflow]
    timers_of: Callable[[], Timers]
    mailer_of: Callable[[], Mailer]
    lease_clock: Clock = _real_time  # leases guard real concurrency: real time, even locally

    @property
    def workflow(self) -> Workflow:
        return self.workflow_of()

    @property
    def timers(self) -> Timers:
        return self.timers_of()

    @property
    def mailer(self) -> Mailer:
        return self.mailer_of()

    def deliver(self, entries: Iterable[OutboxEntry]) -> Delivery:
        """Perform the entries in order. One that fails holds back what follows it on its
        ticket, except that a mail holds back only the ticket's later mails: a mail service
        that refuses never stops a ticket's timers and workflow steps."""
        result = Delivery()
        blocked: set[str] = set()  # a ticket whose effect failed: its later effects wait
        mail_blocked: set[str] = set()  # a ticket whose mail failed: its later mails wait
        for entry in entries:
            leased = entry.effect.leased
            if entry.ticket_id in blocked or (leased and entry.ticket_id in mail_blocked):
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
                (mail_blocked if leased else blocked).add(entry.ticket_id)
                result.left.append(entry)
        return result

    def pending(self, ticket_id: str) -> Delivery:
        """Deliver what one ticket has waiting (the sweep and tests use this)."""
        return self.deliver(self.outbox.pending(ticket_id))

    def _one(self, entry: OutboxEntry) -> Lease:
        if entry.effect.leased:  # not idempotent itself (a mail)
            now = self.lease_clock()
            lease = self.outbox.lease(entry, now, now + LEASE)
            if lease is not Lease.TAKEN:
                return lease
        try:
            receipt = entry.effect.perform(self)
        except Exception:
            self._release(entry)
            raise
        for attempt in range(DONE_TRIES):  # performed: record it, or a retry repeats the effect
            try:
                self.outbox.done(entry, receipt)
                break
            except TemporarilyUnavailable:
                if attempt == DONE_TRIES - 1:
                    raise
                time.sleep(0.05 * 2**attempt)
        return Lease.TAKEN

    def _release(self, entry: OutboxEntry) -> None:
        try:
            self.outbox.release(entry)
        except Exception:  # the lease runs out by itself
            log.info("lease not released", extra={"ticket_id": entry.ticket_id})

    def receipt(self, ticket_id: str, key: str) -> str | None:
        return self.outbox.sent(ticket_id, key)

    def log_on(
        self, ticket_id: str, key: str, kind: str, actor: str, data: Mapping[str, Any], at: datetime
    ) -> None:
        """Log on another ticket once: a repeat finds the key in that ticket's log."""

        def once() -> None:
            try:
                ticket = self.tickets.get(ticket_id)
            except TicketNotFound:  # gone (erased): nothing to link
                log.warning("ticket to log on is gone", extra={"ticket_id": ticket_id})
                return
            if any(e.data.get("key") == key for e in ticket.events if e.type == kind):
                return
            ticket.log(kind, actor, {**data, "key": key}, at)
            self.tickets.save(ticket)

        retrying(once)
