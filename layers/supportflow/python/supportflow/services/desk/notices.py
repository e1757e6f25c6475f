"""Notices to agents (issue 20): the desk tells the people a change concerns, by mail through
the same outbox, in the desk's language (the pack's), never the customer's.

- an agent assigned a ticket, or handed it in second line by name: that agent;
- a ticket taken over: the colleague who held it;
- the customer wrote on a ticket someone holds: its holder;
- an outage from monitoring, a standby call: the contract's on-call address the moment the
  ticket opens, outside office hours too (R003-1, R003-4; the pack's `escalation.on_call`).

None for an agent's own action; each once (the mail's key is the event it tells of).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from supportflow.services.mail import compose
from supportflow.services.outbox.effects import SendMail

if TYPE_CHECKING:
    from supportflow.contracts.contract import Contract
    from supportflow.contracts.directory import ContractDirectory
    from supportflow.domain.policy.policy import Policy
    from supportflow.domain.ticket.ticket import Acted, Ticket
    from supportflow.services.mail.tokens import Links
    from supportflow.services.ports.outbox import Effect
    from supportflow.services.sla.deadlines import Deadlines

SYSTEM_NAME = "the desk"  # who tells the on-call address (no agent acted)
# What a customer's message becomes on the ticket (routing.customer_message_action).
CUSTOMER_WROTE = ("customer_message", "customer_reply", "reopen")


def notice(
    *,
    ticket: Ticket,
    contract: Contract,
    policy: Policy,
    links: Links,
    kind: str,
    to: str,
    who: str,
    at: datetime,
    seq: int,
    message: str | None = None,
) -> SendMail:
    key = f"notice.{kind}.{seq}"
    zone = policy.calendar().zone
    mail = compose.agent_notice(
        language=policy.language,
        sender=contract.desk_address,
        recipient=to,
        kind=kind,
        key=key,
        ticket_id=ticket.ticket_id,
        customer=contract.name,
        subject=ticket.subject,
        who=who,
        at=at.astimezone(zone),
        link=links.agent(ticket.ticket_id),
        message=message,
    )
    return SendMail(ticket.ticket_id, f"mail:{key}", mail.as_bytes(), to)


@dataclass(frozen=True)
class AgentNotices:
    """The action hook that tells the agents an action concerns (see the module)."""

    contracts: ContractDirectory
    deadlines: Deadlines
    links: Links

    def before(
        self, ticket: Ticket, action: str, data: Mapping[str, Any], actor: str, now: datetime
    ) -> Sequence[Effect]:
        holder = ticket.assignee
        told: list[tuple[str, str, str | None]] = []  # (kind, to, message)
        if action == "take_over" and holder:
            told.append(("taken_over", holder, None))
        elif action == "assign" and data.get("agent"):
            told.append(("assigned", str(data["agent"]), None))
        elif action == "hand_to_second_line" and data.get("agent"):
            told.append(("handed", str(data["agent"]), None))
        elif action in CUSTOMER_WROTE and holder and data.get("message"):
            told.append(("customer", holder, str(data["message"])[:2000]))
        told = [t for t in told if t[1].lower() != actor.lower()]  # never one's own action
        if not told:
            return ()
        contract = self.contracts.get(ticket.customer_id)
        policy = self.deadlines.policy(ticket)
        at = max(now, ticket.last_at)
        seq = ticket.last_seq + 1  # the event this action appends
        return [
            notice(
                ticket=ticket,
                contract=contract,
                policy=policy,
                links=self.links,
                kind=kind,
                to=to,
                who=actor,
                at=at,
                seq=seq,
                message=message,
            )
            for kind, to, message in told
        ]

    def after(
        self, ticket: Ticket, acted: Acted, state: Any, data: Mapping[str, Any], now: datetime
    ) -> None:
        return None


def on_call_notice(
    ticket: Ticket, contract: Contract, policy: Policy, priority: str | None, links: Links
) -> tuple[SendMail, ...]:
    """The on-call address told at once of an outage or a standby call (R003-1, R003-4)."""
    on_call = policy.escalation.on_call
    if on_call is None:
        return ()
    channel = ticket.events[0].data.get("channel") if ticket.events else None
    if channel in on_call.channels:
        kind = "outage"
    elif priority in on_call.priorities:
        kind = "standby"
    else:
        return ()
    address = contract.escalation.get(on_call.role)
    if not address:
        return ()
    return (
        notice(
            ticket=ticket,
            contract=contract,
            policy=policy,
            links=links,
            kind=kind,
            to=address,
            who=SYSTEM_NAME,
            at=ticket.opened_at,
            seq=1,
        ),
    )
