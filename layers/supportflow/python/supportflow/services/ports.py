"""What the use cases need from the outside world, as ports (adapters implement them), and the
errors those ports raise.

A `Ticket` (the domain aggregate) is stored with its event log: one item for the ticket, one per
event. Instants are stored as ISO 8601 with their offset (the event log keeps the offset it was
written with; the queue's sort keys are UTC).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from email.message import EmailMessage
from typing import Any, Protocol

from supportflow.domain.ticket import Ticket

Clock = Callable[[], datetime]


class TicketNotFound(LookupError):
    """No ticket with that id (API 404; a workflow task fails with this name)."""


class ConcurrentUpdate(RuntimeError):
    """Someone else changed the ticket first (API 409): re-read and try again."""


class TemporarilyUnavailable(RuntimeError):
    """A dependency is briefly unavailable; the workflow retries this error by name."""


class TicketRepository(Protocol):
    def add(self, ticket: Ticket, idempotency_key: str) -> tuple[Ticket, bool]:
        """Store a new ticket with its first event, once per idempotency key: a second call
        with the same key returns the stored ticket and False."""

    def get(self, ticket_id: str) -> Ticket:
        """The ticket with its whole event log (TicketNotFound if there is none)."""

    def save(self, ticket: Ticket) -> Ticket:
        """Save `ticket` and append its `new_events` atomically, if the stored version is still
        `ticket.version` (else ConcurrentUpdate). Returns the ticket at its new version."""

    def claim(self, ticket_id: str, key: str) -> bool:
        """Record that a one-off side effect (an e-mail) happened; False if it already had."""

    def queue(self, stages: Sequence[str]) -> list[Ticket]:
        """Tickets in these stages, nearest deadline first (their event logs not loaded)."""

    def by_customer(self, customer_id: str) -> list[Ticket]: ...


class Timers(Protocol):
    def schedule(self, name: str, at: datetime, payload: Mapping[str, Any]) -> None:
        """A one-time timer that delivers `payload` to the timer handler at `at`."""

    def cancel(self, name: str) -> None:
        """Remove a pending timer (a timer already gone is fine)."""


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> str:
        """Send a complete MIME message; returns the provider's message id."""


class Workflow(Protocol):
    def start(self, ticket_id: str, payload: Mapping[str, Any]) -> None:
        """Start the ticket's execution, named after the ticket (starting it twice is fine)."""

    def signal(self, token: str, output: Mapping[str, Any]) -> None:
        """Complete the waiting callback task that holds `token`."""
