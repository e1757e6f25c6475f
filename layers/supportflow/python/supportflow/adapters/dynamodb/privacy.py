"""The record of every erasure, in the ticket table (never the erased data).

| item | pk | sk |
|---|---|---|
| erasure | PRIVACY#ERASURES | <at, UTC>#<erasure id> |
"""

from __future__ import annotations

import json

from pynamodb.attributes import UnicodeAttribute

from supportflow.adapters.dynamodb.codec import utc_key
from supportflow.adapters.dynamodb.models import MODELS, _Base
from supportflow.domain.common.timeutil import parse_instant
from supportflow.services.ports.privacy import ErasureRecord

PK = "PRIVACY#ERASURES"


class ErasureItem(_Base):
    record = UnicodeAttribute()  # ErasureRecord as JSON


MODELS.append(ErasureItem)


def record_of(text: str) -> ErasureRecord:
    data = json.loads(text)
    data["at"] = parse_instant(data["at"])
    data["tickets"], data["held"] = tuple(data["tickets"]), tuple(data["held"])
    return ErasureRecord(**data)


class DynamoErasureLog:
    """`ErasureLog` on DynamoDB."""

    def record(self, erasure: ErasureRecord) -> None:
        text = json.dumps(erasure.as_dict(), sort_keys=True, ensure_ascii=False)
        ErasureItem(pk=PK, sk=f"{utc_key(erasure.at)}#{erasure.erasure_id}", record=text).save()

    def recent(self, limit: int = 100) -> list[ErasureRecord]:
        items = ErasureItem.query(PK, scan_index_forward=False, limit=limit, page_size=limit)
        return [record_of(i.record) for i in items]
