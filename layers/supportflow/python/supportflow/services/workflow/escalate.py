"""The escalation step: e-mail the role the policy's ladder names for a metric's rung (once per
ticket, metric and rung), log it on the ticket, plan the next rung, and go back to the step the
ticket was at."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from supportflow.contracts.directory import ContractDirectory
from supportflow.domain.policy.ladder import parse_ladder_at
from supportflow.domain.sla.sla_state import MetricState, SlaState
from supportflow.domain.ticket.events import SYSTEM
from supportflow.domain.ticket.ticket import Ticket
from supportflow.services.mail import compose as mail
from supportflow.services.mail.tokens import Links
from supportflow.services.outbox.effects import SendMail
from supportflow.services.ports.outbox import Effect
from supportflow.services.ports.tickets import Clock, Tickets, retrying
from supportflow.services.sla.deadlines import Deadlines

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Escalated:
    ticket_id: str
    next: str
    sent: bool
    to: str | None = None
    effects: tuple[Effect, ...] = ()


@dataclass(frozen=True)
class Escalate:
    contracts: ContractDirectory
    deadlines: Deadlines
    links: Links
    tickets: Tickets
    clock: Clock
    language: str | None = None  # the desk's language for its own people (None: the pack's)

    def __call__(self, ticket_id: str, metric: str, rung: int) -> Escalated:
        return retrying(lambda: self._attempt(ticket_id, metric, rung))

    def _attempt(self, ticket_id: str, metric: str, rung: int) -> Escalated:
        ticket = self.tickets.get(ticket_id)
        now = self.clock()
        role = self.deadlines.policy(ticket).escalation.ladder[rung].notify
        contract = self.contracts.get(ticket.customer_id)
        recipient = contract.escalation.get(role, contract.desk_address)
        state = self.deadlines.state(ticket, now)
        owed_due = ticket.owed.get((metric, rung))  # before escalate() settles it
        if ticket.escalate(metric, rung, role=role, to=recipient, at=now) is None:
            return Escalated(ticket_id, ticket.stage, sent=False)
        effects: list[Effect] = []
        letter = self._letter(ticket, state, metric, rung, recipient, owed_due)
        if letter is not None:
            effects.append(letter)
        _, timer_effects = self.deadlines.refresh(ticket, now)
        effects += timer_effects
        ticket = self.tickets.save(ticket, effects)
        return Escalated(ticket_id, ticket.stage, True, recipient, tuple(effects))

    def _letter(
        self,
        ticket: Ticket,
        state: SlaState,
        metric: str,
        rung: int,
        recipient: str,
        owed_due: datetime | None = None,
    ) -> SendMail | None:
        # a rung reached before a priority change moved the deadline: the deadline it passed
        shown = state.metrics[metric]
        point = next((p for p in shown.escalations if p.rung == rung), None)
        due = owed_due.astimezone(shown.calendar.zone) if owed_due else shown.due
        if due is None and point is not None:  # paused since: the deadline as it stood then
            due = point.due if point.status == "reached" else None
        if due is None:
            log.warning(
                "escalated without a deadline to name", extra={"ticket_id": ticket.ticket_id}
            )
            return None
        contract = self.contracts.get(ticket.customer_id)
        policy = self.deadlines.policy(ticket)
        language = self.language or policy.language  # an internal mail: the desk's language
        priority = mail.priority_name(policy, state.priority, language)
        share, _ = parse_ladder_at(policy.escalation.ladder[rung].at)
        message = mail.escalation(
            language=language,
            sender=contract.desk_address,
            recipient=recipient,
            ticket_id=ticket.ticket_id,
            customer=contract.name,
            subject=ticket.subject,
            priority=priority,
            metric=metric,
            rung=rung,
            due=due,
            now=state.now,
            link=self.links.agent(ticket.ticket_id),
            share=share,
            situation=situation(ticket, shown),
        )
        key = f"mail:escalation:{metric}.{rung}"
        return SendMail(ticket.ticket_id, key, message.as_bytes(), recipient)


def situation(ticket: Ticket, metric: MetricState) -> mail.Situation:
    """Where the ticket stands, for the manager's mail: the last thing a person (an agent or
    the customer, not the desk's own steps) did, and the deadline's basis."""
    last = next(
        ((e.type, e.actor, e.at) for e in reversed(ticket.events) if e.actor != SYSTEM), None
    )
    first = ticket.events[0].data if ticket.events else {}
    contact = ticket.contact_email
    if first.get("caller"):  # a call typed up: who called, on which number
        contact = f"{first['caller']} ({first.get('phone') or '-'}), {contact}"
    zone = metric.calendar.zone
    return mail.Situation(
        owner=ticket.assignee,
        group=ticket.group,
        stage=str(ticket.stage),
        last=(last[0], last[1], last[2].astimezone(zone)) if last else None,
        contact=contact,
        target=metric.target_text,
        calendar=metric.calendar.describe(),
        start=metric.started_at.astimezone(zone) if metric.started_at else None,
    )
