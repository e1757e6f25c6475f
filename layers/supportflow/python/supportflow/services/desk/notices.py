"""Notices to agents (issue 20): the desk tells the people a change concerns, by mail through
the same outbox, in the desk's language (the pack's), never the customer's.

- a new ticket, once triaged: the agents of its line (first or second line), each;
- an agent assigned a ticket, or handed it in second line by name: that agent;
- a ticket taken over: the colleague who held it;
- the customer wrote on a ticket: its holder, or the agents of its line when nobody holds it;
- an outage from monitoring, a standby call: the contract's on-call address the moment the
  ticket opens, outside office hours too (R003-1, R003-4; the pack's `escalation.on_call`).

None for an agent's own action, none to a disabled account; each once (the mail's key is the
event it tells of, and the agent). Each agent may turn any kind but the on-call ones off
(`NOTICE_KINDS`; the on-call address is the contract's, not a person's choice).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
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
    from supportflow.services.ports.agents import AgentDirectory, NoticePreferences
    from supportflow.services.ports.outbox import Effect
    from supportflow.services.sla.deadlines import Deadlines

SYSTEM_NAME = "the desk"  # who tells the on-call address (no agent acted)
# What a customer's message becomes on the ticket (routing.customer_message_action).
CUSTOMER_WROTE = ("customer_message", "customer_reply", "reopen")
# What an agent may turn off, in words (the page's checkboxes).
NOTICE_KINDS = {
    "new_ticket": "a new ticket in my line",
    "customer": "the customer wrote on a ticket I hold (or, held by nobody, in my line)",
    "assigned": "a ticket assigned to me",
    "handed": "a ticket handed to me in second line",
    "taken_over": "a colleague took over a ticket I held",
}
GROUP_KINDS = ("new_ticket", "customer")  # may go to a whole line: one mail per agent
LINE_CACHE_SECONDS = 60.0  # who is in a line, read from the pool at most once a minute


class NoticeError(ValueError):
    """A notice setting the desk does not have (API 422)."""


@dataclass
class Recipients:
    """Who hears a notice: the agents of a line (the pool's group, enabled accounts), less
    those who turned that kind off. The pool and the settings are reached only when a notice
    would go out."""

    agents: Callable[[], AgentDirectory]
    preferences: Callable[[], NoticePreferences]
    _lines: dict[str, tuple[float, list[str]]] = field(default_factory=dict)

    def line(self, group: str) -> list[str]:
        cached = self._lines.get(group)
        if cached is not None and time.monotonic() - cached[0] < LINE_CACHE_SECONDS:
            return cached[1]
        members = sorted(a.email.lower() for a in self.agents().in_role(group) if a.enabled)
        self._lines[group] = (time.monotonic(), members)
        return members

    def wanting(self, kind: str, candidates: Sequence[str]) -> list[str]:
        if not candidates:
            return []
        off = self.preferences().turned_off()
        return [c for c in candidates if kind not in off.get(c.lower(), frozenset())]

    def settings(self, email: str) -> dict[str, Any]:
        off = self.preferences().turned_off().get(email.lower(), frozenset())
        return {
            "kinds": [{"kind": k, "text": t, "on": k not in off} for k, t in NOTICE_KINDS.items()],
            "off": sorted(off),
        }

    def set_off(self, email: str, kinds: Sequence[str]) -> dict[str, Any]:
        unknown = sorted(set(kinds) - set(NOTICE_KINDS))
        if unknown:
            raise NoticeError(
                f"no notice kind {', '.join(map(repr, unknown))} "
                f"(the kinds: {', '.join(NOTICE_KINDS)})"
            )
        self.preferences().set_off(email, frozenset(kinds))
        return self.settings(email)


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
    per_agent: bool = False,
    language: str | None = None,
) -> SendMail:
    key = f"notice.{kind}.{seq}"
    if per_agent:  # one event told to a whole line: a key per agent
        key += "." + hashlib.sha256(to.lower().encode()).hexdigest()[:12]
    zone = policy.calendar().zone
    mail = compose.agent_notice(
        language=language or policy.language,
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
    """The action hook that tells the agents an action concerns (see the module), and the
    notice of a new ticket to its line (`new_ticket`, from triage)."""

    contracts: ContractDirectory
    deadlines: Deadlines
    links: Links
    recipients: Recipients | None = None  # None: nobody's line is known (no pool)
    language: str | None = None  # the desk's language for its own people (None: the pack's)

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
        elif action in CUSTOMER_WROTE and data.get("message"):
            message = str(data["message"])[:2000]
            if holder:
                told.append(("customer", holder, message))
            elif self.recipients is not None:
                told += [("customer", a, message) for a in self.recipients.line(ticket.group)]
        told = [t for t in told if t[1].lower() != actor.lower()]  # never one's own action
        if told and self.recipients is not None:
            kinds = {kind for kind, _, _ in told}
            wanted = {(k, a.lower()) for k in kinds for a in self._wanting(k, told)}
            told = [t for t in told if (t[0], t[1].lower()) in wanted]
        if not told:
            return ()
        to_line = len(told) > 1 or (not holder and told[0][0] in GROUP_KINDS)
        at, seq = max(now, ticket.last_at), ticket.last_seq + 1  # the event this action appends
        return self._mails(ticket, told, actor, at, seq, to_line)

    def _wanting(self, kind: str, told: list[tuple[str, str, str | None]]) -> list[str]:
        assert self.recipients is not None
        return self.recipients.wanting(kind, [to for k, to, _ in told if k == kind])

    def new_ticket(self, ticket: Ticket, now: datetime) -> Sequence[Effect]:
        """A ticket just triaged into its line: each agent of the line who wants to hear."""
        if self.recipients is None:
            return ()
        line = self.recipients.wanting("new_ticket", self.recipients.line(ticket.group))
        summary = (ticket.description or "")[:500]
        told = [("new_ticket", agent, summary or None) for agent in line]
        return self._mails(ticket, told, SYSTEM_NAME, ticket.opened_at, ticket.last_seq, True)

    def _mails(
        self,
        ticket: Ticket,
        told: Sequence[tuple[str, str, str | None]],
        who: str,
        at: datetime,
        seq: int,
        per_agent: bool,
    ) -> list[Effect]:
        if not told:
            return []
        contract = self.contracts.get(ticket.customer_id)
        policy = self.deadlines.policy(ticket)
        return [
            notice(
                ticket=ticket,
                contract=contract,
                policy=policy,
                links=self.links,
                kind=kind,
                to=to,
                who=who,
                at=at,
                seq=seq,
                message=message,
                per_agent=per_agent,
                language=self.language,
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
