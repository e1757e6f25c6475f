"""The ticket repository on one DynamoDB table (items and keys: models.py, codec.py).

Saving a ticket is one transaction: the ticket conditioned on the version read (a concurrent
change fails cleanly), its new events, and an outbox item per effect, so a change and what must
follow it are written together or not at all. The dispatcher leases, performs and removes outbox
items; a mail's receipt is written in the same transaction that removes its item.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import (
    DeleteError,
    DoesNotExist,
    PutError,
    TransactWriteError,
    UpdateError,
)
from pynamodb.transactions import TransactWrite

from supportflow.adapters.dynamodb.codec import (
    event_item,
    event_of,
    outbox_entry,
    outbox_item,
    ticket_item,
    ticket_of,
    ticket_pk,
    utc_key,
)
from supportflow.adapters.dynamodb.models import (
    EventItem,
    IntakeKeyItem,
    OutboxItem,
    SentItem,
    TicketItem,
)
from supportflow.adapters.dynamodb.transactions import transaction_conflict
from supportflow.domain.ticket.events import LoggedEvent
from supportflow.domain.ticket.routing import Stage
from supportflow.domain.ticket.ticket import Ticket
from supportflow.services.outbox.effects import encode
from supportflow.services.ports.outbox import ERASED_WITH_TICKET, Effect, Lease, OutboxEntry
from supportflow.services.ports.tickets import (
    ConcurrentUpdate,
    IntakeKey,
    KeyReused,
    TemporarilyUnavailable,
    TicketNotFound,
)


def _system_clock() -> datetime:
    return datetime.now(UTC)


class DynamoTickets:
    """`Tickets` on DynamoDB."""

    def __init__(
        self, connection: Connection | None = None, clock: Callable[[], datetime] = _system_clock
    ) -> None:
        self._connection, self._clock = connection, clock

    def _transaction(self) -> TransactWrite:
        return TransactWrite(connection=self._connection or TicketItem._get_connection().connection)

    # ----- tickets ------------------------------------------------------------------------------

    def add(
        self, ticket: Ticket, key: IntakeKey, effects: Sequence[Effect], now: datetime
    ) -> tuple[Ticket, bool]:
        pk = "INTAKE#" + hashlib.sha256(key.value.encode()).hexdigest()
        expires = utc_key(key.expires) if key.expires else None
        ttl = int(key.expires.timestamp()) if key.expires else None
        stored = replace(ticket, version=1, events=list(ticket.events), new_events=[])
        condition: Any = IntakeKeyItem.pk.does_not_exist()
        for _ in range(3):
            marker = IntakeKeyItem(
                pk=pk,
                sk="INTAKE",
                ticket_id=ticket.ticket_id,
                fingerprint=key.fingerprint,
                expires=expires,
                ttl=ttl,
            )
            try:
                with self._transaction() as tx:
                    tx.save(marker, condition=condition)
                    tx.save(ticket_item(stored), condition=TicketItem.pk.does_not_exist())
                    for event in ticket.events:
                        tx.save(event_item(ticket.ticket_id, event))
                    self._put_effects(tx, ticket.ticket_id, 1, effects)
                return stored, True
            except TransactWriteError as exc:
                if not transaction_conflict(exc):
                    raise TemporarilyUnavailable(str(exc)) from exc
            existing = self._intake_key(pk)
            if existing is None:
                condition = IntakeKeyItem.pk.does_not_exist()
                continue
            found = self._holding(existing, key, now)
            if found is not None:
                return found, False
            condition = IntakeKeyItem.ticket_id == existing.ticket_id  # take over an expired key
        raise ConcurrentUpdate("the same ticket is being filed right now; try again")

    def repeat_of(self, key: IntakeKey, now: datetime) -> Ticket | None:
        existing = self._intake_key("INTAKE#" + hashlib.sha256(key.value.encode()).hexdigest())
        return None if existing is None else self._holding(existing, key, now)

    def _intake_key(self, pk: str) -> IntakeKeyItem | None:
        try:
            return IntakeKeyItem.get(pk, "INTAKE", consistent_read=True)
        except DoesNotExist:
            return None

    def _holding(self, existing: IntakeKeyItem, key: IntakeKey, now: datetime) -> Ticket | None:
        """The ticket an intake key still points to, or None if the key no longer holds."""
        expires: str | None = getattr(existing, "expires", None)  # pynamodb types it as str
        if expires is not None:
            if expires <= utc_key(now):
                return None
            if existing.fingerprint != key.fingerprint:
                raise KeyReused("this Idempotency-Key was used for a different ticket")
            return self.get(existing.ticket_id)
        try:
            found = self.get(existing.ticket_id)
        except TicketNotFound:
            return None
        return None if found.stage == Stage.CLOSED else found

    def get(self, ticket_id: str) -> Ticket:
        try:
            item = TicketItem.get(ticket_pk(ticket_id), "TICKET", consistent_read=True)
        except DoesNotExist:
            raise TicketNotFound(f"no ticket {ticket_id}") from None
        ticket = ticket_of(item)
        ticket.events = self._events(ticket_id)
        return ticket

    def _events(self, ticket_id: str) -> list[LoggedEvent]:
        items = EventItem.query(
            ticket_pk(ticket_id), EventItem.sk.startswith("EVENT#"), consistent_read=True
        )
        events = [event_of(i) for i in items]
        if not events:
            raise TicketNotFound(f"no ticket {ticket_id}")
        return events

    def save(
        self, ticket: Ticket, effects: Sequence[Effect] = (), once: Sequence[str] = ()
    ) -> Ticket:
        saved = replace(ticket, version=ticket.version + 1, new_events=[])
        try:
            with self._transaction() as tx:
                tx.save(ticket_item(saved), condition=TicketItem.version == ticket.version)
                for mark in once:  # something done once across tickets, with this write
                    tx.save(
                        SentItem(pk=f"ONCE#{mark}", sk="ONCE", receipt=ticket.ticket_id),
                        condition=SentItem.pk.does_not_exist(),
                    )
                for event in ticket.new_events:
                    tx.save(
                        event_item(ticket.ticket_id, event),
                        condition=EventItem.sk.does_not_exist(),
                    )
                self._put_effects(tx, ticket.ticket_id, saved.version, effects)
        except TransactWriteError as exc:
            if transaction_conflict(exc):
                raise ConcurrentUpdate(f"ticket {ticket.ticket_id} changed meanwhile") from None
            raise TemporarilyUnavailable(str(exc)) from exc
        return saved

    def rewrite(self, ticket: Ticket, erased: Ticket) -> Ticket:
        """Privacy: overwrite the ticket's log and record with erased copies. Each changed
        event item is written again (same sequence, time and type), the ticket's pending mails
        and log entries are dropped (they carry what was erased), then the record is saved with
        the erasure's own event, on condition of the version read: a change meanwhile raises
        ConcurrentUpdate and the caller erases again (the events already written were erased
        ones: writing them again changes nothing)."""
        before = {e.seq: e for e in ticket.events}
        new = {e.seq for e in erased.new_events}  # written by the save below, on condition
        changed = [e for e in erased.events if e.seq not in new and before.get(e.seq) != e]
        try:
            with EventItem.batch_write() as batch:
                for event in changed:
                    batch.save(event_item(ticket.ticket_id, event))
            for entry in self.pending(ticket.ticket_id):
                if entry.effect.kind in ERASED_WITH_TICKET:
                    OutboxItem(
                        pk=ticket_pk(ticket.ticket_id), sk=f"OUTBOX#{entry.position}"
                    ).delete()
        except (PutError, DeleteError) as exc:
            raise TemporarilyUnavailable(str(exc)) from exc
        return self.save(erased)

    def _put_effects(
        self, tx: TransactWrite, ticket_id: str, version: int, effects: Sequence[Effect]
    ) -> None:
        now = self._clock()
        for index, effect in enumerate(effects):
            position = OutboxEntry.position_of(version, index)
            tx.save(outbox_item(ticket_id, position, encode(effect), now))

    # ----- the outbox ---------------------------------------------------------------------------

    def pending(self, ticket_id: str) -> list[OutboxEntry]:
        items = OutboxItem.query(
            ticket_pk(ticket_id), OutboxItem.sk.startswith("OUTBOX#"), consistent_read=True
        )
        return [outbox_entry(item) for item in items]

    def stale(self, before: datetime, limit: int = 100) -> list[OutboxEntry]:
        items = OutboxItem.pending_effects.query(
            "OUTBOX", OutboxItem.gsi3sk < utc_key(before), limit=limit
        )
        return [outbox_entry(item) for item in items]

    def lease(self, entry: OutboxEntry, now: datetime, until: datetime) -> Lease:
        item = OutboxItem(pk=ticket_pk(entry.ticket_id), sk=f"OUTBOX#{entry.position}")
        free = OutboxItem.lease_until.does_not_exist() | (OutboxItem.lease_until < utc_key(now))
        try:
            item.update(
                actions=[OutboxItem.lease_until.set(utc_key(until))],
                condition=OutboxItem.pk.exists() & free,
            )
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise TemporarilyUnavailable(str(exc)) from exc
            try:
                OutboxItem.get(item.pk, item.sk, consistent_read=True)
            except DoesNotExist:
                return Lease.GONE
            return Lease.BUSY
        return Lease.TAKEN

    def release(self, entry: OutboxEntry) -> None:
        item = OutboxItem(pk=ticket_pk(entry.ticket_id), sk=f"OUTBOX#{entry.position}")
        try:
            item.update(actions=[OutboxItem.lease_until.remove()], condition=OutboxItem.pk.exists())
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise TemporarilyUnavailable(str(exc)) from exc

    def done(self, entry: OutboxEntry, receipt: str | None = None) -> None:
        pk, sk = ticket_pk(entry.ticket_id), f"OUTBOX#{entry.position}"
        key = getattr(entry.effect, "key", None)
        try:
            if receipt is None or key is None:
                OutboxItem(pk=pk, sk=sk).delete()
                return
            with self._transaction() as tx:
                tx.delete(OutboxItem(pk=pk, sk=sk))
                tx.save(SentItem(pk=pk, sk=f"SENT#{key}", receipt=receipt))
        except (TransactWriteError, DeleteError) as exc:
            raise TemporarilyUnavailable(str(exc)) from exc

    def marked(self, mark: str) -> bool:
        try:
            SentItem.get(f"ONCE#{mark}", "ONCE", consistent_read=True)
        except DoesNotExist:
            return False
        return True

    def sent(self, ticket_id: str, key: str) -> str | None:
        try:
            return str(
                SentItem.get(ticket_pk(ticket_id), f"SENT#{key}", consistent_read=True).receipt
            )
        except DoesNotExist:
            return None

    # ----- reading many -------------------------------------------------------------------------

    def queue(self, stages: Sequence[str]) -> list[Ticket]:
        # One query per stage: a ticket that moves between two of them meanwhile (or an index
        # that lags) can be read in both; the newer version stands.
        found: dict[str, tuple[str, Ticket]] = {}
        for stage in stages:
            for item in TicketItem.by_stage_due.query(f"STAGE#{stage}"):
                ticket = ticket_of(item)
                seen = found.get(ticket.ticket_id)
                if seen is None or ticket.version > seen[1].version:
                    found[ticket.ticket_id] = (item.gsi2sk, ticket)
        return [ticket for _, ticket in sorted(found.values(), key=lambda pair: pair[0])]

    def open_ids(self, stages: Sequence[str]) -> list[str]:
        # The keys only (a projection): what a page carries is a few bytes a ticket.
        found: dict[str, str] = {}
        for stage in stages:
            items = TicketItem.by_stage_due.query(
                f"STAGE#{stage}", attributes_to_get=["pk", "gsi2sk"]
            )
            for item in items:
                ticket_id = str(item.pk).removeprefix("TICKET#")
                found[ticket_id] = max(found.get(ticket_id, ""), str(item.gsi2sk))
        return sorted(found, key=lambda t: (found[t], t))

    def queue_page(
        self, stages: Sequence[str], after: str | None, limit: int
    ) -> tuple[list[tuple[str, Ticket]], bool]:
        # limit + 1 per stage, merged: the page's next position and whether more follow.
        found: dict[str, tuple[str, Ticket]] = {}
        more = False
        for stage in stages:
            condition = TicketItem.gsi2sk > after if after else None
            items = list(
                TicketItem.by_stage_due.query(
                    f"STAGE#{stage}", condition, limit=limit + 1, page_size=limit + 1
                )
            )
            more = more or len(items) > limit
            for item in items[:limit]:
                ticket = ticket_of(item)
                seen = found.get(ticket.ticket_id)
                if seen is None or ticket.version > seen[1].version:
                    found[ticket.ticket_id] = (str(item.gsi2sk), ticket)
        page = sorted(found.values(), key=lambda pair: pair[0])
        return page[:limit], more or len(page) > limit

    def by_customer(self, customer_id: str) -> list[Ticket]:
        return [ticket_of(item) for item in TicketItem.by_customer.query(f"CUSTOMER#{customer_id}")]

    def closed_before(self, cutoff: datetime) -> Iterator[str]:
        """Closed tickets that closed before `cutoff`, the oldest closing first, read a page at
        a time (only the keys); then those closed before their closing time was indexed."""
        closed = f"STAGE#{Stage.CLOSED}"
        for condition in (TicketItem.gsi2sk < utc_key(cutoff), TicketItem.gsi2sk.startswith("~#")):
            for item in TicketItem.by_stage_due.query(
                closed, condition, attributes_to_get=["pk", "gsi2sk"], page_size=200
            ):
                yield str(item.pk).removeprefix("TICKET#")

    def customer_page(
        self, customer_id: str, before: str | None, limit: int
    ) -> tuple[list[tuple[str, Ticket]], bool]:
        condition = TicketItem.gsi1sk < before if before else None
        items = list(
            TicketItem.by_customer.query(
                f"CUSTOMER#{customer_id}",
                condition,
                scan_index_forward=False,
                limit=limit + 1,
                page_size=limit + 1,
            )
        )
        return [(str(item.gsi1sk), ticket_of(item)) for item in items[:limit]], len(items) > limit

    def summaries(self, ticket_ids: Sequence[str]) -> list[Ticket]:
        wanted = list(dict.fromkeys(ticket_ids))
        found: dict[str, Ticket] = {}
        for start in range(0, len(wanted), 100):  # BatchGetItem's limit
            keys = [(ticket_pk(t), "TICKET") for t in wanted[start : start + 100]]
            for item in TicketItem.batch_get(keys):
                ticket = ticket_of(item)
                found[ticket.ticket_id] = ticket
        return [found[t] for t in wanted if t in found]
