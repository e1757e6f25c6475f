"""In-memory adapters: a real repository with the same optimistic-lock and idempotency rules as
the DynamoDB one, and recording fakes for timers, mail and the workflow (for unit tests)."""

from __future__ import annotations

import copy
import threading
from collections.abc import Mapping, Sequence
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from supportflow.domain.ticket import LoggedEvent
from supportflow.services.ports import ConcurrentUpdate, TicketNotFound, TicketRecord


class InMemoryTickets:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tickets: dict[str, TicketRecord] = {}
        self._events: dict[str, list[LoggedEvent]] = {}
        self._keys: dict[str, str] = {}
        self._claims: set[tuple[str, str]] = set()

    def create(
        self, record: TicketRecord, first_event: LoggedEvent, idempotency_key: str
    ) -> tuple[TicketRecord, bool]:
        with self._lock:
            existing = self._keys.get(idempotency_key)
            if existing is not None:
                return copy.deepcopy(self._tickets[existing]), False
            if record.ticket_id in self._tickets:
                return copy.deepcopy(self._tickets[record.ticket_id]), False
            stored = copy.deepcopy(record)
            stored.version = 1
            self._tickets[record.ticket_id] = stored
            self._events[record.ticket_id] = [first_event]
            self._keys[idempotency_key] = record.ticket_id
            return copy.deepcopy(stored), True

    def get(self, ticket_id: str) -> TicketRecord:
        with self._lock:
            if ticket_id not in self._tickets:
                raise TicketNotFound(f"no ticket {ticket_id}")
            return copy.deepcopy(self._tickets[ticket_id])

    def events(self, ticket_id: str) -> list[LoggedEvent]:
        with self._lock:
            if ticket_id not in self._events:
                raise TicketNotFound(f"no ticket {ticket_id}")
            return list(self._events[ticket_id])

    def commit(self, record: TicketRecord, new_events: Sequence[LoggedEvent]) -> TicketRecord:
        with self._lock:
            stored = self._tickets.get(record.ticket_id)
            if stored is None:
                raise TicketNotFound(f"no ticket {record.ticket_id}")
            if stored.version != record.version:
                raise ConcurrentUpdate(f"ticket {record.ticket_id} changed meanwhile")
            seqs = {e.seq for e in self._events[record.ticket_id]}
            if any(e.seq in seqs for e in new_events):
                raise ConcurrentUpdate(f"ticket {record.ticket_id} changed meanwhile")
            saved = copy.deepcopy(record)
            saved.version += 1
            self._tickets[record.ticket_id] = saved
            self._events[record.ticket_id].extend(new_events)
            return copy.deepcopy(saved)

    def claim(self, ticket_id: str, key: str) -> bool:
        with self._lock:
            if (ticket_id, key) in self._claims:
                return False
            self._claims.add((ticket_id, key))
            return True

    def queue(self, stages: Sequence[str]) -> list[TicketRecord]:
        with self._lock:
            found = [copy.deepcopy(t) for t in self._tickets.values() if t.stage in stages]
        return sorted(found, key=lambda t: (t.next_due is None, t.next_due or ""))

    def by_customer(self, customer_id: str) -> list[TicketRecord]:
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
