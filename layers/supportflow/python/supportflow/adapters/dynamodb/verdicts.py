"""The SLA review's verdicts in the ticket table, kept per customer and month of the deadline.

| item | pk | sk |
|---|---|---|
| verdict | REVIEW#<customer>#<YYYY-MM> | <ticket id>#<metric> |
| outage | REVIEW#<customer>#<YYYY-MM> | <ticket id>#outage (in each month it overlaps) |
| problem record | REVIEW#<customer>#<YYYY-MM> | <ticket id>#problem (in each month it is open) |
| intake | REVIEW#<customer>#<YYYY-MM> | <ticket id>#intake (in the month it was opened) |
| where a ticket's verdicts are | TICKET#<id> | REVIEW |

A customer's month is one Query on one partition: it grows with that customer's tickets in the
month, not with the table. A ticket's verdicts are replaced in one transaction with the item
that lists them and the event `seq` they were computed from; the write is conditional on that
item being as it was read, so two writers cannot interleave, and verdicts from an older log
never replace newer ones.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from supportflow.adapters.dynamodb.codec import ticket_pk
from supportflow.adapters.dynamodb.models import MODELS, _Base
from supportflow.adapters.dynamodb.transactions import transaction_conflict
from supportflow.domain.review.availability import Outage
from supportflow.domain.review.verdicts import Verdict
from supportflow.domain.review.volume import Intake
from supportflow.services.ports.stores import VerdictRow
from supportflow.services.ports.tickets import TemporarilyUnavailable

ATTEMPTS = 5


class VerdictItem(_Base):
    body = UnicodeAttribute()  # the verdict as JSON


class VerdictIndexItem(_Base):
    seq = NumberAttribute()
    rows = UnicodeAttribute()  # JSON [[pk, sk], ...]


MODELS.extend([VerdictItem, VerdictIndexItem])


def month_pk(customer_id: str, month: str) -> str:
    return f"REVIEW#{customer_id}#{month}"


class DynamoVerdicts:
    """`VerdictStore` on DynamoDB."""

    def record(self, ticket_id: str, seq: int, rows: Sequence[VerdictRow]) -> bool:
        keys = [(month_pk(r.customer_id, r.month), f"{ticket_id}#{r.key}") for r in rows]
        for _ in range(ATTEMPTS):
            index = self._index(ticket_id)
            if index is not None and int(index.seq) > seq:
                return False
            stale = [] if index is None else [tuple(k) for k in json.loads(index.rows)]
            new_index = VerdictIndexItem(
                pk=ticket_pk(ticket_id), sk="REVIEW", seq=seq, rows=json.dumps(keys)
            )
            condition = (
                VerdictIndexItem.pk.does_not_exist()
                if index is None
                else (VerdictIndexItem.seq == index.seq) & (VerdictIndexItem.rows == index.rows)
            )
            try:
                with TransactWrite(connection=new_index._get_connection().connection) as tx:
                    tx.save(new_index, condition=condition)
                    for (pk, sk), row in zip(keys, rows, strict=True):
                        tx.save(VerdictItem(pk=pk, sk=sk, body=_encode(row)))
                    for pk, sk in stale:
                        if (pk, sk) not in keys:
                            tx.delete(VerdictItem(pk=pk, sk=sk))
            except TransactWriteError as exc:
                if transaction_conflict(exc):
                    continue  # another writer came first: read again
                raise TemporarilyUnavailable(str(exc)) from exc
            return True
        raise TemporarilyUnavailable(f"ticket {ticket_id}: its verdicts kept changing")

    def _index(self, ticket_id: str) -> VerdictIndexItem | None:
        try:
            return VerdictIndexItem.get(ticket_pk(ticket_id), "REVIEW", consistent_read=True)
        except VerdictIndexItem.DoesNotExist:
            return None

    def month(self, customer_id: str, month: str) -> list[VerdictRow]:
        items = VerdictItem.query(month_pk(customer_id, month), consistent_read=False)
        return [_decode(customer_id, month, item.body) for item in items]


def _encode(row: VerdictRow) -> str:
    if row.verdict is not None:
        data: dict[str, Any] = {"verdict": row.verdict.as_dict()}
    elif row.outage is not None:
        data = {"outage": row.outage.as_dict()}
    elif row.intake is not None:
        data = {"intake": row.intake.as_dict()}
    else:
        data = {"problem": dict(row.problem or {})}
    return json.dumps(data, separators=(",", ":"))


def _decode(customer_id: str, month: str, body: str) -> VerdictRow:
    data = json.loads(body)
    if data.get("verdict") is not None:
        return VerdictRow(customer_id, month, verdict=Verdict.from_dict(data["verdict"]))
    if data.get("problem") is not None:
        return VerdictRow(customer_id, month, problem=data["problem"])
    if data.get("intake") is not None:
        return VerdictRow(customer_id, month, intake=Intake.from_dict(data["intake"]))
    return VerdictRow(customer_id, month, outage=Outage.from_dict(data["outage"]))
