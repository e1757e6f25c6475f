"""The clock of one SLA metric: how the ticket's events start, stop, pause, resume and reopen it,
which priority's target applies, and where that target runs out on the metric's calendar."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from supportflow.domain.calendar.business_calendar import BusinessCalendar
from supportflow.domain.calendar.spans import Span, clip, open_us, reach
from supportflow.domain.common.timeutil import (
    US,
    add_months,
    calendar_months,
    from_us,
    parse_duration,
    to_us,
)
from supportflow.domain.common.vocabulary import DurationText, PriorityChange
from supportflow.domain.policy.policy import Policy
from supportflow.domain.policy.priority_rules import TicketAttributes
from supportflow.domain.policy.targets import MetricSpec
from supportflow.domain.sla.escalation_points import escalation_points
from supportflow.domain.sla.sla_state import (
    BREACHED,
    MET,
    NOT_STARTED,
    PAUSED,
    RUNNING,
    STOPPED,
    MetricState,
    TicketEvent,
)

PriorityHistory = list[tuple[datetime, str | None, str]]  # (since, priority, reason), in order


@dataclass(frozen=True)
class _Course:
    """How the events drove a metric: the mode it ended in (not started, running, paused or
    stopped), when it first started and last stopped, and its running and paused spans."""

    mode: str
    started_at: int | None
    stopped_at: int | None
    running: list[Span]
    paused: list[Span]


def metric_state(
    policy: Policy,
    ticket: TicketAttributes,
    name: str,
    events: Sequence[TicketEvent],
    history: PriorityHistory,
    now_us: int,
) -> MetricState:
    """The state of metric `name` at `now_us`."""
    course = _follow(policy.metric_spec(name, ticket), events)
    priority, baseline = _priority_in_force(policy, name, history, course, now_us)
    calendar = policy.metric_calendar(name, priority)
    target_text = policy.target_text(name, priority, ticket)
    elapsed = open_us(calendar, course.running, now_us)
    paused_total = open_us(calendar, course.paused, now_us)
    counting = clip(course.running, baseline)
    target_us = _target_us(target_text, calendar, counting)
    counted_so_far = open_us(calendar, counting, now_us)
    met_us = course.stopped_at if course.mode == STOPPED else None
    due_us, counted, breached = _deadline(calendar, counting, target_us, met_us, now_us)
    ladder, running = policy.escalation.ladder, course.mode == RUNNING
    escalations = escalation_points(
        ladder, name, priority, calendar, counting, target_us, due_us, running, met_us, now_us
    )
    zone = calendar.zone
    return MetricState(
        name=name,
        calendar=calendar,
        priority=priority,
        target_us=target_us,
        target_text=None if target_text is None else str(target_text),
        target_rule=policy.target_rule(name, priority, ticket),
        state=BREACHED if breached else MET if course.mode == STOPPED else course.mode,
        started_at=None if course.started_at is None else from_us(course.started_at, zone),
        due=None if due_us is None else from_us(due_us, zone),
        met_at=None if met_us is None else from_us(met_us, zone),
        breached=breached,
        elapsed_us=elapsed,
        paused_us=paused_total,
        running=tuple(course.running),
        paused=tuple(course.paused),
        counted=tuple(counted),
        baseline_us=baseline,
        escalations=escalations,
        remaining_us=None if target_us is None else target_us - counted_so_far,
    )


def _target_us(
    text: DurationText | None, calendar: BusinessCalendar, counting: list[Span]
) -> int | None:
    """The target in business microseconds. A target in calendar months (R004-8: '1 month') is
    the calendar's open time from where the metric started counting to the same wall-clock time
    that many months later; it is unknown (None) until the metric starts."""
    if text is None:
        return None
    months = calendar_months(text)
    if months is None:
        return parse_duration(text, calendar.workday_seconds) * US
    if not counting:
        return None
    start = counting[0].start
    end = to_us(add_months(from_us(start, calendar.zone), months))
    return calendar.between_us(start, end)


def _deadline(
    calendar: BusinessCalendar,
    counting: list[Span],
    target_us: int | None,
    met_us: int | None,
    now_us: int,
) -> tuple[int | None, list[tuple[int, int]], bool]:
    """Where the target runs out on the counting spans, the stretches counted up to there, and
    whether it is breached (for a metric that stopped at `met_us`: whether it stopped late)."""
    # A metric that stopped before its target was used up keeps the deadline that was in force:
    # where the remaining time would have run out had it kept running.
    due_us, counted = (
        (None, []) if target_us is None else reach(calendar, counting, target_us, met_us)
    )
    breached = due_us is not None and (met_us > due_us if met_us is not None else now_us > due_us)
    return due_us, counted, breached


def _follow(spec: MetricSpec, events: Sequence[TicketEvent]) -> _Course:
    """Walk the events: the metric's mode after each, and the spans it ran and stood paused."""
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
            NOT_STARTED if not started else STOPPED if stopped else PAUSED if paused else RUNNING
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
    return _Course(mode, started_at, stopped_at, running, paused_spans)


def _priority_in_force(
    policy: Policy, name: str, history: PriorityHistory, course: _Course, now_us: int
) -> tuple[str | None, int | None]:
    """The priority whose target applies (the one in force while the metric last ran, or at its
    start when a change keeps the deadline), and where counting restarts after a change (if so)."""
    effective_us = (
        course.stopped_at if course.mode == STOPPED and course.stopped_at is not None else now_us
    )
    change_mode = policy.priority_change_mode(name)
    started_at = course.started_at
    baseline: int | None = None
    if change_mode == PriorityChange.KEEP and started_at is not None:
        priority = _priority_at(history, started_at)
    else:
        priority = _priority_at(history, effective_us)
        if change_mode == PriorityChange.RESTART and started_at is not None:
            changes = [to_us(t) for t, _, _ in history[1:] if started_at < to_us(t) <= effective_us]
            baseline = changes[-1] if changes else None
    return priority, baseline


def _priority_at(history: PriorityHistory, at_us: int) -> str | None:
    current = history[0][1]
    for when, priority, _ in history:
        if to_us(when) <= at_us:
            current = priority
    return current
