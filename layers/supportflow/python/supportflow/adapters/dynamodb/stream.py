"""What a DynamoDB Streams batch of the ticket table brings: new outbox entries for the
dispatcher, and the tickets whose event log grew for the review."""

from __future__ import annotations

from typing import Any

from supportflow.adapters.dynamodb.codec import outbox_entry
from supportflow.adapters.dynamodb.models import OutboxItem
from supportflow.services.ports.outbox import OutboxEntry


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
