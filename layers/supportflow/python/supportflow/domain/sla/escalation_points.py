"""When each rung of a policy's escalation ladder falls due for one metric of a ticket."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from supportflow.domain.calendar.business_calendar import BusinessCalendar
from supportflow.domain.calendar.spans import Span, reach
from supportflow.domain.common.timeutil import US, from_us, parse_duration
from supportflow.domain.policy.ladder import LadderStep, parse_ladder_at


@dataclass(frozen=True)
class EscalationPoint:
    rung: int
    at_text: str
    notify: str
    due: datetime | None
    status: str  # pending | reached | cancelled | unscheduled
    rule: str | None = None


def escalation_points(
    ladder: Sequence[LadderStep],
    metric: str,
    priority: str | None,
    calendar: BusinessCalendar,
    counting: list[Span],
    target_us: int | None,
    due_us: int | None,
    running: bool,
    met_us: int | None,
    now_us: int,
) -> tuple[EscalationPoint, ...]:
    """The ladder rungs that apply to this metric and priority, with when each is due.

    `counting` are the running spans that count toward the target, `running` says whether the
    metric runs at `now_us`, and `met_us` is where it stopped (None while it has not)."""
    if target_us is None:
        return ()
    points = []
    for rung, step in enumerate(ladder):
        if step.metrics is not None and metric not in step.metrics:
            continue
        if step.priorities is not None and priority not in step.priorities:
            continue
        share, offset = parse_ladder_at(step.at)
        at_us = _rung_due(calendar, counting, target_us, due_us, met_us, share, offset)
        points.append(
            EscalationPoint(
                rung=rung,
                at_text=step.at,
                notify=step.notify,
                due=None if at_us is None else from_us(at_us, calendar.zone),
                status=_status(at_us, share, offset, running, met_us, now_us),
                rule=step.rule,
            )
        )
    return tuple(points)


def _rung_due(
    calendar: BusinessCalendar,
    counting: list[Span],
    target_us: int,
    due_us: int | None,
    met_us: int | None,
    share: float,
    offset: str | None,
) -> int | None:
    """The instant a rung at `share` % of the target (plus `offset` past a breach) falls due."""
    if share >= 100 and offset is None:
        return due_us
    if offset is not None:
        if due_us is None:
            return None
        return calendar.add_us(due_us, parse_duration(offset, calendar.workday_seconds) * US)
    return reach(calendar, counting, round(target_us * share / 100), met_us)[0]


def _status(
    at_us: int | None,
    share: float,
    offset: str | None,
    running: bool,
    met_us: int | None,
    now_us: int,
) -> str:
    if at_us is None:
        return "unscheduled"
    if met_us is not None and met_us <= at_us:
        return "cancelled"
    if now_us > at_us or (now_us == at_us and (share < 100 or offset is not None)):
        return "reached"
    return "pending" if running else "unscheduled"
