"""The ticket store as the use cases need it: a `Ticket` (the domain aggregate) stored with its
event log (one item for the ticket, one per event) and, in the same transaction, the effects
its change wants (the outbox); and the errors a store raises. Instants are stored as ISO 8601
with their offset (the event log keeps the offset it was written with)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from supportflow.domain.ticket.ticket import Ticket
from supportflow.services.ports.outbox import Effect

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


class Tickets(Protocol):
    """Tickets one at a time: opened once per intake key, read whole, saved with their new events
    and effects under an optimistic lock."""

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

    def rewrite(self, ticket: Ticket, erased: Ticket) -> Ticket:
        """Privacy only: overwrite `ticket`'s log and record with `erased` (the same events,
        erased, plus its own new ones), dropping its pending mails; ConcurrentUpdate if the
        ticket changed since it was read."""

    def marked(self, mark: str) -> bool:
        """Whether a `once` mark was written (something that happens once across tickets: an
        early warning of a customer's month)."""


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
