"""Why a deadline is where it is: the open-time segments, skipped holidays and pauses that add up
to each deadline, in the calendar's local time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from supportflow.domain.clock import MetricState, SlaState
from supportflow.domain.timeutil import US, format_instant, format_seconds, from_us, to_us


@dataclass(frozen=True)
class Segment:
    start: datetime
    end: datetime
    seconds: float
    total_seconds: float
    projected: bool  # lies after `now`: counted if the clock keeps running


@dataclass(frozen=True)
class Pause:
    start: datetime
    end: datetime | None
    business_seconds: float


@dataclass(frozen=True)
class MetricExplanation:
    metric: str
    state: str
    priority: str | None
    target: str | None
    target_source: str
    calendar: str
    timezone: str
    started_at: datetime | None
    due: datetime | None
    met_at: datetime | None
    breached: bool
    elapsed_seconds: float
    paused_seconds: float
    remaining_seconds: float | None
    counted_from: datetime | None
    segments: list[Segment] = field(default_factory=list)
    pauses: list[Pause] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    escalations: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Explanation:
    policy: str
    policy_version: int
    effective_from: str
    priority: str | None
    priority_history: list[tuple[datetime, str | None, str]]
    now: datetime
    metrics: list[MetricExplanation]

    def as_dict(self) -> dict[str, Any]:
        def instant(value: datetime | None) -> str | None:
            return format_instant(value)

        return {
            "policy": self.policy,
            "policy_version": self.policy_version,
            "effective_from": self.effective_from,
            "priority": self.priority,
            "priority_history": [
                {"at": instant(at), "priority": p, "reason": reason}
                for at, p, reason in self.priority_history
            ],
            "now": instant(self.now),
            "metrics": {
                m.metric: {
                    "state": m.state,
                    "priority": m.priority,
                    "target": m.target,
                    "target_source": m.target_source,
                    "calendar": m.calendar,
                    "started_at": instant(m.started_at),
                    "counted_from": instant(m.counted_from),
                    "due": instant(m.due),
                    "met_at": instant(m.met_at),
                    "breached": m.breached,
                    "elapsed_business_seconds": m.elapsed_seconds,
                    "paused_business_seconds": m.paused_seconds,
                    "remaining_business_seconds": m.remaining_seconds,
                    "segments": [
                        {
                            "start": instant(s.start),
                            "end": instant(s.end),
                            "seconds": s.seconds,
                            "total_seconds": s.total_seconds,
                            "projected": s.projected,
                        }
                        for s in m.segments
                    ],
                    "pauses": [
                        {
                            "start": instant(p.start),
                            "end": instant(p.end),
                            "business_seconds": p.business_seconds,
                        }
                        for p in m.pauses
                    ],
                    "skipped": [{"date": d, "reason": r} for d, r in m.skipped],
                    "escalations": [
                        {k: v for k, v in e.items() if k != "due_at"} for e in m.escalations
                    ],
                }
                for m in self.metrics
            },
        }


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
    zone = cal.zone
    now_us = to_us(state.now)
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
    pauses = [
        Pause(
            start=from_us(p.start, zone),
            end=None if p.end is None else from_us(p.end, zone),
            business_seconds=cal.between_us(p.start, now_us if p.end is None else p.end) / US,
        )
        for p in m.paused
    ]
    skipped: list[tuple[str, str]] = []
    if m.started_at is not None:
        until = max(t for t in (m.due, m.met_at, state.now) if t is not None)
        skipped = [(d.isoformat(), why) for d, why in cal.closed_days(m.started_at, until)]
    if m.target_text is None:
        source = "no target for this ticket" if m.priority else "no priority, so no target"
    else:
        source = f"priority {m.priority}"
        if m.target_rule:
            source += f", {m.target_rule}"
    return MetricExplanation(
        metric=m.name,
        state=m.state,
        priority=m.priority,
        target=m.target_text,
        target_source=source,
        calendar=f"{cal.name}: {cal.describe()}",
        timezone=cal.timezone,
        started_at=m.started_at,
        due=m.due,
        met_at=m.met_at,
        breached=m.breached,
        elapsed_seconds=m.elapsed_us / US,
        paused_seconds=m.paused_us / US,
        remaining_seconds=None if m.remaining_us is None else m.remaining_us / US,
        counted_from=None if m.baseline_us is None else from_us(m.baseline_us, zone),
        segments=segments,
        pauses=pauses,
        skipped=skipped,
        escalations=[
            {
                "at": e.at_text,
                "notify": e.notify,
                "due": format_instant(e.due),
                "due_at": e.due,
                "status": e.status,
            }
            for e in m.escalations
        ],
    )


def _split(stretches: tuple[tuple[int, int], ...], at: int) -> list[tuple[int, int]]:
    """The stretches, with the one that contains `at` cut in two there."""
    out: list[tuple[int, int]] = []
    for s, e in stretches:
        if s < at < e:
            out.extend(((s, at), (at, e)))
        else:
            out.append((s, e))
    return out


# ----- text for a person ---------------------------------------------------------------------


def _local(value: datetime | None) -> str:
    if value is None:
        return "-"
    return (
        value.strftime("%a %Y-%m-%d %H:%M")
        + (f":{value.second:02d}" if value.second else "")
        + f" {value.tzname()}"
    )


def render_text(explanation: Explanation) -> str:
    lines = [
        f"Policy {explanation.policy} v{explanation.policy_version} "
        f"(in effect from {explanation.effective_from}); now {_local(explanation.now)}",
    ]
    _, first_p, first_reason = explanation.priority_history[0]
    lines.append(f"Priority at opening: {first_p or 'none'} ({first_reason})")
    for at, priority, reason in explanation.priority_history[1:]:
        lines.append(f"  {_local(at)}: changed to {priority} ({reason})")
    for m in explanation.metrics:
        lines.append("")
        target = f"target {m.target}" if m.target is not None else "no target"
        lines.append(f"{m.metric.capitalize()}: {target} ({m.target_source}); state {m.state}")
        lines.append(f"  calendar   {m.calendar}")
        if m.started_at is None:
            lines.append("  not started")
            continue
        lines.append(f"  started    {_local(m.started_at)}")
        if m.counted_from is not None:
            lines.append(f"  recounted  from {_local(m.counted_from)} (priority change restarts)")
        for s in m.segments:
            tag = "  (if it keeps running)" if s.projected else ""
            same_day = s.end.date() == s.start.date()
            end = s.end.strftime("%H:%M") if same_day else _local(s.end)
            lines.append(
                f"  counted    {_local(s.start)} -> {end}"
                f"  {format_seconds(s.seconds):>7}  total {format_seconds(s.total_seconds)}{tag}"
            )
        for day, why in m.skipped:
            lines.append(f"  skipped    {day}: {why}")
        for p in m.pauses:
            end = _local(p.end) if p.end else "now (still paused)"
            lines.append(
                f"  paused     {_local(p.start)} -> {end}: "
                f"{format_seconds(p.business_seconds)} of open time not counted"
            )
        lines.append(
            f"  elapsed    {format_seconds(m.elapsed_seconds)} of open time; "
            f"paused {format_seconds(m.paused_seconds)}"
        )
        if m.due is not None:
            verdict = "BREACHED" if m.breached else ""
            lines.append(f"  due        {_local(m.due)}  {verdict}".rstrip())
        elif m.target is not None and m.remaining_seconds is not None:
            lines.append(
                f"  due        moves while paused: {format_seconds(m.remaining_seconds)} "
                "of open time remain when the clock resumes"
            )
        if m.met_at is not None:
            how = "late" if m.breached else "in time" if m.due is not None else ""
            lines.append(f"  stopped    {_local(m.met_at)} {how}".rstrip())
        for e in m.escalations:
            due = _local(e["due_at"]) if e["due_at"] is not None else "when the clock runs again"
            lines.append(f"  escalation {e['at']:<12} -> {e['notify']}: {e['status']}, {due}")
    return "\n".join(lines) + "\n"
