"""Read models for people: a ticket with its timeline and explained deadlines, and the queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from supportflow.contracts import ContractDirectory
from supportflow.domain.clock import SlaState
from supportflow.domain.events import SYSTEM, LoggedEvent
from supportflow.domain.explain import explain, render_text
from supportflow.domain.ticket import ACTIONS, OPEN_STAGES, Stage, Ticket
from supportflow.domain.timeutil import format_instant, parse_instant
from supportflow.services.deadlines import Deadlines
from supportflow.services.ports import Clock, TicketRepository

# The queue: every open ticket past triage, and resolved ones awaiting confirmation.
QUEUE_STAGES = tuple(s.value for s in (*OPEN_STAGES, Stage.RESOLVED) if s != Stage.TRIAGE)
CUSTOMER_EVENTS = (
    "opened",
    "responded",
    "waiting_on_customer",
    "customer_replied",
    "customer_message",
    "resolved",
    "reopened",
    "closed",
)


@dataclass(frozen=True)
class TicketViews:
    tickets: TicketRepository
    contracts: ContractDirectory
    deadlines: Deadlines
    clock: Clock

    def ticket(self, ticket_id: str, *, for_customer: bool) -> dict[str, Any]:
        ticket = self.tickets.get(ticket_id)
        state = self.deadlines.state(ticket, self.clock())
        customer = self.contracts.get(ticket.customer_id).name
        view = ticket_view(ticket, state, customer, for_customer=for_customer)
        if not for_customer:  # what the desk still has to do for this ticket (mail, timers)
            view["effects_pending"] = len(self.tickets.pending(ticket_id))
        return view

    def queue(self) -> dict[str, Any]:
        now = self.clock()
        rows = [self._row(ticket, now) for ticket in self.tickets.queue(QUEUE_STAGES)]
        rows.sort(key=lambda r: (r["next_due"] is None, r["next_due"] or ""))
        return {"now": format_instant(now), "tickets": rows}

    def _row(self, record: Ticket, now: datetime) -> dict[str, Any]:
        return queue_row(self.deadlines, record, now)


def ticket_view(
    record: Ticket, state: SlaState, customer: str, *, for_customer: bool
) -> dict[str, Any]:
    """A ticket with its timeline and explained deadlines (the customer sees less)."""
    view: dict[str, Any] = {
        "ticket_id": record.ticket_id,
        "customer": customer,
        "subject": record.subject,
        "description": record.description,
        "stage": record.stage,
        "priority": state.priority,
        "policy": f"{record.policy_id} v{record.policy_version}",
        "opened_at": format_instant(record.opened_at),
        "version": record.version,
        "metrics": {name: m.as_dict() for name, m in state.metrics.items()},
        "timeline": [
            _entry(e, for_customer)
            for e in record.events
            if not for_customer or e.type in CUSTOMER_EVENTS
        ],
    }
    if not for_customer:
        explanation = explain(state)
        view.update(
            actions=agent_actions(record.stage),
            channel=record.events[0].data.get("channel") if record.events else None,
            contact_email=record.contact_email,
            attachments=record.attachments,
            assignee=record.assignee,
            failure=record.failure,
            attributes=record.attributes,
            as_of=format_instant(state.now),
            explanation=explanation.as_dict(),
            explanation_text=render_text(explanation),
            timers=record.timers,
        )
    return view


def agent_actions(stage: str) -> list[str]:
    """The actions an agent can take on a ticket at this stage (the page offers only these)."""
    return [
        name for name, action in ACTIONS.items() if "agent" in action.by and stage in action.allowed
    ]


def _entry(event: LoggedEvent, for_customer: bool) -> dict[str, Any]:
    actor = event.actor
    entry = {
        "seq": event.seq,
        "at": format_instant(event.at),
        "type": event.type,
        "actor": "customer" if for_customer and actor != SYSTEM else actor,
        "message": event.data.get("message"),
        "priority": event.data.get("priority"),
        "reason": event.data.get("reason"),
    }
    if not for_customer:
        entry["internal"] = event.type not in CUSTOMER_EVENTS
        if event.data.get("attachments"):
            entry["attachments"] = list(event.data["attachments"])
        if event.data.get("channel"):
            entry["channel"] = event.data["channel"]
    return entry


def queue_row(deadlines: Deadlines, record: Ticket, now: datetime) -> dict[str, Any]:
    """One queue line: the nearest running deadline and the business time left until it."""
    sla = record.sla
    running = [
        (name, sla[name])
        for name in ("response", "resolution")
        if isinstance(sla.get(name), dict)
        and sla[name].get("due")
        and sla[name].get("state") in ("running", "breached")
        and not sla[name].get("met_at")
    ]
    nearest = min(running, key=lambda pair: pair[1]["due"], default=None)
    left = None
    if nearest is not None:
        calendar = deadlines.policy(record).metric_calendar(nearest[0], sla.get("priority"))
        due = parse_instant(nearest[1]["due"])
        left = calendar.between(now, due) if due > now else -calendar.between(due, now)
    return {
        "ticket_id": record.ticket_id,
        "customer_id": record.customer_id,
        "subject": record.subject,
        "stage": record.stage,
        "priority": sla.get("priority"),
        "assignee": record.assignee,
        "next_due": record.next_due,
        "metric": nearest[0] if nearest else None,
        "breached": bool(nearest and nearest[1].get("breached")),
        "business_seconds_left": None if left is None else int(left.total_seconds()),
        "version": record.version,
    }
