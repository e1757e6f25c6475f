"""Why a deadline is where it is: the open-time segments, skipped holidays and pauses that add up
to each deadline, in the calendar's local time.

`explain` builds the explanation (its parts are in explanation.py); `render_text` (in
explanation_text.py, re-exported here) turns it into text for a person.
"""

from __future__ import annotations

from typing import Any

from supportflow.domain.common.timeutil import US, format_instant, from_us, to_us
from supportflow.domain.sla.explanation import Explanation, MetricExplanation, Pause, Segment
from supportflow.domain.sla.sla_state import MetricState, SlaState


def explain(state: SlaState) -> Explanation:
    policy = state.policy
    zone = policy.calendar().zone
    return Explanation(
        policy=policy.id,
        policy_version=policy.version,
        effective_from=policy.effective_from.isoformat(),
        priority=state.priority,
        priority_history=[(at.astimezone(zone), p, why) for at, p, why in state.priority_history],
        now=state.now.astimezone(zone),
        metrics=[_metric(state, m) for m in state.metrics.values()],
    )


def _metric(state: SlaState, m: MetricState) -> MetricExplanation:
    cal = m.calendar
    now_us = to_us(state.now)
    segments = _segments(m, now_us)
    pauses = _pauses(m, now_us)
    skipped: list[tuple[str, str]] = []
    if m.started_at is not None:
        until = max(t for t in (m.due, m.met_at, state.now) if t is not None)
        skipped = [(d.isoformat(), why) for d, why in cal.closed_days(m.started_at, until)]
    return MetricExplanation(
        metric=m.name,
        state=m.state,
        priority=m.priority,
        target=m.target_text,
        target_source=_target_source(m),
        calendar=f"{cal.name}: {cal.describe()}",
        timezone=cal.timezone,
        started_at=m.started_at,
        due=m.due,
        met_at=m.met_at,
        breached=m.breached,
        elapsed_seconds=m.elapsed_us / US,
        paused_seconds=m.paused_us / US,
        remaining_seconds=None if m.remaining_us is None else m.remaining_us / US,
        counted_from=None if m.baseline_us is None else from_us(m.baseline_us, cal.zone),
        segments=segments,
        pauses=pauses,
        skipped=skipped,
        escalations=_escalations(m),
    )


def _segments(m: MetricState, now_us: int) -> list[Segment]:
    """The counted stretches, cut at `now`, each with the running total up to its end."""
    zone = m.calendar.zone
    segments: list[Segment] = []
    total = 0
    for s, e in _split(m.counted, now_us):
        total += e - s
        segments.append(
            Segment(
                start=from_us(s, zone),
                end=from_us(e, zone),
                seconds=(e - s) / US,
                total_seconds=total / US,
                projected=s >= now_us,
            )
        )
    return segments


def _pauses(m: MetricState, now_us: int) -> list[Pause]:
    cal = m.calendar
    return [
        Pause(
            start=from_us(p.start, cal.zone),
            end=None if p.end is None else from_us(p.end, cal.zone),
            business_seconds=cal.between_us(p.start, now_us if p.end is None else p.end) / US,
        )
        for p in m.paused
    ]


def _target_source(m: MetricState) -> str:
    if m.target_text is None:
        return "no target for this ticket" if m.priority else "no priority, so no target"
    source = f"priority {m.priority}"
    if m.target_rule:
        source += f", {m.target_rule}"
    return source


def _escalations(m: MetricState) -> list[dict[str, Any]]:
    return [
        {
            "at": e.at_text,
            "notify": e.notify,
            "due": format_instant(e.due),
            "due_at": e.due,
            "status": e.status,
        }
        for e in m.escalations
    ]


def _split(stretches: tuple[tuple[int, int], ...], at: int) -> list[tuple[int, int]]:
    """The stretches, with the one that contains `at` cut in two there."""
    out: list[tuple[int, int]] = []
    for s, e in stretches:
        if s < at < e:
            out.extend(((s, at), (at, e)))
        else:
            out.append((s, e))
    return out
