"""What the use cases need from the outside world, as ports (adapters implement them).

`TicketRecord` is the stored ticket: identity, contract, what the customer filed, where it stands
in the routing, the derived SLA summary, the waiting workflow callback and the pending timers.
Its event log is stored beside it, one item per event.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from typing import Any, Protocol

from supportflow.domain.ticket import LoggedEvent


class TicketNotFound(LookupError):
    """No ticket with that id (API 404; a workflow task fails with this name)."""


class ConcurrentUpdate(RuntimeError):
    """Someone else changed the ticket first (API 409): re-read and try again."""


class TemporarilyUnavailable(RuntimeError):
    """A dependency is briefly unavailable; the workflow retries this error by name."""


@dataclass
class TicketRecord:
    ticket_id: str
    customer_id: str
    policy_id: str
    policy_version: int
    attributes: dict[str, Any]
    subject: str
    description: str
    contact_email: str
    opened_at: datetime
    attachments: list[str] = field(default_factory=list)
    stage: str = "triage"
    return_to: str = "first_line"
    version: int = 0
    last_seq: int = 0
    task_token: str | None = None
    token_stage: str | None = None
    timers: dict[str, str] = field(default_factory=dict)  # schedule name -> due (ISO, UTC)
    sla: dict[str, Any] = field(default_factory=dict)
    next_due: str | None = None  # the nearest pending deadline (ISO, UTC), for the queue
    assignee: str | None = None
    failure: str | None = None


class TicketRepository(Protocol):
    def create(
        self, record: TicketRecord, first_event: LoggedEvent, idempotency_key: str
    ) -> tuple[TicketRecord, bool]:
        """Store a new ticket with its first event, once per idempotency key: a second call
        with the same key returns the stored ticket and False."""

    def get(self, ticket_id: str) -> TicketRecord: ...

    def events(self, ticket_id: str) -> list[LoggedEvent]: ...

    def commit(self, record: TicketRecord, new_events: Sequence[LoggedEvent]) -> TicketRecord:
        """Save `record` and append `new_events` atomically, if the stored version is still
        `record.version` (else ConcurrentUpdate). Returns the record with its new version."""

    def claim(self, ticket_id: str, key: str) -> bool:
        """Record that a one-off side effect (an e-mail) happened; False if it already had."""

    def queue(self, stages: Sequence[str]) -> list[TicketRecord]:
        """Tickets in these stages, nearest deadline first."""

    def by_customer(self, customer_id: str) -> list[TicketRecord]: ...


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
