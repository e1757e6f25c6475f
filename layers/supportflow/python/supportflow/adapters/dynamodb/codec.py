"""How a ticket, its events and its outbox entries become items of the ticket table, and back
(the keys: models.py)."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import UTC, datetime

from supportflow.adapters.dynamodb.models import EventItem, OutboxItem, TicketItem
from supportflow.domain.common.timeutil import format_instant, parse_instant
from supportflow.domain.privacy.redaction import ERASED_EVENT, retained_since
from supportflow.domain.ticket.events import LoggedEvent
from supportflow.domain.ticket.routing import Stage
from supportflow.domain.ticket.ticket import Ticket, WaitingStep
from supportflow.services.outbox.effects import decode
from supportflow.services.ports.outbox import OutboxEntry

NO_DUE = "~"  # sorts after every ISO instant: tickets without a deadline come last


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
        gsi2sk=f"{_stage_key(record)}#{record.ticket_id}",
    )


ERASED_KEY = "~erased"  # a closed ticket whose personal data is gone: past every retention cut


def _stage_key(record: Ticket) -> str:
    """Where a ticket sorts in its stage: by its nearest deadline; a closed one by when it
    closed (the retention run reads the oldest first), after every date once erased whole."""
    if record.stage != Stage.CLOSED:
        return sort_key(record.next_due)
    since = retained_since(record.events)
    if since is not None:
        return utc_key(since)
    erased = any(e.type == ERASED_EVENT and e.data.get("whole") for e in record.events)
    return ERASED_KEY if erased else sort_key(record.next_due)


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
