"""In-memory adapters: a real repository with the same optimistic-lock and idempotency rules as
the DynamoDB one, and recording fakes for timers, mail and the workflow (for unit tests)."""

from __future__ import annotations

import copy
import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from supportflow.domain.events import LoggedEvent
from supportflow.domain.ticket import Ticket
from supportflow.services.ports import ConcurrentUpdate, TicketNotFound


class InMemoryTickets:
    """`TicketRepository` in a dict, for fast tests: the same rules as the DynamoDB one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tickets: dict[str, Ticket] = {}  # stored without their events
        self._events: dict[str, list[LoggedEvent]] = {}
        self._keys: dict[str, str] = {}
        self._claims: set[tuple[str, str]] = set()

    def add(self, ticket: Ticket, idempotency_key: str) -> tuple[Ticket, bool]:
        with self._lock:
            existing = self._keys.get(idempotency_key)
            if existing is None and ticket.ticket_id in self._tickets:
                existing = ticket.ticket_id
            if existing is not None:
                return self._load(existing), False
            self._tickets[ticket.ticket_id] = replace(ticket, version=1, events=[], new_events=[])
            self._events[ticket.ticket_id] = list(ticket.events)
            self._keys[idempotency_key] = ticket.ticket_id
            return self._load(ticket.ticket_id), True

    def get(self, ticket_id: str) -> Ticket:
        with self._lock:
            return self._load(ticket_id)

    def _load(self, ticket_id: str) -> Ticket:
        if ticket_id not in self._tickets:
            raise TicketNotFound(f"no ticket {ticket_id}")
        ticket = copy.deepcopy(self._tickets[ticket_id])
        ticket.events = list(self._events[ticket_id])
        return ticket

    def save(self, ticket: Ticket) -> Ticket:
        with self._lock:
            stored = self._tickets.get(ticket.ticket_id)
            if stored is None:
                raise TicketNotFound(f"no ticket {ticket.ticket_id}")
            seqs = {e.seq for e in self._events[ticket.ticket_id]}
            if stored.version != ticket.version or any(e.seq in seqs for e in ticket.new_events):
                raise ConcurrentUpdate(f"ticket {ticket.ticket_id} changed meanwhile")
            self._tickets[ticket.ticket_id] = copy.deepcopy(
                replace(ticket, version=ticket.version + 1, events=[], new_events=[])
            )
            self._events[ticket.ticket_id].extend(ticket.new_events)
            return self._load(ticket.ticket_id)

    def claim(self, ticket_id: str, key: str) -> bool:
        with self._lock:
            if (ticket_id, key) in self._claims:
                return False
            self._claims.add((ticket_id, key))
            return True

    def queue(self, stages: Sequence[str]) -> list[Ticket]:
        with self._lock:
            found = [copy.deepcopy(t) for t in self._tickets.values() if t.stage in stages]
        return sorted(found, key=lambda t: (t.next_due is None, t.next_due or ""))

    def by_customer(self, customer_id: str) -> list[Ticket]:
        with self._lock:
            return [
                copy.deepcopy(t) for t in self._tickets.values() if t.customer_id == customer_id
            ]


class RecordingTimers:
    def __init__(self) -> None:
        self.pending: dict[str, tuple[datetime, dict[str, Any]]] = {}
        self.cancelled: list[str] = []

    def schedule(self, name: str, at: datetime, payload: Mapping[str, Any]) -> None:
        self.pending[name] = (at, dict(payload))

    def cancel(self, name: str) -> None:
        self.cancelled.append(name)
        self.pending.pop(name, None)

    def due(self, now: datetime) -> list[dict[str, Any]]:
        """Payloads of timers due at `now`, removed as a scheduler with DELETE would."""
        fired = [
            (n, p)
            for n, (at, p) in sorted(self.pending.items(), key=lambda kv: kv[1][0])
            if at <= now
        ]
        for name, _ in fired:
            self.pending.pop(name)
        return [p for _, p in fired]


class RecordingMailer:
    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> str:
        self.sent.append(message)
        return f"message-{len(self.sent)}"
