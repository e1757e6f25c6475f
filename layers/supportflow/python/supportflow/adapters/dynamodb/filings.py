"""Held filings and the per-customer mail quota, in the ticket table.

| item | pk | sk |
|---|---|---|
| held filing | FILINGS | <received UTC>#<id> |
| mail quota | QUOTA#<customer> | <hour UTC> |

Both expire by the table's TTL (held filings after 30 days, quota counters after two hours).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DeleteError, UpdateError

from supportflow.adapters.dynamodb.codec import utc_key
from supportflow.adapters.dynamodb.models import MODELS, _Base
from supportflow.services.ports.stores import HeldFiling
from supportflow.services.ports.tickets import TemporarilyUnavailable

KEEP_HELD = timedelta(days=30)


class FilingItem(_Base):
    form = UnicodeAttribute()
    idempotency_key = UnicodeAttribute(null=True)
    ttl = NumberAttribute(null=True)


class QuotaItem(_Base):
    used = NumberAttribute(null=True)
    ttl = NumberAttribute(null=True)


MODELS.extend([FilingItem, QuotaItem])


def _filing(item: FilingItem) -> HeldFiling:
    received, filing_id = item.sk.split("#", 1)
    at = datetime.strptime(received, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return HeldFiling(filing_id, at, json.loads(item.form), item.idempotency_key)


class DynamoFilings:
    def hold(self, filing: HeldFiling) -> None:
        """Keep a filing (the same filing held again, e.g. a mail delivered twice, stays one)."""
        if any(i.sk.endswith(f"#{filing.filing_id}") for i in FilingItem.query("FILINGS")):
            return
        FilingItem(
            pk="FILINGS",
            sk=f"{utc_key(filing.received_at)}#{filing.filing_id}",
            form=json.dumps(dict(filing.form), sort_keys=True),
            idempotency_key=filing.idempotency_key,
            ttl=int((filing.received_at + KEEP_HELD).timestamp()),
        ).save()

    def held(self, limit: int = 100) -> list[HeldFiling]:
        return [_filing(item) for item in FilingItem.query("FILINGS", limit=limit)]

    def take(self, filing_id: str) -> HeldFiling | None:
        for item in FilingItem.query("FILINGS", limit=1000):  # few: agents clear them
            if item.sk.endswith(f"#{filing_id}"):
                try:
                    item.delete(condition=FilingItem.pk.exists())
                except DeleteError as exc:
                    if exc.cause_response_code == "ConditionalCheckFailedException":
                        return None
                    raise TemporarilyUnavailable(str(exc)) from exc
                return _filing(item)
        return None


class DynamoMailQuota:
    def take(self, customer_id: str, hour: datetime, limit: int) -> bool:
        start = hour.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        item = QuotaItem(pk=f"QUOTA#{customer_id}", sk=utc_key(start))
        room = QuotaItem.used.does_not_exist() | (QuotaItem.used < limit)
        try:
            item.update(
                actions=[
                    QuotaItem.used.add(1),
                    QuotaItem.ttl.set(int((start + timedelta(hours=2)).timestamp())),
                ],
                condition=room,
            )
        except UpdateError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise TemporarilyUnavailable(str(exc)) from exc
        return True
