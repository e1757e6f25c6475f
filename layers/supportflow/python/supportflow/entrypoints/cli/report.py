"""The SLA review on the command line (a public interface: scripts depend on it).

    supportflow report --policy ID --period YYYY-MM FILE [--format json|text|csv|html]
        FILE: {"tickets": [{"id", "ticket": {...attributes}, "events": [...as for replay, plus
        "excluded" with "reason" and "metric"]}], "now": ISO}
        -> {"period", "policy", "tiers": {"<priority>": {"<metric>": {"tickets", "met",
            "breached", "excluded", "compliance_percent", "threshold_percent", "threshold_met",
            "median_business_seconds", "p90_business_seconds"}}},
            "breaches": [{"id", "metric", "due", "late_business_seconds", ...}], "warnings": [...]}
    supportflow report --customer ID --period YYYY-MM [--format ...] [--api URL]
        the same report of one customer's month, from the desk (its stored event log)

Each ticket is judged by the policy version in force when it was opened; the thresholds are the
version's in force on the month's last day (see domain/review/compliance.py for every rule).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from supportflow.domain.common.periods import Month
from supportflow.domain.policy.policy import Policy
from supportflow.domain.policy.priority_rules import TicketAttributes
from supportflow.domain.review.availability import Outage, ticket_outage
from supportflow.domain.review.compliance import month_review
from supportflow.domain.review.report_text import render_csv, render_html, render_text
from supportflow.domain.review.verdicts import Verdict, verdicts_of
from supportflow.domain.sla.clock import compute_sla
from supportflow.domain.sla.sla_state import TicketEvent

ReadTicket = Callable[
    [dict[str, Any]], tuple[Policy, TicketAttributes, list[TicketEvent], datetime]
]


class ReportInputError(ValueError):
    """The report's input is not what it should be: exit 2 with this line."""


def report_from_document(
    document: Any,
    period: Month,
    read_ticket: ReadTicket,
    policy_at: Callable[[datetime | None], Policy],
    now: datetime,
) -> dict[str, Any]:
    """The report of the tickets in `document` (see the module's doc)."""
    if not isinstance(document, dict) or not isinstance(document.get("tickets"), list):
        raise ReportInputError("the input must be a JSON object with a 'tickets' list and 'now'")
    verdicts: list[Verdict] = []
    outages: list[Outage] = []
    seen: set[str] = set()
    for n, item in enumerate(document["tickets"]):
        where = f"tickets[{n}]"
        if not isinstance(item, dict):
            raise ReportInputError(f"{where} must be an object with 'id', 'ticket' and 'events'")
        ticket_id = item.get("id")
        if not isinstance(ticket_id, (str, int)) or isinstance(ticket_id, bool) or ticket_id == "":
            raise ReportInputError(f"{where}: 'id' must be a non-empty string")
        ticket_id = str(ticket_id)
        if ticket_id in seen:
            raise ReportInputError(f"{where}: ticket {ticket_id!r} is listed twice")
        seen.add(ticket_id)
        try:
            policy, ticket, events, _ = read_ticket(
                {"ticket": item.get("ticket", {}), "events": item.get("events")}
            )
            state = compute_sla(policy, ticket, events, now)
            verdicts += verdicts_of(ticket_id, state)
            outage = ticket_outage(ticket_id, state)
            if outage is not None:
                outages.append(outage)
        except (ValueError, LookupError) as exc:  # every bad ticket is named, whatever its fault
            raise ReportInputError(f"{where} ({ticket_id}): {' '.join(str(exc).split())}") from None
    closing = policy_at(period.last_instant(policy_at(None).calendar().zone))
    return month_review(closing, period, now, verdicts, outages)


def render(report: dict[str, Any], form: str) -> str | None:
    """The report in a format for people; None for JSON (printed as JSON)."""
    if form == "text":
        return render_text(report)
    if form == "csv":
        return render_csv(report)
    if form == "html":
        return render_html(report)
    return None
