"""A customer's month at the desk (R004-5, R004-12): the stored verdicts (one query), a metric
still running aged to `now` (past its deadline it is breached), counted by the domain's
compliance rules, with the month's availability, problem records and volume (the tickets'
intakes, kept in the same partition; the agreed standby periods' fees from the customer's
contract, as its statement bills them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any

from supportflow.contracts.contract import ContractError
from supportflow.contracts.directory import ContractDirectory
from supportflow.domain.common.periods import Month, ReportError
from supportflow.domain.common.timeutil import parse_instant, to_us
from supportflow.domain.common.vocabulary import METRICS
from supportflow.domain.policy.policy import Policy
from supportflow.domain.review.compliance import build_report, month_review
from supportflow.domain.review.verdicts import Verdict, local_text
from supportflow.domain.review.warnings import ThresholdWarning, threshold_warnings
from supportflow.policies.registry import PolicyRegistry
from supportflow.services.ports.stores import VerdictRow, VerdictStore
from supportflow.services.ports.tickets import Clock


@dataclass(frozen=True)
class ComplianceReview:
    contracts: Callable[[], ContractDirectory]
    policies: PolicyRegistry
    store: VerdictStore
    clock: Clock
    # R003-4: the fees of the agreed standby periods starting in the month (customer, YYYY-MM),
    # from the contract alone (the statement's standby lines); None: not known here
    standby_periods: Callable[[str, str], Decimal] | None = None

    def __call__(self, customer_id: str, period: str) -> dict[str, Any]:
        month = Month.parse(period)
        name, closing, rows = self._month(customer_id, month)
        verdicts, outages = self._verdicts(rows), [r.outage for r in rows if r.outage]
        intakes = [r.intake for r in rows if r.intake is not None]
        fees = None
        if self.standby_periods is not None and closing.charges.standby is not None:
            try:
                fees = self.standby_periods(customer_id, str(month))
            except ValueError:  # a period the statement cannot bill: it says why, not the review
                fees = None
        report = month_review(closing, month, self.clock(), verdicts, outages, intakes, fees)
        zone = closing.calendar().zone
        problems = sorted(
            (_with_text(dict(r.problem), zone) for r in rows if r.problem),
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


def _with_text(problem: dict[str, Any], zone: tzinfo) -> dict[str, Any]:
    """A problem record with its opening in local time for people."""
    opened = problem.get("opened_at")
    problem["opened_text"] = local_text(parse_instant(opened), zone) if opened else None
    return problem
