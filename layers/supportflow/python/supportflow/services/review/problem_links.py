"""Links between tickets that an action makes (R004-8): a problem record linking an incident
(`link_incident`), an RCA task's report going onto the incident's problem records (the message
that resolves the task). Each is a `LogOnTicket` effect, written with the action."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from supportflow.domain.review.problems import (
    PROBLEM,
    RCA,
    ProblemError,
    linked_incidents,
    links_of,
)
from supportflow.domain.sla.sla_state import SlaState
from supportflow.domain.ticket.ticket import Acted, Ticket
from supportflow.services.outbox.effects import LogOnTicket
from supportflow.services.ports.outbox import Effect
from supportflow.services.ports.tickets import TicketNotFound, Tickets


@dataclass(frozen=True)
class ProblemLinks:
    """Problem management's part in an action (an action hook, R004-8)."""

    tickets: Tickets

    def before(
        self, ticket: Ticket, action: str, data: Mapping[str, Any], actor: str, now: datetime
    ) -> Sequence[Effect]:
        return action_effects(self.tickets, ticket, action, data, actor, now)

    def after(
        self, ticket: Ticket, acted: Acted, state: SlaState, data: Mapping[str, Any], now: datetime
    ) -> None:
        return None


def action_effects(
    tickets: Tickets,
    ticket: Ticket,
    action: str,
    data: Mapping[str, Any],
    actor: str,
    now: datetime,
) -> list[Effect]:
    """What an agent's action on a problem record or an RCA task tells other tickets: a linked
    incident learns of its problem record; an RCA task's report (the message that resolves it)
    goes onto the problem records of its incident. Checked before the action is logged."""
    kind = ticket.attributes.get("type")
    if action in ("link_incident", "attach_rca_report") and kind != PROBLEM:
        raise ProblemError(f"{ticket.ticket_id} is not a problem record")
    if action == "link_incident" and data.get("ticket"):  # without: the action says it needs one
        incident_id = str(data["ticket"])
        if incident_id in linked_incidents(ticket.events):
            raise ProblemError(f"{incident_id} is linked to {ticket.ticket_id} already")
        checked_incident(tickets, ticket.customer_id, incident_id)
        return [link_to_problem(ticket.ticket_id, incident_id, actor, now)]
    if action == "resolve" and kind == RCA:
        opened = ticket.events[0].data if ticket.events else {}
        about = str(opened.get("about") or "")
        problems = [str(p) for p in opened.get("problems", [])]
        with contextlib.suppress(TicketNotFound):  # its incident's records, linked since
            linked = links_of(tickets.get(about).events)[0]
            problems += [p for p in linked if p not in problems]
        report = {"report": data.get("message"), "rca": ticket.ticket_id, "about": about}
        return [
            LogOnTicket(p, f"rca:{ticket.ticket_id}", "rca_report_attached", actor, report, now)
            for p in problems
        ]
    return []


def checked_incident(tickets: Tickets, customer_id: str, ticket_id: str) -> Ticket:
    try:
        ticket = tickets.get(ticket_id)
    except TicketNotFound:
        raise ProblemError(f"no incident {ticket_id}") from None
    if ticket.customer_id != customer_id:
        raise ProblemError(f"no incident {ticket_id}")  # another customer's: not told apart
    if ticket.attributes.get("type", "incident") != "incident":
        raise ProblemError(f"{ticket_id} is not an incident")
    return ticket


def link_to_problem(problem_id: str, incident_id: str, actor: str, now: datetime) -> LogOnTicket:
    data = {"problem": problem_id}
    return LogOnTicket(incident_id, f"problem:{problem_id}", "linked_to_problem", actor, data, now)
