"""Keeping each ticket's verdicts (R004-5, R004-10): after any change to a ticket (the table's
stream says which), its verdicts are recomputed from its whole event log under the policy
version it was opened under, and stored per customer and month of the deadline. The stream
record only says *which* ticket: the verdicts always come from the log as it stands, so a
record delivered twice, late or out of order does no harm, and verdicts from an older log
never overwrite newer ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from supportflow.domain.billing.charge_rules import standby_priority
from supportflow.domain.common.periods import Month
from supportflow.domain.policy.policy import Policy
from supportflow.domain.policy.priority_rules import TicketAttributes
from supportflow.domain.review.availability import outage_months, ticket_outage
from supportflow.domain.review.problems import PROBLEM, problem_summary
from supportflow.domain.review.verdicts import (
    EXCLUDED_EVENT,
    verdicts_of,
)
from supportflow.domain.review.volume import intake_of
from supportflow.domain.sla.clock import compute_sla
from supportflow.domain.sla.sla_state import TicketEvent
from supportflow.domain.ticket.ticket import Ticket
from supportflow.policies.registry import PolicyRegistry
from supportflow.services.ports.stores import VerdictRow, VerdictStore
from supportflow.services.ports.tickets import Clock, TicketNotFound, Tickets

AUDITED = (EXCLUDED_EVENT, "exclusion_withdrawn")  # who decided goes with the verdict
OPEN_AHEAD = 12  # months an open problem record is listed ahead of its last change


def review_events(ticket: Ticket) -> list[TicketEvent]:
    """The ticket's clock events, an exclusion with the agent who decided it (the audit trail)."""
    return [
        TicketEvent(e.at, e.type, None, {**e.data, "actor": e.actor})
        if e.type in AUDITED
        else e.as_clock_event()
        for e in ticket.events
    ]


def ticket_verdicts(ticket: Ticket, policy: Policy, now: datetime) -> list[VerdictRow]:
    state = compute_sla(
        policy,
        TicketAttributes(**ticket.attributes),
        review_events(ticket),
        max(now, ticket.last_at),
    )
    zone = policy.calendar().zone
    rows = []
    for verdict in verdicts_of(ticket.ticket_id, state, ticket.customer_id):
        month = verdict.month(zone)
        if month is not None:
            rows.append(VerdictRow(ticket.customer_id, str(month), verdict=verdict))
    if ticket.attributes.get("type") == PROBLEM:
        rows += _problem_rows(ticket, state.now, zone)
    outage = ticket_outage(ticket.ticket_id, state)
    if outage is not None:
        for month in outage_months(outage, state.now, zone):
            rows.append(VerdictRow(ticket.customer_id, str(month), outage=outage))
    intake = intake_of(
        ticket.ticket_id,
        ticket.opened_at,
        state.ticket.channel or ticket.events[0].data.get("channel"),
        state.priority,
        state.ticket.type,
        outage=outage is not None and outage.excluded is None,
        standby_priority=standby_priority(policy),
        charges=[e.data for e in ticket.events if e.type == "charged"],
    )  # the month's volume (R004-12): kept in the month the ticket was opened
    rows.append(VerdictRow(ticket.customer_id, str(intake.month(zone)), intake=intake))
    return rows


def _problem_rows(ticket: Ticket, now: datetime, zone: tzinfo) -> list[VerdictRow]:
    """A problem record (R004-8) in each month it is open: an open one in the months ahead too
    (its rows are replaced when it closes)."""
    summary = problem_summary(ticket.ticket_id, ticket.subject, ticket.stage, ticket.events)
    closed = next((e.at for e in reversed(ticket.events) if e.type == "closed"), None)
    month, last = Month.of(ticket.opened_at, zone), Month.of(closed or now, zone)
    for _ in range(0 if closed else OPEN_AHEAD):
        last = last.next()
    rows = []
    while month <= last:
        rows.append(VerdictRow(ticket.customer_id, str(month), problem=summary))
        month = month.next()
    return rows


@dataclass(frozen=True)
class KeepVerdicts:
    policies: PolicyRegistry
    tickets: Tickets
    store: VerdictStore
    clock: Clock

    def __call__(self, ticket_id: str) -> bool:
        """Recompute and store one ticket's verdicts; False if there was nothing to do (no such
        ticket, or newer verdicts were stored meanwhile)."""
        try:
            ticket = self.tickets.get(ticket_id)
        except TicketNotFound:
            return False
        return self.keep(ticket)[0]

    def keep(self, ticket: Ticket) -> tuple[bool, list[VerdictRow]]:
        """Store the verdicts of a ticket as read; whether they were stored, and the rows."""
        policy = self.policies.get(ticket.policy_id, version=ticket.policy_version)
        rows = ticket_verdicts(ticket, policy, self.clock())
        return self.store.record(ticket.ticket_id, ticket.events[-1].seq, rows), rows
