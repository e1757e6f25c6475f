"""In-memory stores: held filings, the mail quota, contracts, verdicts, bookings and published
policy packs, each with the rules of its DynamoDB counterpart."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from supportflow.contracts.contract import with_pseudonyms
from supportflow.contracts.versions import ContractVersion
from supportflow.domain.billing.bookings import Booking
from supportflow.policies.registry import PublishedPolicy
from supportflow.services.ports.audit import AgentAction
from supportflow.services.ports.privacy import ErasureRecord
from supportflow.services.ports.search import IndexedTicket, intersect, position_of
from supportflow.services.ports.stores import HeldFiling, VerdictRow


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


class InMemoryContracts:
    """`ContractStore` in a list."""

    def __init__(self, versions: Sequence[ContractVersion] = ()) -> None:
        self._lock = threading.Lock()
        self._versions = list(versions)
        self._changes = 0

    def all_versions(self) -> list[ContractVersion]:
        with self._lock:
            return list(self._versions)

    def revision(self) -> int:
        with self._lock:
            return len(self._versions) + self._changes

    def add(self, version: ContractVersion) -> bool:
        with self._lock:
            taken = any(
                v.customer_id == version.customer_id and v.version == version.version
                for v in self._versions
            )
            if not taken:
                self._versions.append(version)
            return not taken

    def pseudonymise(self, customer_id: str, addresses: Mapping[str, str]) -> int:
        with self._lock:
            changed = 0
            for n, version in enumerate(self._versions):
                if version.customer_id != customer_id:
                    continue
                renamed = with_pseudonyms(version.contract, addresses)
                if renamed is not None:
                    self._versions[n] = replace(version, contract=renamed)
                    changed += 1
            self._changes += changed
            return changed


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


class InMemorySearchIndex:
    """`SearchIndex` in dicts, with the DynamoDB index's order and rules."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._words: dict[str, dict[str, str]] = {}  # word -> position -> customer
        self._kept: dict[str, tuple[int, str, frozenset[str]]] = {}  # ticket -> seq, pos, words

    def keep(self, ticket: IndexedTicket, seq: int) -> int:
        position = position_of(ticket)
        with self._lock:
            kept_seq, kept_position, old = self._kept.get(ticket.ticket_id, (-1, position, None))
            if kept_seq > seq:
                return 0
            old_words = old or frozenset()
            for word in old_words - ticket.terms:
                entries = self._words.get(word, {})
                entries.pop(kept_position, None)
                if not entries:  # as DynamoDB: a word nobody holds is no item at all
                    self._words.pop(word, None)
            for word in ticket.terms - old_words:
                self._words.setdefault(word, {})[position] = ticket.customer_id
            self._kept[ticket.ticket_id] = (seq, position, ticket.terms)
            return len(old_words ^ ticket.terms)

    def matches(
        self, terms: Sequence[str], customer_id: str | None = None, before: str | None = None
    ) -> Iterator[tuple[str, str]]:
        with self._lock:
            streams = [
                iter(
                    sorted(
                        (
                            (p, c)
                            for p, c in self._words.get(t, {}).items()
                            if before is None or p < before
                        ),
                        reverse=True,
                    )
                )
                for t in terms
            ]
        for position, customer in intersect(streams):
            if customer_id is None or customer == customer_id:
                yield position, position.rsplit("#", 1)[1]


class InMemoryErasureLog:
    """`ErasureLog` in a list."""

    def __init__(self) -> None:
        self.records: list[ErasureRecord] = []

    def record(self, erasure: ErasureRecord) -> None:
        self.records = [r for r in self.records if r.erasure_id != erasure.erasure_id]
        self.records.append(erasure)

    def recent(self, limit: int = 100) -> list[ErasureRecord]:
        return sorted(self.records, key=lambda r: r.at, reverse=True)[:limit]


class InMemoryActionsIndex:
    """`ActionsIndex` in a dict."""

    def __init__(self) -> None:
        self.entries: dict[str, dict[str, AgentAction]] = {}  # agent -> position -> action
        self.kept: dict[str, int] = {}

    def keep(self, ticket_id: str, actions: Sequence[AgentAction], seq: int) -> int:
        kept = self.kept.get(ticket_id, 0)
        new = [a for a in actions if a.seq > kept]
        if seq <= kept or not new:
            return 0
        for action in new:
            at = action.at.astimezone(UTC)
            key = f"{at:%Y-%m-%dT%H:%M:%S.%fZ}#{action.ticket_id}#{action.seq:08d}"
            self.entries.setdefault(action.agent.strip().casefold(), {})[key] = action
        self.kept[ticket_id] = seq
        return len(new)

    def of(
        self, agent: str, since: datetime, until: datetime, after: str | None = None
    ) -> Iterator[tuple[str, AgentAction]]:
        for key, action in sorted(self.entries.get(agent.strip().casefold(), {}).items()):
            if since <= action.at < until and (after is None or key > after):
                yield key, action
