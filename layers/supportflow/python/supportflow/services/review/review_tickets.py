"""The SLA review at the desk (R004-5, R004-10, R004-12).

- `KeepVerdicts`: after any change to a ticket (the table's stream says which), recompute its
  verdicts from its whole event log under the policy version it was opened under, and store them
  per customer and month of the deadline. The stream record only says *which* ticket: the
  verdicts always come from the log as it stands, so a record delivered twice, late or out of
  order does no harm, and verdicts from an older log never overwrite newer ones.
- `EarlyWarnings`: while a month runs, a mail to the pack's `review.warn` role for each tier
  whose threshold is lost or at risk, once per customer, month and warning.
- `ComplianceReview`: one customer's month from the stored verdicts (one query), a metric still
  running aged to `now` (past its deadline it is breached), counted by `domain.compliance`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from functools import partial
from typing import Any

from supportflow.contracts import ContractDirectory, ContractError
from supportflow.domain.common.periods import Month, ReportError
from supportflow.domain.common.timeutil import to_us
from supportflow.domain.common.vocabulary import METRICS
from supportflow.domain.policy.policy import Policy
from supportflow.domain.policy.priority_rules import TicketAttributes
from supportflow.domain.review.availability import outage_months, ticket_outage
from supportflow.domain.review.compliance import build_report, month_review
from supportflow.domain.review.problems import PROBLEM, problem_summary
from supportflow.domain.review.verdicts import (
    BREACHED_OUTCOME,
    EXCLUDED_EVENT,
    Verdict,
    verdicts_of,
)
from supportflow.domain.review.warnings import ThresholdWarning, threshold_warnings
from supportflow.domain.sla.clock import compute_sla
from supportflow.domain.sla.sla_state import TicketEvent
from supportflow.domain.ticket.events import SYSTEM
from supportflow.domain.ticket.ticket import Ticket
from supportflow.policies import PolicyRegistry
from supportflow.services.mail import compose as mail
from supportflow.services.mail.tokens import Links
from supportflow.services.outbox.effects import SendMail
from supportflow.services.ports.ports import (
    Clock,
    TicketNotFound,
    TicketRepository,
    VerdictRow,
    VerdictStore,
    retrying,
)
from supportflow.services.review.problems import Problems, Watched

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
        return self.keep(ticket)[0]

    def keep(self, ticket: Ticket) -> tuple[bool, list[VerdictRow]]:
        """Store the verdicts of a ticket as read; whether they were stored, and the rows."""
        policy = self.policies.get(ticket.policy_id, version=ticket.policy_version)
        rows = ticket_verdicts(ticket, policy, self.clock())
        return self.store.record(ticket.ticket_id, ticket.events[-1].seq, rows), rows


@dataclass(frozen=True)
class ComplianceReview:
    contracts: Callable[[], ContractDirectory]
    policies: PolicyRegistry
    store: VerdictStore
    clock: Clock

    def __call__(self, customer_id: str, period: str) -> dict[str, Any]:
        month = Month.parse(period)
        name, closing, rows = self._month(customer_id, month)
        verdicts, outages = self._verdicts(rows), [r.outage for r in rows if r.outage]
        report = month_review(closing, month, self.clock(), verdicts, outages)
        problems = sorted(
            (dict(r.problem) for r in rows if r.problem),
            key=lambda p: (str(p.get("opened_at")), str(p.get("id"))),
        )  # R004-8: the problem records open in the month, with their incidents and reports
        return {"customer_id": customer_id, "customer": name, **report, "problems": problems}

    def warnings(self, customer_id: str, month: Month) -> list[ThresholdWarning]:
        """The month's warnings as they stand now (one query): early ones while it runs."""
        _, closing, rows = self._month(customer_id, month)
        verdicts = self._verdicts(rows)
        now, zone = self.clock(), closing.calendar().zone
        report = build_report(
            policy_id=closing.id,
            period=month,
            zone=zone,
            now=now,
            verdicts=verdicts,
            priorities=closing.priorities.reviewed,
            metrics=METRICS,
            threshold=closing.compliance_target,
        )
        return threshold_warnings(report.tiers, month, now <= month.last_instant(zone))

    def _month(self, customer_id: str, month: Month) -> tuple[str, Policy, list[VerdictRow]]:
        """The customer's name, the pack in force on the month's last day (its thresholds), and
        the month's rows (one query)."""
        directory = self.contracts()
        contract = directory.get(customer_id)  # ContractError for a customer the desk lacks
        last = month.last_instant(self.policies.get(contract.policy).calendar().zone)
        try:  # the thresholds of the pack in force on the month's last day
            pack = directory.as_of(customer_id, last).contract.policy
        except ContractError:  # the contract began after the month: the one it has
            pack = contract.policy
        closing = self.policies.get(pack, on=last.date())
        return contract.name, closing, self.store.month(customer_id, str(month))

    def _verdicts(self, rows: list[VerdictRow]) -> list[Verdict]:
        """The month's verdicts, a metric still running aged to now."""
        now = self.clock()
        return [self._aged(r.verdict, now) for r in rows if r.verdict is not None]

    def _aged(self, verdict: Verdict, now: datetime) -> Verdict:
        try:
            policy = self.policies.get(verdict.policy_id, version=verdict.policy_version)
        except LookupError as exc:
            raise ReportError(f"ticket {verdict.ticket_id}: {exc}") from None
        calendar = policy.metric_calendar(verdict.metric, verdict.priority)
        return verdict.at(now, lambda a, b: calendar.between_us(to_us(a), to_us(b)))


@dataclass(frozen=True)
class EarlyWarnings:
    """While a month runs, the role the pack names (`review.warn`, R004-6: the service support
    manager) gets one mail per warning of a tier: "top resolution already breached once: the
    100% target is lost", "high response at 75%: 1 more on time needed". The ticket whose
    breach tipped it carries the mail (its log says so), and a mark per customer, month and
    warning, written in the same transaction, makes it once: a redelivery, a second breach in
    the tier or a parallel shard finds the mark."""

    review: ComplianceReview
    tickets: TicketRepository
    policies: PolicyRegistry
    links: Links
    clock: Clock

    def __call__(self, ticket_id: str) -> int:
        try:
            ticket = self.tickets.get(ticket_id)
        except TicketNotFound:
            return 0
        policy = self.policies.get(ticket.policy_id, version=ticket.policy_version)
        return self.after(ticket, ticket_verdicts(ticket, policy, self.clock()))

    def after(self, ticket: Ticket, rows: list[VerdictRow]) -> int:
        """The warnings this ticket's verdicts (`rows`, as just kept) tip; how many were mailed."""
        ticket_id = ticket.ticket_id
        contract = self.review.contracts().find(ticket.customer_id)
        policy = self.policies.get(ticket.policy_id, version=ticket.policy_version)
        if contract is None or policy.review.warn is None:
            return 0
        now = self.clock()
        month = Month.of(now, policy.calendar().zone)
        tipped = {
            (row.verdict.priority, row.verdict.metric)
            for row in rows
            if row.verdict is not None
            and row.month == str(month)
            and row.verdict.outcome() == BREACHED_OUTCOME
        }
        if not tipped:
            return 0
        sent = 0
        for warning in self.review.warnings(ticket.customer_id, month):
            if warning.kind == "missed" or (warning.priority, warning.metric) not in tipped:
                continue
            mark = f"WARNING#{ticket.customer_id}#{month}#{warning.key}"
            sent += retrying(partial(self._warn, ticket_id, warning, mark, month, now))
        return sent

    def _warn(
        self, ticket_id: str, warning: ThresholdWarning, mark: str, month: Month, now: datetime
    ) -> int:
        if self.tickets.marked(mark):
            return 0
        ticket = self.tickets.get(ticket_id)
        contract = self.review.contracts().get(ticket.customer_id)
        policy = self.policies.get(ticket.policy_id, version=ticket.policy_version)
        role = str(policy.review.warn)
        recipient = contract.escalation.get(role, contract.desk_address)
        priority = mail.priority_name(policy, warning.priority, contract.language)
        message = mail.early_warning(
            language=contract.language,
            sender=contract.desk_address,
            recipient=recipient,
            customer=contract.name,
            warning=warning,
            priority=priority,
            month=str(month),
            ticket_id=ticket_id,
            subject=ticket.subject,
            rule=policy.review.rule,
            link=self.links.review(ticket.customer_id, str(month)),
            now=now,
        )
        key = f"warning:{month}:{warning.key}"
        data = {"key": key, "warning": warning.text, "role": role, "to": recipient}
        ticket.log("compliance_warning", SYSTEM, data, now)
        letter = SendMail(ticket_id, f"mail:{key}", message.as_bytes(), recipient)
        self.tickets.save(ticket, [letter], once=[mark])
        return 1


@dataclass(frozen=True)
class Reviewed:
    kept: bool = False
    warned: int = 0
    watched: Watched = field(default_factory=Watched)


@dataclass(frozen=True)
class ReviewTicket:
    """What the SLA review does for each ticket whose log grew (the table's stream): its
    verdicts kept, the early warnings they tip mailed, and problem management's watch, from
    one read of the ticket and one computation of its verdicts."""

    keep: KeepVerdicts
    warn: EarlyWarnings
    problems: Problems
    tickets: TicketRepository

    def __call__(self, ticket_id: str) -> Reviewed:
        try:
            ticket = self.tickets.get(ticket_id)
        except TicketNotFound:
            return Reviewed()
        kept, rows = self.keep.keep(ticket)
        return Reviewed(kept, self.warn.after(ticket, rows), self.problems.watch_ticket(ticket))
