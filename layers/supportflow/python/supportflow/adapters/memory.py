"""In-memory adapters: a real repository with the same optimistic-lock and idempotency rules as
the DynamoDB one, and recording fakes for timers, mail and the workflow (for unit tests)."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from supportflow.contracts import ContractVersion
from supportflow.domain.billing.bookings import Booking
from supportflow.domain.ticket.events import LoggedEvent
from supportflow.domain.ticket.routing import Stage
from supportflow.domain.ticket.ticket import Ticket
from supportflow.policies import PublishedPolicy
from supportflow.services.outbox.effects import Effect, OutboxEntry
from supportflow.services.ports.ports import (
    ConcurrentUpdate,
    HeldFiling,
    IntakeKey,
    KeyReused,
    Lease,
    TicketNotFound,
    VerdictRow,
)


class InMemoryTickets:
    """`TicketRepository` in a dict, for fast tests: the same rules as the DynamoDB one."""

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self._lock = threading.RLock()
        self._clock = clock or (lambda: datetime.now(UTC))
        self._tickets: dict[str, Ticket] = {}  # stored without their events
        self._events: dict[str, list[LoggedEvent]] = {}
        self._keys: dict[str, tuple[str, IntakeKey]] = {}
        self._outbox: dict[tuple[str, str], tuple[OutboxEntry, datetime | None]] = {}
        self._sent: dict[tuple[str, str], str] = {}
        self._marks: set[str] = set()  # once-only marks (see TicketRepository.save)

    def add(
        self, ticket: Ticket, key: IntakeKey, effects: Sequence[Effect], now: datetime
    ) -> tuple[Ticket, bool]:
        with self._lock:
            held = self._keys.get(key.value)
            if held is not None:
                found = self._holding(held, key, now)
                if found is not None:
                    return found, False
            if ticket.ticket_id in self._tickets:
                raise ConcurrentUpdate(f"ticket {ticket.ticket_id} exists")
            self._tickets[ticket.ticket_id] = replace(ticket, version=1, events=[], new_events=[])
            self._events[ticket.ticket_id] = list(ticket.events)
            self._keys[key.value] = (ticket.ticket_id, key)
            self._put_effects(ticket.ticket_id, 1, effects)
            return self._load(ticket.ticket_id), True

    def repeat_of(self, key: IntakeKey, now: datetime) -> Ticket | None:
        with self._lock:
            held = self._keys.get(key.value)
            return None if held is None else self._holding(held, key, now)

    def _holding(self, held: tuple[str, IntakeKey], key: IntakeKey, now: datetime) -> Ticket | None:
        ticket_id, first = held
        if first.expires is not None:
            if first.expires <= now:
                return None
            if first.fingerprint != key.fingerprint:
                raise KeyReused("this Idempotency-Key was used for a different ticket")
            return self._load(ticket_id)
        found = self._load(ticket_id)
        return None if found.stage == Stage.CLOSED else found

    def get(self, ticket_id: str) -> Ticket:
        with self._lock:
            return self._load(ticket_id)

    def _load(self, ticket_id: str) -> Ticket:
        if ticket_id not in self._tickets:
            raise TicketNotFound(f"no ticket {ticket_id}")
        ticket = copy.deepcopy(self._tickets[ticket_id])
        ticket.events = list(self._events[ticket_id])
        return ticket

    def save(
        self, ticket: Ticket, effects: Sequence[Effect] = (), once: Sequence[str] = ()
    ) -> Ticket:
        with self._lock:
            stored = self._tickets.get(ticket.ticket_id)
            if stored is None:
                raise TicketNotFound(f"no ticket {ticket.ticket_id}")
            seqs = {e.seq for e in self._events[ticket.ticket_id]}
            if stored.version != ticket.version or any(e.seq in seqs for e in ticket.new_events):
                raise ConcurrentUpdate(f"ticket {ticket.ticket_id} changed meanwhile")
            if any(mark in self._marks for mark in once):
                raise ConcurrentUpdate(f"ticket {ticket.ticket_id}: done once already")
            self._marks.update(once)
            saved = replace(ticket, version=ticket.version + 1, events=[], new_events=[])
            self._tickets[ticket.ticket_id] = copy.deepcopy(saved)
            self._events[ticket.ticket_id].extend(ticket.new_events)
            self._put_effects(ticket.ticket_id, saved.version, effects)
            return self._load(ticket.ticket_id)

    def marked(self, mark: str) -> bool:
        with self._lock:
            return mark in self._marks

    def _put_effects(self, ticket_id: str, version: int, effects: Sequence[Effect]) -> None:
        now = self._clock()
        for index, effect in enumerate(effects):
            entry = OutboxEntry(ticket_id, OutboxEntry.position_of(version, index), effect, now)
            self._outbox[(ticket_id, entry.position)] = (entry, None)

    def pending(self, ticket_id: str) -> list[OutboxEntry]:
        with self._lock:
            return [e for (t, _), (e, _) in sorted(self._outbox.items()) if t == ticket_id]

    def stale(self, before: datetime, limit: int = 100) -> list[OutboxEntry]:
        with self._lock:
            entries = [e for e, _ in self._outbox.values() if e.created_at < before]
        entries.sort(key=lambda e: (e.created_at, e.ticket_id, e.position))
        return entries[:limit]

    def lease(self, entry: OutboxEntry, now: datetime, until: datetime) -> Lease:
        with self._lock:
            key = (entry.ticket_id, entry.position)
            if key not in self._outbox:
                return Lease.GONE
            held, lease = self._outbox[key]
            if lease is not None and lease >= now:
                return Lease.BUSY
            self._outbox[key] = (held, until)
            return Lease.TAKEN

    def release(self, entry: OutboxEntry) -> None:
        with self._lock:
            key = (entry.ticket_id, entry.position)
            if key in self._outbox:
                self._outbox[key] = (self._outbox[key][0], None)

    def done(self, entry: OutboxEntry, receipt: str | None = None) -> None:
        with self._lock:
            self._outbox.pop((entry.ticket_id, entry.position), None)
            key = getattr(entry.effect, "key", None)
            if receipt is not None and key is not None:
                self._sent[(entry.ticket_id, key)] = receipt

    def sent(self, ticket_id: str, key: str) -> str | None:
        with self._lock:
            return self._sent.get((ticket_id, key))

    def queue(self, stages: Sequence[str]) -> list[Ticket]:
        with self._lock:
            found = [copy.deepcopy(t) for t in self._tickets.values() if t.stage in stages]
        return sorted(found, key=lambda t: (t.next_due is None, t.next_due or "", t.ticket_id))

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
        self.pending.setdefault(name, (at, dict(payload)))  # a name taken already: kept, as AWS

    def cancel(self, name: str) -> None:
        self.cancelled.append(name)
        self.pending.pop(name, None)

    def existing(self, prefix: str) -> set[str]:
        return {name for name in self.pending if name.startswith(prefix)}

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

    def send(self, raw: bytes) -> str:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        assert isinstance(message, EmailMessage)
        self.sent.append(message)
        return f"message-{len(self.sent)}"


class InMemoryFilings:
    def __init__(self) -> None:
        self._held: dict[str, HeldFiling] = {}
        self._lock = threading.Lock()

    def hold(self, filing: HeldFiling) -> None:
        with self._lock:
            self._held[filing.filing_id] = filing

    def held(self, limit: int = 100) -> list[HeldFiling]:
        with self._lock:
            return sorted(self._held.values(), key=lambda f: f.received_at)[:limit]

    def take(self, filing_id: str) -> HeldFiling | None:
        with self._lock:
            return self._held.pop(filing_id, None)


class InMemoryMailQuota:
    def __init__(self) -> None:
        self.used: dict[tuple[str, datetime], int] = {}
        self._lock = threading.Lock()

    def take(self, customer_id: str, hour: datetime, limit: int) -> bool:
        start = hour.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        with self._lock:
            used = self.used.get((customer_id, start), 0)
            if used >= limit:
                return False
            self.used[(customer_id, start)] = used + 1
            return True


class InMemoryMailStore:
    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def raw(self, key: str) -> bytes:
        return self.objects[key]

    def keep(self, key: str, data: bytes, content_type: str) -> str:
        self.objects[key] = data
        return f"memory://{key}"

    def link(self, reference: str) -> str:
        return reference


class InMemoryContracts:
    """`ContractStore` in a list."""

    def __init__(self, versions: Sequence[ContractVersion] = ()) -> None:
        self._lock = threading.Lock()
        self._versions = list(versions)

    def all_versions(self) -> list[ContractVersion]:
        with self._lock:
            return list(self._versions)

    def revision(self) -> int:
        with self._lock:
            return len(self._versions)

    def add(self, version: ContractVersion) -> bool:
        with self._lock:
            taken = any(
                v.customer_id == version.customer_id and v.version == version.version
                for v in self._versions
            )
            if not taken:
                self._versions.append(version)
            return not taken


class InMemoryVerdicts:
    """`VerdictStore` in dicts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seq: dict[str, int] = {}
        self._rows: dict[str, list[VerdictRow]] = {}

    def record(self, ticket_id: str, seq: int, rows: Sequence[VerdictRow]) -> bool:
        with self._lock:
            if self._seq.get(ticket_id, -1) > seq:
                return False
            self._seq[ticket_id] = seq
            self._rows[ticket_id] = list(rows)
            return True

    def month(self, customer_id: str, month: str) -> list[VerdictRow]:
        with self._lock:
            return [
                r
                for rows in self._rows.values()
                for r in rows
                if r.customer_id == customer_id and r.month == month
            ]


class InMemoryBookings:
    """`BookingStore` in a dict."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._bookings: dict[tuple[str, str], Booking] = {}

    def of_customer(self, customer_id: str) -> list[Booking]:
        with self._lock:
            return [b for (c, _), b in self._bookings.items() if c == customer_id]

    def get(self, customer_id: str, booking_id: str) -> Booking | None:
        with self._lock:
            return self._bookings.get((customer_id, booking_id))

    def add(self, customer_id: str, booking: Booking) -> bool:
        with self._lock:
            if (customer_id, booking.booking_id) in self._bookings:
                return False
            self._bookings[(customer_id, booking.booking_id)] = booking
            return True

    def replace(self, customer_id: str, booking: Booking) -> bool:
        with self._lock:
            stored = self._bookings.get((customer_id, booking.booking_id))
            if stored is None or stored.version != booking.version - 1:
                return False
            self._bookings[(customer_id, booking.booking_id)] = booking
            return True


class InMemoryPolicies:
    """`PolicyStore` in a list."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._versions: list[PublishedPolicy] = []

    def all_versions(self) -> list[PublishedPolicy]:
        with self._lock:
            return list(self._versions)

    def revision(self) -> int:
        with self._lock:
            return len(self._versions)

    def add(self, published: PublishedPolicy) -> bool:
        key = (published.policy.id, published.policy.version)
        with self._lock:
            if any((p.policy.id, p.policy.version) == key for p in self._versions):
                return False
            self._versions.append(published)
            return True
