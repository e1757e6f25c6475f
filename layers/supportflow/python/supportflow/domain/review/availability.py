"""Availability of the customer's service per month (R001-7, R004-11), from outage tickets.

An outage is a ticket the policy's `availability.outages` rule picks (a monitoring alert, or a
ticket of the listed priorities, e.g. R004-3's top: "service down for several users"). It runs
from the ticket's opening (the alert's arrival) to the monitoring's recovery (`alert_recovered`,
at the instant the alert says it ended: its `at` or `ended_at`), or else to the ticket's last
`resolved`; one still open runs until `now`. Announced maintenance (an outage ticket whose
`opened` event carries `maintenance_announced_at` at least `maintenance_notice` before it
began, R001-7) is excluded.

Per month (in the policy's zone), up to `now`:
- in hours: the share of the named calendar's open time the service was up (R001-7 98% in
  service hours, R004-11 99.5% in support hours);
- outside hours: the same for the rest of the month's time (R004-11 95%);
- interruptions: outages that began in the month, against the most allowed (R004-11: 3);
- restored in time: each outage's duration in the calendar's business time against the
  target (R004-11: 4 support hours).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from supportflow.domain.common.timeutil import (
    US,
    format_instant,
    parse_duration,
    parse_instant,
    to_us,
)

if TYPE_CHECKING:
    from supportflow.domain.calendar.business_calendar import BusinessCalendar
    from supportflow.domain.common.periods import Month
    from supportflow.domain.policy.availability import AvailabilitySpec
    from supportflow.domain.policy.policy import Policy
    from supportflow.domain.sla.sla_state import SlaState, TicketEvent


@dataclass(frozen=True)
class Outage:
    ticket_id: str
    start: datetime
    end: datetime | None  # None: not over at the time it was judged
    excluded: str | None = None  # why it does not count (announced maintenance)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ticket_id": self.ticket_id,
            "start": format_instant(self.start),
            "end": format_instant(self.end),
            "excluded": self.excluded,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Outage:
        return cls(
            ticket_id=str(data["ticket_id"]),
            start=parse_instant(data["start"]),
            end=None if data.get("end") is None else parse_instant(data["end"]),
            excluded=data.get("excluded"),
        )


def outage_of(
    ticket_id: str,
    spec: AvailabilitySpec,
    channel: str | None,
    priority: str | None,
    category: str | None,
    events: Sequence[TicketEvent],
    workday_seconds: int | None = None,
) -> Outage | None:
    """The outage a ticket stands for, or None if the policy does not count it as one."""
    if not spec.defined or not events:
        return None
    rule = spec.outages
    if (
        channel not in rule.channels
        and priority not in rule.priorities
        and category not in rule.categories
    ):
        return None
    start = events[0].at
    end = None
    for event in events:
        if event.type == "alert_recovered":
            text = event.data.get("ended_at") or event.data.get("at")
            end = parse_instant(text) if isinstance(text, str) else event.at
            break
        if event.type == "resolved":
            end = event.at
        elif event.type == "reopened":
            end = None
    if end is not None and end < start:
        end = start
    excluded = None
    announced = events[0].data.get("maintenance_announced_at")
    if spec.maintenance_notice and isinstance(announced, str):
        notice = parse_duration(spec.maintenance_notice, workday_seconds)
        ahead = (to_us(start) - to_us(parse_instant(announced))) // US
        if ahead >= notice:
            excluded = f"maintenance announced {ahead // 3600}h ahead ({spec.rule or 'notice'})"
    return Outage(ticket_id, start, end, excluded)


@dataclass(frozen=True)
class MonthAvailability:
    period: str
    in_hours_percent: float | None
    in_hours_target: float | None
    outside_hours_percent: float | None
    outside_hours_target: float | None
    interruptions: int
    max_interruptions: int | None
    restore_target: str | None
    restored_late: list[str]
    outages: list[Outage]
    downtime_in_hours_seconds: float
    downtime_outside_hours_seconds: float

    def as_dict(self) -> dict[str, Any]:
        def met(share: float | None, target: float | None) -> bool | None:
            return None if share is None or target is None else share >= target

        return {
            "period": self.period,
            "in_hours": {
                "percent": self.in_hours_percent,
                "target_percent": self.in_hours_target,
                "met": met(self.in_hours_percent, self.in_hours_target),
                "downtime_seconds": self.downtime_in_hours_seconds,
            },
            "outside_hours": {
                "percent": self.outside_hours_percent,
                "target_percent": self.outside_hours_target,
                "met": met(self.outside_hours_percent, self.outside_hours_target),
                "downtime_seconds": self.downtime_outside_hours_seconds,
            },
            "interruptions": self.interruptions,
            "max_interruptions": self.max_interruptions,
            "interruptions_met": None
            if self.max_interruptions is None
            else self.interruptions <= self.max_interruptions,
            "restore_within": self.restore_target,
            "restored_late": list(self.restored_late),
            "outages": [o.as_dict() for o in self.outages],
        }


def month_availability(
    spec: AvailabilitySpec,
    calendar: BusinessCalendar,
    month: Month,
    outages: Iterable[Outage],
    now: datetime,
) -> MonthAvailability:
    zone = calendar.zone
    lo, end = to_us(month.start(zone)), to_us(month.end(zone))
    hi = max(lo, min(end, to_us(now)))  # up to now: the rest of the month has not happened
    restore_us = (
        None
        if spec.restore_within is None
        else parse_duration(spec.restore_within, calendar.workday_seconds) * US
    )
    counted, late, spans, interruptions = _walk(calendar, outages, lo, end, hi, now, restore_us)
    down_all, down_open = _downtime(calendar, spans)
    open_total = calendar.between_us(lo, hi)
    closed_total = hi - lo - open_total
    down_closed = down_all - down_open
    return MonthAvailability(
        period=str(month),
        in_hours_percent=_share(open_total, down_open),
        in_hours_target=None if spec.in_hours is None else spec.in_hours.percent,
        outside_hours_percent=_share(closed_total, down_closed)
        if spec.outside_hours is not None
        else None,
        outside_hours_target=None if spec.outside_hours is None else spec.outside_hours.percent,
        interruptions=interruptions,
        max_interruptions=spec.max_interruptions,
        restore_target=spec.restore_within,
        restored_late=late,
        outages=counted,
        downtime_in_hours_seconds=down_open / US,
        downtime_outside_hours_seconds=down_closed / US,
    )


def _walk(
    calendar: BusinessCalendar,
    outages: Iterable[Outage],
    lo: int,
    end: int,
    hi: int,
    now: datetime,
    restore_us: int | None,
) -> tuple[list[Outage], list[str], list[tuple[int, int]], int]:
    """The outages that overlap the month [lo, end): those counted, those restored late, the
    down spans up to `hi` (now), and the interruptions that began in the month."""
    counted: list[Outage] = []
    late: list[str] = []
    spans: list[tuple[int, int]] = []
    interruptions = 0
    for outage in sorted(outages, key=lambda o: o.start):
        start_us = to_us(outage.start)
        end_us = to_us(outage.end if outage.end is not None else now)
        if end_us <= lo or start_us >= end:
            continue
        counted.append(outage)
        if outage.excluded:
            continue
        if start_us >= lo:  # an interruption of this month (one from the month before is not)
            interruptions += 1
            took = calendar.between_us(start_us, max(start_us, end_us))
            if restore_us is not None and (
                took > restore_us or (outage.end is None and took == restore_us)
            ):
                late.append(outage.ticket_id)
        if min(end_us, hi) > max(start_us, lo):
            spans.append((max(start_us, lo), min(end_us, hi)))
    return counted, late, spans, interruptions


def _share(total: int, down: int) -> float | None:
    if total <= 0:
        return None
    return round(100.0 * (total - down) / total, 3)


def _downtime(calendar: BusinessCalendar, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """The time down in all and the part of it in open hours; overlapping outages once."""
    down_all = down_open = 0
    for a, b in _union(spans):
        down_all += b - a
        down_open += calendar.between_us(a, b)
    return down_all, down_open


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def ticket_outage(ticket_id: str, state: SlaState) -> Outage | None:
    """The outage a ticket stands for under its policy (see `outage_of`)."""
    policy = state.policy
    return outage_of(
        ticket_id,
        policy.availability,
        state.ticket.channel,
        state.priority,
        state.ticket.category,
        state.events,
        policy.calendar().workday_seconds,
    )


def outage_months(outage: Outage, now: datetime, zone: Any) -> list[Month]:
    """The months (in `zone`) an outage overlaps, up to its end or `now`."""
    from supportflow.domain.common.periods import Month

    first = Month.of(outage.start, zone)
    last = Month.of(outage.end or max(now, outage.start), zone)
    months = [first]
    while months[-1] < last:
        months.append(months[-1].next())
    return months


def availability_report(
    policy: Policy, month: Month, outages: Iterable[Outage], now: datetime
) -> dict[str, Any] | None:
    """The month's availability against the policy's targets; None if it sets none."""
    spec = policy.availability
    if not spec.defined:
        return None
    name = spec.in_hours.calendar if spec.in_hours is not None else None
    result = month_availability(spec, policy.calendar(name), month, outages, now).as_dict()
    result["rule"] = spec.rule
    return result
