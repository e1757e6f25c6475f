"""An explanation as text for a person: the policy and priority history, then per metric its
calendar, the counted segments, skipped days, pauses, the deadline and the escalations."""

from __future__ import annotations

from datetime import datetime

from supportflow.domain.common.timeutil import format_seconds
from supportflow.domain.sla.explanation import Explanation, MetricExplanation


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
        lines.extend(_metric_lines(m))
    return "\n".join(lines) + "\n"


def _metric_lines(m: MetricExplanation) -> list[str]:
    target = f"target {m.target}" if m.target is not None else "no target"
    lines = [
        f"{m.metric.capitalize()}: {target} ({m.target_source}); state {m.state}",
        f"  calendar   {m.calendar}",
    ]
    if m.started_at is None:
        lines.append("  not started")
        return lines
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
    return lines + _outcome_lines(m)


def _outcome_lines(m: MetricExplanation) -> list[str]:
    """When the metric is due, when it stopped, and its escalations."""
    lines = []
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
    return lines


def _local(value: datetime | None) -> str:
    if value is None:
        return "-"
    return (
        value.strftime("%a %Y-%m-%d %H:%M")
        + (f":{value.second:02d}" if value.second else "")
        + f" {value.tzname()}"
    )
