"""Who did what (AVG/GDPR accountability; seed 000: it must always be shown who wrote which
message when): every event an agent caused is indexed by agent as the table's stream delivers
it (`KeepAgentActions`, beside the search index in the review's read), and an admin lists one
agent's actions over a period (`AgentActions`). The identity is the signed-in agent's (the ID
token's claim, never a name the caller gives). The customers' people are not indexed: they are
not the desk's staff, and an erasure must find nothing of them here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from supportflow.contracts.contract import people_of
from supportflow.contracts.directory import ContractDirectory
from supportflow.domain.common.timeutil import format_instant
from supportflow.domain.privacy.redaction import customer_side, fold, is_pseudonym
from supportflow.domain.ticket.events import SYSTEM
from supportflow.domain.ticket.ticket import Ticket
from supportflow.services.ports.audit import ActionsIndex, AgentAction

MAX_DAYS = 366
PAGE = 100


class AuditError(ValueError):
    """A period that cannot be listed (API 422)."""


def agent_actions(ticket: Ticket, contacts: set[str]) -> list[AgentAction]:
    """The events of the ticket an agent caused (not the desk itself, not the customer's
    people: its contact, the contract's contacts, whoever a mail came from)."""
    customers = customer_side(ticket, contacts)
    return [
        AgentAction(e.actor, e.at, ticket.ticket_id, ticket.customer_id, e.seq, e.type)
        for e in ticket.events
        if e.actor not in (SYSTEM, "customer")
        and fold(e.actor) not in customers
        and not is_pseudonym(e.actor)
    ]


@dataclass(frozen=True)
class KeepAgentActions:
    index: ActionsIndex
    contracts: Callable[[], ContractDirectory]

    def keep(self, ticket: Ticket) -> int:
        contract = self.contracts().find(ticket.customer_id)
        contacts = people_of(contract) if contract else set()
        actions = agent_actions(ticket, contacts)
        if not actions:
            return 0  # nothing to index: no read of what was indexed either
        return self.index.keep(ticket.ticket_id, actions, ticket.events[-1].seq)


@dataclass(frozen=True)
class AgentActions:
    index: ActionsIndex

    def list(
        self,
        agent: str,
        since: datetime,
        until: datetime,
        after: str | None = None,
        limit: int = PAGE,
    ) -> dict[str, Any]:
        if until <= since:
            raise AuditError("the period must end after it starts")
        if until - since > timedelta(days=MAX_DAYS):
            raise AuditError(f"at most {MAX_DAYS} days at a time")
        page = list(islice(self.index.of(agent, since, until, after), limit + 1))
        rows = [
            {
                "at": format_instant(a.at),
                "ticket_id": a.ticket_id,
                "customer_id": a.customer_id,
                "seq": a.seq,
                "type": a.type,
            }
            for _, a in page[:limit]
        ]
        following = page[limit - 1][0] if len(page) > limit else None
        return {"agent": agent, "since": format_instant(since), "until": format_instant(until),
                "actions": rows, "next": following}  # fmt: skip
