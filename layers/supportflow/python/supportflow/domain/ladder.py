"""Escalation ladders: the rungs a policy lists (who is notified at '75%', 'breach' or
'breach + 2h' of a metric's target), and when each rung falls due for one metric of a ticket."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import Field, field_validator

from supportflow.domain.calendar import BusinessCalendar
from supportflow.domain.spans import Span, reach
from supportflow.domain.timeutil import US, from_us, parse_duration
from supportflow.domain.vocabulary import PolicyModel

# ----- the ladder in a policy ------------------------------------------------------------------


class LadderStep(PolicyModel):
    """One rung of an escalation ladder: `at` is '75%', 'breach' or 'breach + 2h'."""

    at: str
    notify: str
    metrics: list[str] | None = None
    priorities: list[str] | None = None
    rule: str | None = None

    @field_validator("at")
    @classmethod
    def _at(cls, value: str) -> str:
        parse_ladder_at(value)
        return value


class Escalation(PolicyModel):
    roles: dict[str, str] = Field(default_factory=dict, description="role id -> who that is")
    ladder: list[LadderStep] = Field(default_factory=list)


def parse_ladder_at(text: str) -> tuple[float, str | None]:
    """'75%' -> (75, None); 'breach' -> (100, None); 'breach + 2h' -> (100, '2h')."""
    value = str(text).strip().lower()
    if value.endswith("%"):
        try:
            share = float(value[:-1])
        except ValueError:
            raise ValueError(f"not a percentage: {text!r}") from None
        if not 0 < share <= 100:
            raise ValueError(f"percentage {text!r} must be above 0 and at most 100")
        return share, None
    if value == "breach":
        return 100.0, None
    match = re.match(r"^breach\s*\+\s*(.+)$", value)
    if match:
        return 100.0, match[1].strip()
    raise ValueError(f"not a ladder point: {text!r} (use '75%', 'breach' or 'breach + 2h')")


# ----- when each rung falls due ----------------------------------------------------------------


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
