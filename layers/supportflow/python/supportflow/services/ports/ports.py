"""What the use cases need from the outside world, as ports (adapters implement them), and the
errors those ports raise.

A `Ticket` (the domain aggregate) is stored with its event log: one item for the ticket, one per
event. Instants are stored as ISO 8601 with their offset (the event log keeps the offset it was
written with; the queue's sort keys are UTC).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from supportflow.domain.review.availability import Outage
from supportflow.domain.review.verdicts import Verdict
from supportflow.domain.ticket.ticket import Ticket
from supportflow.services.outbox.effects import Effect, OutboxEntry

if TYPE_CHECKING:
    from supportflow.contracts import ContractVersion
    from supportflow.domain.billing.bookings import Booking
    from supportflow.policies import PublishedPolicy

Clock = Callable[[], datetime]
log = logging.getLogger(__name__)
T = TypeVar("T")


class TicketNotFound(LookupError):
    """No ticket with that id (API 404; a workflow task fails with this name)."""


class ConcurrentUpdate(RuntimeError):
    """Someone else changed the ticket first (API 409): re-read and try again."""


class TemporarilyUnavailable(RuntimeError):
    """A dependency is briefly unavailable; the workflow retries this error by name."""


class KeyReused(ValueError):
    """An Idempotency-Key that came with other content than the first time (API 422)."""


@dataclass(frozen=True)
class IntakeKey:
    """What makes a filing "the same ticket again": an Idempotency-Key for 24 hours, the same
    content for a few minutes, or an alert's fingerprint while its ticket is open."""

    value: str  # scoped to the customer, e.g. "key|<customer>|<Idempotency-Key>"
    fingerprint: str  # the content's hash: the same key with other content is refused
    expires: datetime | None  # None: it holds while the ticket it points to is open


class Lease(StrEnum):
    """What taking an outbox entry for delivery found."""

    TAKEN = "taken"  # it is ours until the lease ends: perform it, then mark it done
    GONE = "gone"  # delivered already
    BUSY = "busy"  # another deliverer holds it now


class TicketRepository(Protocol):
    def add(
        self, ticket: Ticket, key: IntakeKey, effects: Sequence[Effect], now: datetime
    ) -> tuple[Ticket, bool]:
        """Store a new ticket with its first event and its effects, once per intake key: while
        the key holds, a second call returns the stored ticket and False (and stores nothing),
        or raises KeyReused if the content differs. An expired key (or an alert whose ticket
        was closed) is taken over by the new ticket."""

    def repeat_of(self, key: IntakeKey, now: datetime) -> Ticket | None:
        """The ticket this intake key holds for now, if any (KeyReused if the content differs);
        a read: `add` decides for good."""

    def get(self, ticket_id: str) -> Ticket:
        """The ticket with its whole event log (TicketNotFound if there is none)."""

    def save(
        self, ticket: Ticket, effects: Sequence[Effect] = (), once: Sequence[str] = ()
    ) -> Ticket:
        """Save `ticket`, append its `new_events` and put `effects` in the outbox, in one
        transaction, if the stored version is still `ticket.version` (else ConcurrentUpdate).
        `once` are marks written in the same transaction that must not exist yet (else
        ConcurrentUpdate: a retry finds them with `marked`). Returns the ticket at its new
        version."""

    def marked(self, mark: str) -> bool:
        """Whether a `once` mark was written (something that happens once across tickets: an
        early warning of a customer's month)."""

    def pending(self, ticket_id: str) -> list[OutboxEntry]:
        """The ticket's effects not yet delivered, in order."""

    def stale(self, before: datetime, limit: int = 100) -> list[OutboxEntry]:
        """Undelivered effects written before `before`, oldest first (for the sweep)."""

    def lease(self, entry: OutboxEntry, now: datetime, until: datetime) -> Lease:
        """Take an entry for delivery until `until` (another deliverer gets BUSY meanwhile)."""

    def release(self, entry: OutboxEntry) -> None:
        """Give a leased entry back undelivered (the next attempt need not wait for the lease)."""

    def done(self, entry: OutboxEntry, receipt: str | None = None) -> None:
        """The effect happened: remove the entry; a mail's receipt (the provider's message id)
        is recorded under its key, in the same write."""

    def sent(self, ticket_id: str, key: str) -> str | None:
        """The receipt of the ticket's mail with this key, if it was sent."""

    def queue(self, stages: Sequence[str]) -> list[Ticket]:
        """Tickets in these stages, nearest deadline first (their event logs not loaded)."""

    def by_customer(self, customer_id: str) -> list[Ticket]: ...


@dataclass(frozen=True)
class ExecutionState:
    """Where a ticket's workflow execution is: running or not, and the callback step that waits
    (the stage it waits at and its token), if one waits now."""

    running: bool
    stage: str | None = None
    token: str | None = None


@dataclass(frozen=True)
class HeldFiling:
    """A filing from an address the customer's contract does not know (or for a customer the
    desk does not know): kept for an agent to accept or reject, never answered by mail."""

    filing_id: str
    received_at: datetime
    form: Mapping[str, Any]  # the NewTicket as it came in
    idempotency_key: str | None


class Filings(Protocol):
    def hold(self, filing: HeldFiling) -> None: ...

    def held(self, limit: int = 100) -> list[HeldFiling]:
        """The filings waiting for an agent, oldest first."""

    def take(self, filing_id: str) -> HeldFiling | None:
        """Remove a held filing (once: a second take gets None)."""


class MailQuota(Protocol):
    def take(self, customer_id: str, hour: datetime, limit: int) -> bool:
        """Count one mail for the customer in this hour; False once `limit` were sent."""


class ContractStore(Protocol):
    """Every version of every customer's contract; a version once stored never changes."""

    def all_versions(self) -> list[ContractVersion]: ...

    def revision(self) -> int:
        """A number that grows with every version stored (a cache holds while it is the same)."""
        ...

    def add(self, version: ContractVersion) -> bool:
        """Store a new version; False if that customer already has this version number (a
        concurrent change: read again and renumber)."""
        ...


class PolicyStore(Protocol):
    """Every published policy pack version; a version once stored never changes."""

    def all_versions(self) -> list[PublishedPolicy]: ...

    def revision(self) -> int:
        """A number that grows with every version stored."""
        ...

    def add(self, published: PublishedPolicy) -> bool:
        """Store a new version; False if that pack already has this version number."""
        ...


class BookingStore(Protocol):
    """A customer's live-support sessions (R001-6)."""

    def of_customer(self, customer_id: str) -> list[Booking]: ...

    def get(self, customer_id: str, booking_id: str) -> Booking | None: ...

    def add(self, customer_id: str, booking: Booking) -> bool:
        """Store a new booking; False when one with its id exists (a repeated request)."""
        ...

    def replace(self, customer_id: str, booking: Booking) -> bool:
        """Store `booking` over the stored version `booking.version - 1`; False when another
        change came first (read again)."""
        ...


class VerdictStore(Protocol):
    """Each ticket's SLA verdicts, kept per customer and month of the deadline (the SLA review
    reads one customer's month with one query, never the whole table)."""

    def record(self, ticket_id: str, seq: int, rows: Sequence[VerdictRow]) -> bool:
        """Replace the ticket's verdicts with `rows`, computed from its log up to event `seq`.
        False (and nothing written) when verdicts from a later event are stored already."""
        ...

    def month(self, customer_id: str, month: str) -> list[VerdictRow]:
        """A customer's verdicts whose deadline falls in `month` (YYYY-MM), and its outages
        that overlap the month."""
        ...


@dataclass(frozen=True)
class VerdictRow:
    """One metric's verdict (kept in the month of its deadline), one outage (kept in each
    month it overlaps), or a problem record (kept in each month it is open), of one ticket."""

    customer_id: str
    month: str  # YYYY-MM, in the policy's zone
    verdict: Verdict | None = None
    outage: Outage | None = None
    problem: Mapping[str, Any] | None = None  # a problem record (R004-8), in each month it is open

    @property
    def key(self) -> str:
        """What the row is of its ticket: the metric, 'outage' or 'problem'."""
        if self.verdict is not None:
            return self.verdict.metric
        return "outage" if self.outage is not None else "problem"


class Timers(Protocol):
    def schedule(self, name: str, at: datetime, payload: Mapping[str, Any]) -> None:
        """A one-time timer that delivers `payload` to the timer handler at `at`."""

    def cancel(self, name: str) -> None:
        """Remove a pending timer (a timer already gone is fine)."""

    def existing(self, prefix: str) -> set[str]:
        """The names of the pending timers whose name starts with `prefix`."""


class MailStore(Protocol):
    """Where received mail is kept (SES stores each raw message; the desk keeps attachments)."""

    def raw(self, key: str) -> bytes:
        """The raw message stored under `key`."""

    def keep(self, key: str, data: bytes, content_type: str) -> str:
        """Store an attachment under `key`; returns its reference for the ticket."""

    def link(self, reference: str) -> str:
        """A short-lived address an agent's browser can fetch a kept attachment from."""


class Mailer(Protocol):
    def send(self, raw: bytes) -> str:
        """Send a complete MIME message; returns the provider's message id."""


class Workflow(Protocol):
    def start(self, name: str, payload: Mapping[str, Any]) -> None:
        """Start an execution with this name (starting it twice is fine)."""

    def signal(self, token: str, output: Mapping[str, Any]) -> None:
        """Complete the waiting callback task that holds `token`."""

    def state(self, name: str) -> ExecutionState | None:
        """Where the execution with this name is (None if there is none)."""

    def heartbeat(self, token: str) -> bool:
        """Tell the waiting step it is still wanted; False if that step is gone."""


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
