"""The in-memory ticket repository: the same optimistic-lock and idempotency rules as the
DynamoDB one, with its outbox of effects, its sent mails and the desk's queue."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from supportflow.domain.common.timeutil import parse_instant
from supportflow.domain.privacy.redaction import retained_since
from supportflow.domain.ticket.events import LoggedEvent
from supportflow.domain.ticket.routing import Stage
from supportflow.domain.ticket.ticket import Ticket
from supportflow.services.ports.outbox import ERASED_WITH_TICKET, Effect, Lease, OutboxEntry
from supportflow.services.ports.tickets import (
    ConcurrentUpdate,
    IntakeKey,
    KeyReused,
    TicketNotFound,
)


class InMemoryTickets:
    """`Tickets` in a dict, for fast tests: the same rules as the DynamoDB one."""

    def __init__(self, clock: Callable[[], datetime] | None = None) -> None:
        self._lock = threading.RLock()
        self._clock = clock or (lambda: datetime.now(UTC))
        self._tickets: dict[str, Ticket] = {}  # stored without their events
        self._events: dict[str, list[LoggedEvent]] = {}
        self._keys: dict[str, tuple[str, IntakeKey]] = {}
        self._outbox: dict[tuple[str, str], tuple[OutboxEntry, datetime | None]] = {}
        self._sent: dict[tuple[str, str], str] = {}
        self._marks: set[str] = set()  # once-only marks (see Tickets.save)

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

    def rewrite(self, ticket: Ticket, erased: Ticket) -> Ticket:
        """Privacy: the log and record overwritten by erased copies (see DynamoTickets)."""
        with self._lock:
            stored = self._tickets.get(ticket.ticket_id)
            if stored is None:
                raise TicketNotFound(f"no ticket {ticket.ticket_id}")
            if stored.version != ticket.version:
                raise ConcurrentUpdate(f"ticket {ticket.ticket_id} changed meanwhile")
            new = {e.seq for e in erased.new_events}  # written by the save below
            self._events[ticket.ticket_id] = [e for e in erased.events if e.seq not in new]
            for key, (entry, _) in list(self._outbox.items()):
                if key[0] == ticket.ticket_id and entry.effect.kind in ERASED_WITH_TICKET:
                    del self._outbox[key]
            return self.save(erased)

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

    def queue_page(
        self, stages: Sequence[str], after: str | None, limit: int
    ) -> tuple[list[tuple[str, Ticket]], bool]:
        keyed = [(_due_key(t), t) for t in self.queue(stages)]
        keyed = sorted(p for p in keyed if after is None or p[0] > after)
        return keyed[:limit], len(keyed) > limit

    def customer_page(
        self, customer_id: str, before: str | None, limit: int
    ) -> tuple[list[tuple[str, Ticket]], bool]:
        keyed = [(_opened_key(t), t) for t in self.by_customer(customer_id)]
        keyed = sorted((p for p in keyed if before is None or p[0] < before), reverse=True)
        return keyed[:limit], len(keyed) > limit

    def summaries(self, ticket_ids: Sequence[str]) -> list[Ticket]:
        with self._lock:
            return [copy.deepcopy(self._tickets[t]) for t in ticket_ids if t in self._tickets]

    def closed_before(self, cutoff: datetime) -> Iterator[str]:
        with self._lock:
            keyed = []
            for ticket_id, ticket in self._tickets.items():
                if ticket.stage != Stage.CLOSED:
                    continue
                since = retained_since(self._events[ticket_id])  # as the index sorts it
                if since is not None and since < cutoff:
                    keyed.append((since, ticket_id))
        yield from (ticket_id for _, ticket_id in sorted(keyed))

    def open_ids(self, stages: Sequence[str]) -> list[str]:
        return [t.ticket_id for t in self.queue(stages)]

    def by_customer(self, customer_id: str) -> list[Ticket]:
        with self._lock:
            return [
                copy.deepcopy(t) for t in self._tickets.values() if t.customer_id == customer_id
            ]


def _due_key(ticket: Ticket) -> str:
    """The queue's position of a ticket, as the DynamoDB index orders it."""
    if not ticket.next_due:
        return f"~#{ticket.ticket_id}"
    due = parse_instant(ticket.next_due).astimezone(UTC)
    return f"{due:%Y-%m-%dT%H:%M:%S.%fZ}#{ticket.ticket_id}"


def _opened_key(ticket: Ticket) -> str:
    return f"{ticket.opened_at.astimezone(UTC):%Y-%m-%dT%H:%M:%S.%fZ}#{ticket.ticket_id}"
