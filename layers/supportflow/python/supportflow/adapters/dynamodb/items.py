"""The DynamoDB items of the ticket table (pynamodb models) and how a ticket becomes items.

Keys, for the access patterns:

| item | pk | sk |
|---|---|---|
| ticket | TICKET#<id> | TICKET |
| event | TICKET#<id> | EVENT#<seq, 8 digits> |
| outbox entry | TICKET#<id> | OUTBOX#<version>.<n> |
| sent mail | TICKET#<id> | SENT#<key> |
| intake key | INTAKE#<sha256> | INTAKE |

Indexes: by_customer (CUSTOMER#<cust>, <opened>#<id>) and by_stage_due (STAGE#<stage>,
<due or ~>#<id>) on tickets; pending_effects (OUTBOX, <created UTC>#<id>#<position>) on outbox
entries, sparse: an entry leaves it when it is done.

A ticket, its event log, its outbox and its sent mails are one partition; a customer's tickets,
the desk's queue (a stage, nearest deadline first) and the effects not yet delivered are one GSI
query each. The table name is bound at runtime (`bind_models`), never at import.
"""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import TransactWriteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from supportflow.domain.common.timeutil import format_instant, parse_instant
from supportflow.domain.ticket.events import LoggedEvent
from supportflow.domain.ticket.routing import Stage
from supportflow.domain.ticket.ticket import Ticket, WaitingStep
from supportflow.services.outbox.effects import OutboxEntry, decode
from supportflow.services.ports.ports import TemporarilyUnavailable

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


class PendingEffects(GlobalSecondaryIndex["OutboxItem"]):
    class Meta:
        index_name = "pending_effects"
        projection = AllProjection()

    gsi3pk = UnicodeAttribute(hash_key=True)
    gsi3sk = UnicodeAttribute(range_key=True)


class OutboxItem(_Base):
    """An effect waiting for the dispatcher (sparse in pending_effects until it is done)."""

    effect = UnicodeAttribute()  # services.effects.encode
    created_at = UnicodeAttribute()
    lease_until = UnicodeAttribute(null=True)  # UTC key; another deliverer waits until then
    gsi3pk = UnicodeAttribute()
    gsi3sk = UnicodeAttribute()
    pending_effects = PendingEffects()


class SentItem(_Base):
    """A mail the mail service accepted: its key and the provider's message id."""

    receipt = UnicodeAttribute()


class IntakeKeyItem(_Base):
    """Which ticket an Idempotency-Key, a content fingerprint or an alert maps to, until when."""

    ticket_id = UnicodeAttribute()
    fingerprint = UnicodeAttribute()
    expires = UnicodeAttribute(null=True)  # UTC key; None: while the ticket is open
    ttl = NumberAttribute(null=True)  # epoch seconds: DynamoDB's TTL removes it after expiry


MODELS: list[type[_Base]] = [TicketItem, EventItem, OutboxItem, SentItem, IntakeKeyItem]


def bind_models(table_name: str, region: str | None = None, host: str | None = None) -> None:
    """Point every model at the table (and, for a local endpoint, the host). A model already
    pointed there keeps its connection: every function's container binds on first use, and a
    new botocore client per bind would cost each warm function its first calls again."""
    for model in MODELS:
        meta = model.Meta
        if (
            model._connection is not None
            and meta.table_name == table_name
            and getattr(meta, "host", None) == host
            and (not region or getattr(meta, "region", None) == region)
        ):
            continue
        meta.table_name = table_name
        if region:
            setattr(model.Meta, "region", region)  # noqa: B010 (Meta is pynamodb's plain class)
        setattr(model.Meta, "host", host)  # noqa: B010
        model._connection = None  # forget a connection made for another table or host


def open_connections() -> None:
    """Make every model's botocore client now. pynamodb makes one lazily on first use, and
    threads that all use a model at once (a multi-threaded host such as the local stack, when
    its workflows start together) would each make their own, slowly."""
    for model in MODELS:
        model._get_connection().connection.client  # noqa: B018 (the property makes and keeps it)


def ticket_pk(ticket_id: str) -> str:
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


def ticket_of(item: TicketItem) -> Ticket:
    return _decode(item.body, int(item.version))


def ticket_item(record: Ticket) -> TicketItem:
    opened = format_instant(record.opened_at) or ""
    return TicketItem(
        pk=ticket_pk(record.ticket_id),
        sk="TICKET",
        version=record.version,
        stage=record.stage,
        body=_encode(record),
        gsi1pk=f"CUSTOMER#{record.customer_id}",
        gsi1sk=f"{opened}#{record.ticket_id}",
        gsi2pk=f"STAGE#{record.stage}",
        gsi2sk=f"{sort_key(record.next_due)}#{record.ticket_id}",
    )


def sort_key(instant: str | None) -> str:
    """An instant as a sortable UTC key."""
    if not instant:
        return NO_DUE
    return parse_instant(instant).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_item(ticket_id: str, event: LoggedEvent) -> EventItem:
    return EventItem(
        pk=ticket_pk(ticket_id),
        sk=f"EVENT#{event.seq:08d}",
        at=format_instant(event.at) or "",
        type=event.type,
        actor=event.actor,
        data=json.dumps(dict(event.data), separators=(",", ":"), sort_keys=True, default=str),
    )


def event_of(item: EventItem) -> LoggedEvent:
    return LoggedEvent(
        seq=int(item.sk.split("#", 1)[1]),
        at=parse_instant(item.at),
        type=item.type,
        actor=item.actor,
        data=json.loads(item.data),
    )


def utc_key(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def outbox_item(ticket_id: str, position: str, effect_text: str, now: datetime) -> OutboxItem:
    created = utc_key(now)
    return OutboxItem(
        pk=ticket_pk(ticket_id),
        sk=f"OUTBOX#{position}",
        effect=effect_text,
        created_at=created,
        gsi3pk="OUTBOX",
        gsi3sk=f"{created}#{ticket_id}#{position}",
    )


def outbox_entry(item: OutboxItem) -> OutboxEntry:
    ticket_id = item.pk.split("#", 1)[1]
    created = datetime.strptime(item.created_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return OutboxEntry(ticket_id, item.sk.split("#", 1)[1], decode(item.effect), created)


def stream_entries(event: dict[str, Any]) -> list[tuple[str, OutboxEntry]]:
    """The outbox entries a DynamoDB Streams batch brings, with their sequence numbers."""
    out = []
    for record in event.get("Records") or []:
        change = record.get("dynamodb") or {}
        image = change.get("NewImage")
        if record.get("eventName") != "INSERT" or not image:
            continue
        if not image.get("sk", {}).get("S", "").startswith("OUTBOX#"):
            continue
        item = OutboxItem.from_raw_data(image)
        out.append((str(change["SequenceNumber"]), outbox_entry(item)))
    return out


def changed_tickets(event: dict[str, Any]) -> list[tuple[str, str]]:
    """The tickets whose event log grew in a DynamoDB Streams batch, each once, with the
    sequence number of its last record in the batch (in the batch's order)."""
    last: dict[str, str] = {}
    for record in event.get("Records") or []:
        change = record.get("dynamodb") or {}
        keys = change.get("Keys") or {}
        pk = keys.get("pk", {}).get("S", "")
        if not pk.startswith("TICKET#") or not keys.get("sk", {}).get("S", "").startswith("EVENT#"):
            continue
        last.pop(pk[len("TICKET#") :], None)
        last[pk[len("TICKET#") :]] = str(change.get("SequenceNumber", ""))
    return list(last.items())


def transaction_conflict(exc: Exception) -> bool:
    """A transaction cancelled because one of its conditions failed (not a fault)."""
    reasons: Any = getattr(exc, "cancellation_reasons", None) or []
    if any(getattr(r, "code", None) == "ConditionalCheckFailed" for r in reasons if r):
        return True
    return "ConditionalCheckFailed" in str(exc)


class RevisionItem(_Base):
    """A counter that grows with every version added to a versioned set (the contracts, the
    published policy packs): a reader that sees it unchanged may keep what it loaded."""

    revision = NumberAttribute()


MODELS.append(RevisionItem)


def revision_of(key: str) -> int:
    try:
        return int(RevisionItem.get(key, "REVISION", consistent_read=True).revision)
    except RevisionItem.DoesNotExist:
        return 0


def add_version(item: _Base, revision_key: str) -> bool:
    """Store a new version item and count it under `revision_key`, in one transaction; False
    when the item's key is taken (a concurrent writer was first)."""
    counter = RevisionItem(pk=revision_key, sk="REVISION")
    try:
        with TransactWrite(connection=item._get_connection().connection) as tx:
            tx.save(item, condition=type(item).pk.does_not_exist())
            tx.update(counter, actions=[RevisionItem.revision.add(1)])
    except TransactWriteError as exc:
        if transaction_conflict(exc):
            return False
        raise TemporarilyUnavailable(str(exc)) from exc
    return True


__all__ = [
    "MODELS",
    "add_version",
    "bind_models",
    "changed_tickets",
    "open_connections",
    "revision_of",
    "stream_entries",
    "transaction_conflict",
]
