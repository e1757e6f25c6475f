"""Who did what, in the ticket table: an item per agent action, kept from the stream.

| item | pk | sk |
|---|---|---|
| an agent's action | ACTIONS#<agent> | <at, UTC>#<ticket id>#<seq, 8 digits> |
| how far a ticket's log is indexed | TICKET#<id> | ACTIONS |

An action's attributes: ticket, customer, type, at. One agent's period is one Query on their
partition, between two instants, oldest first.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist

from supportflow.adapters.dynamodb.codec import ticket_pk, utc_key
from supportflow.adapters.dynamodb.models import MODELS, _Base
from supportflow.domain.common.timeutil import parse_instant
from supportflow.services.ports.audit import AgentAction


class ActionItem(_Base):
    ticket_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    seq = NumberAttribute()
    type = UnicodeAttribute()
    at = UnicodeAttribute()


class ActionsKeptItem(_Base):
    seq = NumberAttribute()


MODELS.extend([ActionItem, ActionsKeptItem])


def _pk(agent: str) -> str:
    return f"ACTIONS#{agent.strip().casefold()}"


def _sk(action: AgentAction) -> str:
    return f"{utc_key(action.at)}#{action.ticket_id}#{action.seq:08d}"


class DynamoActionsIndex:
    """`ActionsIndex` on DynamoDB."""

    def keep(self, ticket_id: str, actions: Sequence[AgentAction], seq: int) -> int:
        try:
            kept = int(
                ActionsKeptItem.get(ticket_pk(ticket_id), "ACTIONS", consistent_read=True).seq
            )
        except DoesNotExist:
            kept = 0
        new = [a for a in actions if a.seq > kept]
        if seq <= kept or not new:
            return 0  # the mark moves only with an action (most changes are no agent's)
        with ActionItem.batch_write() as batch:
            for action in new:
                batch.save(
                    ActionItem(
                        pk=_pk(action.agent), sk=_sk(action), ticket_id=action.ticket_id,
                        customer_id=action.customer_id, seq=action.seq, type=action.type,
                        at=utc_key(action.at),
                    )
                )  # fmt: skip
        ActionsKeptItem(pk=ticket_pk(ticket_id), sk="ACTIONS", seq=seq).save()
        return len(new)

    def of(
        self, agent: str, since: datetime, until: datetime, after: str | None = None
    ) -> Iterator[tuple[str, AgentAction]]:
        low = after if after and after > utc_key(since) else utc_key(since)
        condition = ActionItem.sk.between(low, utc_key(until))
        for item in ActionItem.query(_pk(agent), condition, page_size=200):
            if item.sk == after or item.sk >= utc_key(until):
                continue
            at = parse_instant(item.at.replace("Z", "+00:00"))
            yield (
                item.sk,
                AgentAction(agent, at, item.ticket_id, item.customer_id, int(item.seq), item.type),
            )
