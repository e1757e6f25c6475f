"""The ticket repository on one DynamoDB table, with pynamodb models.

Keys, for the access patterns:

| item | pk | sk | gsi1 (by_customer) | gsi2 (by_stage_due) |
|---|---|---|---|---|
| ticket | TICKET#<id> | TICKET | CUSTOMER#<cust>, <opened>#<id> | STAGE#<stage>, <due or ~>#<id> |
| event | TICKET#<id> | EVENT#<seq, 8 digits> | | |
| claim (a one-off side effect) | TICKET#<id> | CLAIM#<key> | | |
| idempotency key | IDEMPOTENCY#<sha256> | IDEMPOTENCY | | |

A ticket and its event log are one partition (one query reads both); a customer's tickets and
the desk's queue (a stage, nearest deadline first) are one GSI query each. Saving a ticket with new
events is one transaction conditioned on the version read, so a concurrent change fails cleanly.
The table name is bound at runtime (`bind_models`), never at import.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import fields, replace
from datetime import UTC
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from supportflow.domain.ticket import LoggedEvent, Stage, Ticket, WaitingStep
from supportflow.domain.timeutil import format_instant, parse_instant
from supportflow.services.ports import ConcurrentUpdate, TemporarilyUnavailable, TicketNotFound

NO_DUE = "~"  # sorts after every ISO instant: tickets without a deadline come last


class ByCustomer(GlobalSecondaryIndex["TicketItem"]):
    class Meta:
        index_name = "by_customer"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class ByStageDue(GlobalSecondaryIndex["TicketItem"]):
    class Meta:
        index_name = "by_stage_due"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class _Base(Model):
    class Meta:
        table_name = "unbound"  # set by bind_models at runtime

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class TicketItem(_Base):
    version = NumberAttribute()
    stage = UnicodeAttribute()
    body = UnicodeAttribute()  # the Ticket (without its events) as JSON
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()
    gsi2pk = UnicodeAttribute()
    gsi2sk = UnicodeAttribute()
    by_customer = ByCustomer()
    by_stage_due = ByStageDue()


class EventItem(_Base):
    at = UnicodeAttribute()
    type = UnicodeAttribute()
    actor = UnicodeAttribute()
    data = UnicodeAttribute()  # JSON


class ClaimItem(_Base):
    at = UnicodeAttribute(null=True)


class IdempotencyItem(_Base):
    ticket_id = UnicodeAttribute()


MODELS: tuple[type[_Base], ...] = (TicketItem, EventItem, ClaimItem, IdempotencyItem)


def bind_models(table_name: str, region: str | None = None, host: str | None = None) -> None:
    """Point every model at the table (and, for a local endpoint, the host)."""
    for model in MODELS:
        model.Meta.table_name = table_name
        if region:
            setattr(model.Meta, "region", region)  # noqa: B010 (Meta is pynamodb's plain class)
        setattr(model.Meta, "host", host)  # noqa: B010
        model._connection = None  # forget a connection made for another table or host


def _ticket_pk(ticket_id: str) -> str:
    return f"TICKET#{ticket_id}"


_NOT_STORED = ("events", "new_events", "version")


def _encode(ticket: Ticket) -> str:
    data = {f.name: getattr(ticket, f.name) for f in fields(Ticket) if f.name not in _NOT_STORED}
    data["opened_at"] = format_instant(ticket.opened_at)
    data["waiting"] = (
        {"stage": ticket.waiting.stage.value, "token": ticket.waiting.token}
        if ticket.waiting
        else None
    )
    return json.dumps(data, separators=(",", ":"), sort_keys=True)


def _decode(body: str, version: int) -> Ticket:
    data = json.loads(body)
    known = {f.name for f in fields(Ticket)} - set(_NOT_STORED)
    data = {k: v for k, v in data.items() if k in known}
    data["opened_at"] = parse_instant(data["opened_at"])
    data["stage"], data["return_to"] = Stage(data["stage"]), Stage(data["return_to"])
    waiting = data.get("waiting")
    data["waiting"] = WaitingStep(Stage(waiting["stage"]), waiting["token"]) if waiting else None
    return Ticket(**data, version=version)


def _record(item: TicketItem) -> Ticket:
    return _decode(item.body, int(item.version))


def _item(record: Ticket) -> TicketItem:
    opened = format_instant(record.opened_at) or ""
    return TicketItem(
        pk=_ticket_pk(record.ticket_id),
        sk="TICKET",
        version=record.version,
        stage=record.stage,
        body=_encode(record),
        gsi1pk=f"CUSTOMER#{record.customer_id}",
        gsi1sk=f"{opened}#{record.ticket_id}",
        gsi2pk=f"STAGE#{record.stage}",
        gsi2sk=f"{_utc(record.next_due)}#{record.ticket_id}",
    )


def _utc(instant: str | None) -> str:
    """An instant as a sortable UTC key."""
    if not instant:
        return NO_DUE
    return parse_instant(instant).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _event_item(ticket_id: str, event: LoggedEvent) -> EventItem:
    return EventItem(
        pk=_ticket_pk(ticket_id),
        sk=f"EVENT#{event.seq:08d}",
        at=format_instant(event.at) or "",
        type=event.type,
        actor=event.actor,
        data=json.dumps(dict(event.data), separators=(",", ":"), sort_keys=True, default=str),
    )


def _event(item: EventItem) -> LoggedEvent:
    return LoggedEvent(
        seq=int(item.sk.split("#", 1)[1]),
        at=parse_instant(item.at),
        type=item.type,
        actor=item.actor,
        data=json.loads(item.data),
    )


class DynamoTickets:
    """`TicketRepository` on DynamoDB."""

    def __init__(self, connection: Connection | None = None) -> None:
        self._connection = connection

    def _transaction(self) -> TransactWrite:
        return TransactWrite(connection=self._connection or TicketItem._get_connection().connection)

    def add(self, ticket: Ticket, idempotency_key: str) -> tuple[Ticket, bool]:
        key = "IDEMPOTENCY#" + hashlib.sha256(idempotency_key.encode()).hexdigest()
        stored = replace(ticket, version=1, events=list(ticket.events), new_events=[])
        try:
            with self._transaction() as tx:
                tx.save(
                    IdempotencyItem(pk=key, sk="IDEMPOTENCY", ticket_id=ticket.ticket_id),
                    condition=IdempotencyItem.pk.does_not_exist(),
                )
                tx.save(_item(stored), condition=TicketItem.pk.does_not_exist())
                for event in ticket.events:
                    tx.save(_event_item(ticket.ticket_id, event))
        except TransactWriteError as exc:
            if not _conditional(exc):
                raise TemporarilyUnavailable(str(exc)) from exc
            try:
                existing = IdempotencyItem.get(key, "IDEMPOTENCY", consistent_read=True)
                return self.get(existing.ticket_id), False
            except DoesNotExist:
                return self.get(ticket.ticket_id), False
        return stored, True

    def get(self, ticket_id: str) -> Ticket:
        try:
            item = TicketItem.get(_ticket_pk(ticket_id), "TICKET", consistent_read=True)
        except DoesNotExist:
            raise TicketNotFound(f"no ticket {ticket_id}") from None
        ticket = _record(item)
        ticket.events = self._events(ticket_id)
        return ticket

    def _events(self, ticket_id: str) -> list[LoggedEvent]:
        items = EventItem.query(
            _ticket_pk(ticket_id), EventItem.sk.startswith("EVENT#"), consistent_read=True
        )
        events = [_event(i) for i in items]
        if not events:
            raise TicketNotFound(f"no ticket {ticket_id}")
        return events

    def save(self, ticket: Ticket) -> Ticket:
        saved = replace(ticket, version=ticket.version + 1, new_events=[])
        try:
            with self._transaction() as tx:
                tx.save(_item(saved), condition=TicketItem.version == ticket.version)
                for event in ticket.new_events:
                    tx.save(
                        _event_item(ticket.ticket_id, event),
                        condition=EventItem.sk.does_not_exist(),
                    )
        except TransactWriteError as exc:
            if _conditional(exc):
                raise ConcurrentUpdate(f"ticket {ticket.ticket_id} changed meanwhile") from None
            raise TemporarilyUnavailable(str(exc)) from exc
        return saved

    def claim(self, ticket_id: str, key: str) -> bool:
        try:
            ClaimItem(pk=_ticket_pk(ticket_id), sk=f"CLAIM#{key}").save(
                condition=ClaimItem.pk.does_not_exist()
            )
        except PutError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise TemporarilyUnavailable(str(exc)) from exc
        return True

    def queue(self, stages: Sequence[str]) -> list[Ticket]:
        found: list[tuple[str, Ticket]] = []
        for stage in stages:
            for item in TicketItem.by_stage_due.query(f"STAGE#{stage}"):
                found.append((item.gsi2sk, _record(item)))
        return [record for _, record in sorted(found, key=lambda pair: pair[0])]

    def by_customer(self, customer_id: str) -> list[Ticket]:
        return [_record(item) for item in TicketItem.by_customer.query(f"CUSTOMER#{customer_id}")]


def _conditional(exc: Exception) -> bool:
    reasons: Any = getattr(exc, "cancellation_reasons", None) or []
    if any(getattr(r, "code", None) == "ConditionalCheckFailed" for r in reasons if r):
        return True
    return "ConditionalCheckFailed" in str(exc)


__all__ = ["DynamoTickets", "bind_models"]
