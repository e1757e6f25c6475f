"""What a ticket's SLA state asks of the clock: the timers it should have (the escalation rungs
still to come, the auto-close after the confirmation window) and the summary the queue shows.

`plan_timers` is pure: the same ticket, state, policy and `now` give the same plan. A rung that
is cancelled (met before it was reached) or already escalated (from the event log) never has a
timer, nor has anything on a closed ticket; of the rungs already reached (also before a pause
or a met target) only the lowest is planned, so a metric's escalations go out in rung order
(the next is planned once that one is escalated). Timers fire at whole seconds rounded up, never
before the deadline. Names are unique per ticket, metric, rung and due second, so a moved
deadline is a new timer and a re-planned one is the same timer.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from supportflow.domain.common.timeutil import US, format_instant, parse_duration, to_us
from supportflow.domain.policy.ladder import parse_ladder_at
from supportflow.domain.policy.policy import Policy
from supportflow.domain.sla.escalation_points import EscalationPoint
from supportflow.domain.sla.sla_state import MetricState, SlaState
from supportflow.domain.ticket.planned import PlannedTimer
from supportflow.domain.ticket.routing import Stage
from supportflow.domain.ticket.ticket import Ticket

ESCALATION, AUTO_CLOSE = "escalation", "auto_close"
TIMER_KINDS = (ESCALATION, AUTO_CLOSE)


def plan_timers(
    ticket: Ticket, state: SlaState, policy: Policy, now: datetime
) -> list[PlannedTimer]:
    """The timers `ticket` should have at `now`, earliest first."""
    planned = [
        timer
        for name, metric in state.metrics.items()
        for timer in _rungs(ticket, name, metric, now)
    ]
    closing = _auto_close(ticket, policy, now)
    if closing is not None:
        planned.append(closing)
    return sorted(planned, key=lambda t: (t.at, t.name))


def _rungs(ticket: Ticket, name: str, metric: MetricState, now: datetime) -> list[PlannedTimer]:
    """A timer for each rung still to come, and one for the lowest rung reached but not yet
    escalated: a rung reached before the ticket paused or met its target is still owed (its
    timer may arrive late, after the pause), except on a closed ticket."""
    if ticket.stage == Stage.CLOSED:
        return []
    escalated = ticket.escalated
    owed = sorted(rung for (metric, rung) in ticket.owed if metric == name)
    out = []
    overdue_planned = False
    if owed:  # reached before a priority change moved them: the lowest goes out now
        rung = owed[0]
        timer = f"{ticket.ticket_id}.{name[:3]}.{rung}.owed"
        payload = _payload(ticket, timer, ESCALATION, metric=name, rung=rung)
        out.append(PlannedTimer(timer, whole_second_up(now), payload))
        overdue_planned = True
    for point in sorted(metric.escalations, key=lambda p: p.rung):
        if point.due is None or (name, point.rung) in escalated:
            continue
        overdue = point.status == "reached" and not overdue_planned
        overdue_planned = overdue_planned or overdue
        if point.status == "pending" or overdue or _fixed_while_paused(point):
            timer = f"{ticket.ticket_id}.{name[:3]}.{point.rung}.{to_us(point.due) // US}"
            payload = _payload(ticket, timer, ESCALATION, metric=name, rung=point.rung)
            out.append(PlannedTimer(timer, whole_second_up(max(reached_at(point), now)), payload))
    return out


def _fixed_while_paused(point: EscalationPoint) -> bool:
    """A rung whose instant is fixed although the metric stands paused (some time after a
    breach, or the breach of a target used up exactly when the pause began): the clock counts
    it reached at that instant, paused or not."""
    return point.status == "unscheduled" and point.due is not None


def _auto_close(ticket: Ticket, policy: Policy, now: datetime) -> PlannedTimer | None:
    window = policy.lifecycle.auto_close_after
    resolved_at = ticket.resolved_at
    if ticket.stage != Stage.RESOLVED or window is None or resolved_at is None:
        return None
    calendar = policy.calendar(policy.lifecycle.calendar)
    due = calendar.add(
        resolved_at, timedelta(seconds=parse_duration(window, calendar.workday_seconds))
    )
    timer = f"{ticket.ticket_id}.close.{to_us(due) // US}"
    return PlannedTimer(timer, whole_second_up(max(due, now)), _payload(ticket, timer, AUTO_CLOSE))


def reached_at(point: EscalationPoint) -> datetime:
    """The first instant a rung counts as reached: its due instant, but for the breach itself
    the moment after it (a response at the due instant is in time)."""
    assert point.due is not None
    share, offset = parse_ladder_at(point.at_text)
    return point.due + timedelta(microseconds=1) if share >= 100 and offset is None else point.due


def whole_second_up(instant: datetime) -> datetime:
    """The first whole second at or after `instant` (schedules take whole seconds, and a timer
    must never fire before its deadline)."""
    if instant.microsecond == 0:
        return instant
    return instant.replace(microsecond=0) + timedelta(seconds=1)


def _payload(ticket: Ticket, name: str, kind: str, **more: Any) -> dict[str, Any]:
    return {"ticket_id": ticket.ticket_id, "name": name, "kind": kind, **more}


def sla_summary(state: SlaState, now: datetime) -> tuple[dict[str, Any], str | None]:
    """The SLA state as the queue shows it, and the nearest running deadline (ISO)."""
    summary: dict[str, Any] = {"priority": state.priority}
    next_due: datetime | None = None
    for name, metric in state.metrics.items():
        summary[name] = metric.as_dict()
        if metric.due is not None and metric.state == "running":
            next_due = metric.due if next_due is None else min(next_due, metric.due)
    nearest = format_instant(next_due.astimezone(now.tzinfo)) if next_due else None
    return summary, nearest
