"""The SLA review at the desk (R004-5, R004-10, R004-12).

- `KeepVerdicts`: after any change to a ticket (the table's stream says which), recompute its
  verdicts from its whole event log under the policy version it was opened under, and store them
  per customer and month of the deadline. The stream record only says *which* ticket: the
  verdicts always come from the log as it stands, so a record delivered twice, late or out of
  order does no harm, and verdicts from an older log never overwrite newer ones.
- `ComplianceReview`: one customer's month from the stored verdicts (one query), a metric still
  running aged to `now` (past its deadline it is breached), counted by `domain.compliance`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from supportflow.contracts import ContractDirectory, ContractError
from supportflow.domain.availability import outage_months, ticket_outage
from supportflow.domain.clock import TicketEvent, compute_sla
from supportflow.domain.compliance import (
    EXCLUDED_EVENT,
    Month,
    ReportError,
    Verdict,
    month_review,
    verdicts_of,
)
from supportflow.domain.policy import Policy, TicketAttributes
from supportflow.domain.ticket import Ticket
from supportflow.domain.timeutil import to_us
from supportflow.policies import PolicyRegistry
from supportflow.services.ports import (
    Clock,
    TicketNotFound,
    TicketRepository,
    VerdictRow,
    VerdictStore,
)

AUDITED = (EXCLUDED_EVENT, "exclusion_withdrawn")  # who decided goes with the verdict


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
    outage = ticket_outage(ticket.ticket_id, state)
    if outage is not None:
        for month in outage_months(outage, state.now, zone):
            rows.append(VerdictRow(ticket.customer_id, str(month), outage=outage))
    return rows


@dataclass(frozen=True)
class KeepVerdicts:
    policies: PolicyRegistry
    tickets: TicketRepository
    store: VerdictStore
    clock: Clock

    def __call__(self, ticket_id: str) -> bool:
        """Recompute and store one ticket's verdicts; False if there was nothing to do (no such
        ticket, or newer verdicts were stored meanwhile)."""
        try:
            ticket = self.tickets.get(ticket_id)
        except TicketNotFound:
            return False
        policy = self.policies.get(ticket.policy_id, version=ticket.policy_version)
        rows = ticket_verdicts(ticket, policy, self.clock())
        return self.store.record(ticket_id, ticket.events[-1].seq, rows)


@dataclass(frozen=True)
class ComplianceReview:
    contracts: Callable[[], ContractDirectory]
    policies: PolicyRegistry
    store: VerdictStore
    clock: Clock

    def __call__(self, customer_id: str, period: str) -> dict[str, Any]:
        month = Month.parse(period)
        directory = self.contracts()
        contract = directory.get(customer_id)  # ContractError for a customer the desk lacks
        now = self.clock()
        last = month.last_instant(self.policies.get(contract.policy).calendar().zone)
        try:  # the thresholds of the pack in force on the month's last day
            pack = directory.as_of(customer_id, last).contract.policy
        except ContractError:  # the contract began after the month: the one it has
            pack = contract.policy
        closing = self.policies.get(pack, on=last.date())
        rows = self.store.month(customer_id, str(month))
        verdicts = [self._aged(r.verdict, now) for r in rows if r.verdict is not None]
        outages = [r.outage for r in rows if r.outage is not None]
        report = month_review(closing, month, now, verdicts, outages)
        return {"customer_id": customer_id, "customer": contract.name, **report}

    def _aged(self, verdict: Verdict, now: datetime) -> Verdict:
        try:
            policy = self.policies.get(verdict.policy_id, version=verdict.policy_version)
        except LookupError as exc:
            raise ReportError(f"ticket {verdict.ticket_id}: {exc}") from None
        calendar = policy.metric_calendar(verdict.metric, verdict.priority)
        return verdict.at(now, lambda a, b: calendar.between_us(to_us(a), to_us(b)))
