"""The SLA clock: one pure function from (policy, ticket, events, now) to the state of every metric.

Each metric (first response, resolution) is driven by the ticket's events as the policy says:
start, stop, pause, resume, reopen. Its running stretches are measured on the metric's business
calendar; its deadline is the earliest instant at which the running time reaches the target of
the priority in force (by default recomputed from the metric's start after a priority change,
keeping elapsed and paused time). Nothing here reads a clock: `now` is a parameter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from supportflow.domain.calendar import BusinessCalendar
from supportflow.domain.policy import (
    EVENT_TYPES,
    LOG_ONLY_EVENTS,
    METRICS,
    Policy,
    PriorityChange,
    TicketAttributes,
    parse_ladder_at,
)
from supportflow.domain.priority import TicketError, check_priority, decide_priority
from supportflow.domain.timeutil import US, format_instant, from_us, parse_duration, to_us
from supportflow.domain.timeutil import seconds_value as _seconds

NOT_STARTED, RUNNING, PAUSED, MET, BREACHED = "not_started", "running", "paused", "met", "breached"
_STOPPED = "stopped"


@dataclass(frozen=True)
class TicketEvent:
    """One thing that happened to a ticket. `priority` goes with `priority_changed`."""

    at: datetime
    type: str
    priority: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Span:
    """[start, end) in epoch microseconds; end None means still going at `now`."""

    start: int
    end: int | None


@dataclass(frozen=True)
class EscalationPoint:
    rung: int
    at_text: str
    notify: str
    due: datetime | None
    status: str  # pending | reached | cancelled | unscheduled
    rule: str | None = None


@dataclass(frozen=True)
class MetricState:
    name: str
    calendar: BusinessCalendar
    priority: str | None
    target_us: int | None
    target_text: str | None
    target_rule: str | None
    state: str
    started_at: datetime | None
    due: datetime | None
    met_at: datetime | None
    breached: bool
    elapsed_us: int
    paused_us: int
    running: tuple[Span, ...]
    paused: tuple[Span, ...]
    counted: tuple[tuple[int, int], ...]  # the running stretches that add up to the deadline
    baseline_us: int | None  # where counting toward the target starts (restart mode)
    escalations: tuple[EscalationPoint, ...]

    remaining_us: int | None  # target minus the running time counted toward it so far

    def as_dict(self) -> dict[str, Any]:
        zone = self.calendar.zone
        return {
            "due": format_instant(self.due, zone),
            "met_at": format_instant(self.met_at, zone),
            "breached": self.breached,
            "elapsed_business_seconds": _seconds(self.elapsed_us),
            "paused_business_seconds": _seconds(self.paused_us),
            "state": self.state,
            "target_business_seconds": _maybe_seconds(self.target_us),
            "remaining_business_seconds": _maybe_seconds(self.remaining_us),
            "started_at": format_instant(self.started_at, zone),
            "escalations": [
                {
                    "rung": e.rung,
                    "at": e.at_text,
                    "notify": e.notify,
                    "due": format_instant(e.due, zone),
                    "status": e.status,
                }
                for e in self.escalations
            ],
        }


@dataclass(frozen=True)
class SlaState:
    policy: Policy
    ticket: TicketAttributes
    priority: str | None
    priority_reason: str
    priority_history: tuple[tuple[datetime, str | None, str], ...]
    opened: datetime
    now: datetime
    metrics: dict[str, MetricState]
    events: tuple[TicketEvent, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy.id,
            "policy_version": self.policy.version,
            "priority": self.priority,
            "metrics": {name: m.as_dict() for name, m in self.metrics.items()},
        }


def _maybe_seconds(us: int | None) -> int | float | None:
    return None if us is None else _seconds(us)


# ----- the clock ---------------------------------------------------------------------------------


def compute_sla(
    policy: Policy,
    ticket: TicketAttributes,
    events: Sequence[TicketEvent],
    now: datetime,
) -> SlaState:
    """The state of every metric of a ticket at `now`."""
    if not events:
        raise TicketError("a ticket needs at least its 'opened' event")
    _check_events(policy, events, now)
    opened_us = to_us(events[0].at)
    ticket = ticket.model_copy(update={"opened_during": policy.open_calendars_at(opened_us)})
    decision = decide_priority(policy, ticket)
    history: list[tuple[datetime, str | None, str]] = [
        (events[0].at, decision.priority, decision.reason)
    ]
    for event in events:
        if event.type == "priority_changed":
            reason = str(event.data.get("reason") or "priority changed")
            history.append((event.at, event.priority, reason))
    now_us = to_us(now)
    metrics = {
        name: _metric(policy, ticket, name, events, history, now_us, now) for name in METRICS
    }
    return SlaState(
        policy=policy,
        ticket=ticket,
        priority=history[-1][1],
        priority_reason=history[-1][2],
        priority_history=tuple(history),
        opened=events[0].at,
        now=now,
        metrics=metrics,
        events=tuple(events),
    )


def _check_events(policy: Policy, events: Sequence[TicketEvent], now: datetime) -> None:
    if events[0].type != "opened":
        raise TicketError(f"the first event must be 'opened', not {events[0].type!r}")
    previous = None
    for n, event in enumerate(events):
        if event.type not in EVENT_TYPES and event.type not in LOG_ONLY_EVENTS:
            raise TicketError(
                f"event {n}: unknown type {event.type!r} (one of {', '.join(EVENT_TYPES)})"
            )
        if n and event.type == "opened":
            raise TicketError(f"event {n}: a ticket is opened only once")
        at = to_us(event.at)
        if previous is not None and at < previous:
            raise TicketError(f"event {n} ({event.type}) is earlier than the event before it")
        previous = at
        if at > to_us(now):
            raise TicketError(f"event {n} ({event.type}) is after now ({format_instant(now)})")
        if event.type == "priority_changed":
            if event.priority is None:
                raise TicketError(f"event {n}: priority_changed needs 'priority'")
            check_priority(policy, event.priority)


def _metric(
    policy: Policy,
    ticket: TicketAttributes,
    name: str,
    events: Sequence[TicketEvent],
    history: list[tuple[datetime, str | None, str]],
    now_us: int,
    now: datetime,
) -> MetricState:
    spec = policy.metrics[name]
    started = stopped = paused = False
    started_at: int | None = None
    stopped_at: int | None = None
    mode, since = NOT_STARTED, 0
    running: list[Span] = []
    paused_spans: list[Span] = []

    for event in events:
        at = to_us(event.at)
        kind = event.type
        if kind in spec.start and not started:
            started, started_at = True, at
        if kind in spec.reopen and stopped:
            stopped = False
        elif kind in spec.stop and started and not stopped:
            stopped, stopped_at = True, at
        if kind in spec.pause:
            paused = True
        elif kind in spec.resume:
            paused = False
        new_mode = (
            NOT_STARTED if not started else _STOPPED if stopped else PAUSED if paused else RUNNING
        )
        if new_mode != mode:
            if mode == RUNNING and at > since:
                running.append(Span(since, at))
            elif mode == PAUSED and at > since:
                paused_spans.append(Span(since, at))
            mode, since = new_mode, at
    if mode == RUNNING:
        running.append(Span(since, None))
    elif mode == PAUSED:
        paused_spans.append(Span(since, None))

    # The priority whose target applies: the one in force while the metric last ran.
    effective_us = stopped_at if mode == _STOPPED and stopped_at is not None else now_us
    change_mode = policy.priority_change_mode(name)
    baseline: int | None = None
    if change_mode == PriorityChange.KEEP and started_at is not None:
        priority = _priority_at(history, started_at)
    else:
        priority = _priority_at(history, effective_us)
        if change_mode == PriorityChange.RESTART and started_at is not None:
            changes = [to_us(t) for t, _, _ in history[1:] if started_at < to_us(t) <= effective_us]
            baseline = changes[-1] if changes else None

    calendar = policy.metric_calendar(name, priority)
    target_text = policy.target_text(name, priority, ticket)
    target_us = (
        None if target_text is None else parse_duration(target_text, calendar.workday_seconds) * US
    )
    elapsed = sum(calendar.between_us(s.start, now_us if s.end is None else s.end) for s in running)
    paused_total = sum(
        calendar.between_us(s.start, now_us if s.end is None else s.end) for s in paused_spans
    )

    counting = _clip(running, baseline)
    counted_so_far = sum(
        calendar.between_us(s.start, now_us if s.end is None else s.end) for s in counting
    )
    # A metric that stopped before its target was used up keeps the deadline that was in force:
    # where the remaining time would have run out had it kept running.
    resume_at = stopped_at if mode == _STOPPED else None
    due_us, counted = (
        (None, []) if target_us is None else _reach(calendar, counting, target_us, resume_at)
    )
    met_us = stopped_at if mode == _STOPPED else None
    breached = due_us is not None and (met_us > due_us if met_us is not None else now_us > due_us)
    state = BREACHED if breached else MET if mode == _STOPPED else mode
    escalations = _escalations(
        policy, name, priority, calendar, counting, target_us, due_us, mode, resume_at, now_us
    )
    zone = calendar.zone
    return MetricState(
        name=name,
        calendar=calendar,
        priority=priority,
        target_us=target_us,
        target_text=None if target_text is None else str(target_text),
        target_rule=policy.target_rule(name, priority, ticket),
        state=state,
        started_at=None if started_at is None else from_us(started_at, zone),
        due=None if due_us is None else from_us(due_us, zone),
        met_at=None if met_us is None else from_us(met_us, zone),
        breached=breached,
        elapsed_us=elapsed,
        paused_us=paused_total,
        running=tuple(running),
        paused=tuple(paused_spans),
        counted=tuple(counted),
        baseline_us=baseline,
        escalations=escalations,
        remaining_us=None if target_us is None else target_us - counted_so_far,
    )


def _priority_at(history: list[tuple[datetime, str | None, str]], at_us: int) -> str | None:
    current = history[0][1]
    for when, priority, _ in history:
        if to_us(when) <= at_us:
            current = priority
    return current


def _clip(spans: list[Span], baseline: int | None) -> list[Span]:
    if baseline is None:
        return spans
    out = []
    for span in spans:
        if span.end is not None and span.end <= baseline:
            continue
        out.append(Span(max(span.start, baseline), span.end))
    return out


def _reach(
    calendar: BusinessCalendar, spans: list[Span], amount: int, resume_at: int | None = None
) -> tuple[int | None, list[tuple[int, int]]]:
    """Where the running time in `spans` reaches `amount`, and the open stretches counted up to
    there (projected past `now` for a span still running). If the spans fall short, the answer
    is None, or, given `resume_at`, where the rest would run out counting on from there."""
    remaining = amount
    counted: list[tuple[int, int]] = []
    for span in spans:
        if span.end is None:
            due = calendar.add_us(span.start, remaining)
            counted.extend(calendar.segments_us(span.start, due))
            return due, counted
        got = calendar.between_us(span.start, span.end)
        if got >= remaining:
            due = calendar.add_us(span.start, remaining)
            counted.extend(calendar.segments_us(span.start, due))
            return due, counted
        counted.extend(calendar.segments_us(span.start, span.end))
        remaining -= got
    if amount == 0 and spans:
        return spans[0].start, counted
    if resume_at is not None:
        return calendar.add_us(resume_at, remaining), counted
    return None, counted


def _escalations(
    policy: Policy,
    metric: str,
    priority: str | None,
    calendar: BusinessCalendar,
    counting: list[Span],
    target_us: int | None,
    due_us: int | None,
    mode: str,
    met_us: int | None,
    now_us: int,
) -> tuple[EscalationPoint, ...]:
    """The ladder rungs that apply to this metric and priority, with when each is due."""
    if target_us is None:
        return ()
    points = []
    for rung, step in enumerate(policy.escalation.ladder):
        if step.metrics is not None and metric not in step.metrics:
            continue
        if step.priorities is not None and priority not in step.priorities:
            continue
        share, offset = parse_ladder_at(step.at)
        at_us: int | None
        if share >= 100 and offset is None:
            at_us = due_us
        elif offset is not None:
            at_us = (
                None
                if due_us is None
                else calendar.add_us(due_us, parse_duration(offset, calendar.workday_seconds) * US)
            )
        else:
            at_us = _reach(calendar, counting, round(target_us * share / 100), met_us)[0]
        if at_us is None:
            status = "unscheduled"
        elif met_us is not None and met_us <= at_us:
            status = "cancelled"
        elif now_us > at_us or (now_us == at_us and (share < 100 or offset is not None)):
            status = "reached"
        else:
            status = "pending" if mode == RUNNING else "unscheduled"
        points.append(
            EscalationPoint(
                rung=rung,
                at_text=step.at,
                notify=step.notify,
                due=None if at_us is None else from_us(at_us, calendar.zone),
                status=status,
                rule=step.rule,
            )
        )
    return tuple(points)
