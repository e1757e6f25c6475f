"""The SLA review dashboard of the local stack (R004-12): `/review?customer=ID&period=YYYY-MM`.

One page for the meeting with the customer, that prints as it shows: the warnings, the
compliance per tier against its threshold, the breaches each with the SLA clock's explanation,
the exclusions with their reasons, and four charts (compliance against the threshold line,
breaches over the month, the time-to-respond distribution, availability over six months). The
numbers come from the desk's own API (`GET /customers/{id}/report`), as an agent would ask."""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any, Protocol

from local.charts import dashboard_charts
from supportflow.domain.common.periods import Month, ReportError
from supportflow.domain.review.report_text import render_html

MONTHS_SHOWN = 6  # availability over the month and the five before it
REPORT = "/customers/{customer_id}/report"


class Desk(Protocol):
    agent_token: str

    def call(self, function: str, event: dict[str, Any]) -> Any: ...


class ReviewError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def month_report(desk: Desk, customer: str, period: str, proxy: Any) -> dict[str, Any]:
    """One month's report through the ticket API (as an agent)."""
    headers = {"Authorization": f"Bearer {desk.agent_token}", "X-Agent": "sla-review"}
    event = proxy(
        "GET",
        f"/customers/{customer}/report",
        f"period={period}",
        headers,
        b"",
        REPORT,
        {"customer_id": customer},
    )
    answer = desk.call("TicketApiFunction", event)
    body = json.loads(answer.get("body") or "{}")
    if int(answer["statusCode"]) != 200:
        raise ReviewError(int(answer["statusCode"]), str(body.get("message") or "refused"))
    return dict(body)


def review_page(
    desk: Desk,
    customers: list[tuple[str, str]],
    customer: str | None,
    period: str | None,
    default_period: str,
    proxy: Any,
) -> str:
    """The page for one customer's month (the first customer and this month by default)."""
    if not customers:
        raise ReviewError(404, "no customers with a contract")
    customer = customer or customers[0][0]
    if customer not in {c for c, _ in customers}:
        raise ReviewError(404, f"no contract for customer {customer!r}")
    period = period or default_period
    if not re.fullmatch(r"\d{4}-\d{2}", period):
        raise ReviewError(422, f"period {period!r} is not a month (YYYY-MM)")
    try:
        month = Month.parse(period)
    except ReportError as exc:
        raise ReviewError(422, str(exc)) from None
    report = month_report(desk, customer, str(month), proxy)
    months = [month]
    while len(months) < MONTHS_SHOWN:
        months.insert(0, months[0].previous())
    history = [
        report if m == month else month_report(desk, customer, str(m), proxy) for m in months
    ]
    charts = dashboard_charts(report, history)
    title = f"SLA review {month.name()}: {report.get('customer') or customer}"
    return render_html(report, charts, title, lead=_picker(customers, customer, str(month)))


def _picker(customers: list[tuple[str, str]], chosen: str, period: str) -> str:
    options = "".join(
        f"<option value='{escape(c)}'{' selected' if c == chosen else ''}>{escape(name)}</option>"
        for c, name in customers
    )
    return (
        "<form class='no-print' method='get' action='/review'>"
        f"<label>Customer <select name='customer'>{options}</select></label> "
        f"<label>Month <input name='period' type='month' value='{escape(period)}'></label> "
        "<button type='submit'>Show</button> "
        "<button type='button' onclick='window.print()'>Print for the meeting</button> "
        "<a href='/agent'>agent view</a></form>"
    )
