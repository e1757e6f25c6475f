"""What an explanation of a ticket's deadlines holds: per metric the open-time segments that add
up to the deadline, the pauses, the closed days skipped and the escalations, in the calendar's
local time; and its form as plain data (`as_dict`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from supportflow.domain.common.timeutil import format_instant


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

    def as_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "priority": self.priority,
            "target": self.target,
            "target_source": self.target_source,
            "calendar": self.calendar,
            "started_at": format_instant(self.started_at),
            "counted_from": format_instant(self.counted_from),
            "due": format_instant(self.due),
            "met_at": format_instant(self.met_at),
            "breached": self.breached,
            "elapsed_business_seconds": self.elapsed_seconds,
            "paused_business_seconds": self.paused_seconds,
            "remaining_business_seconds": self.remaining_seconds,
            "segments": [
                {
                    "start": format_instant(s.start),
                    "end": format_instant(s.end),
                    "seconds": s.seconds,
                    "total_seconds": s.total_seconds,
                    "projected": s.projected,
                }
                for s in self.segments
            ],
            "pauses": [
                {
                    "start": format_instant(p.start),
                    "end": format_instant(p.end),
                    "business_seconds": p.business_seconds,
                }
                for p in self.pauses
            ],
            "skipped": [{"date": d, "reason": r} for d, r in self.skipped],
            "escalations": [
                {k: v for k, v in e.items() if k != "due_at"} for e in self.escalations
            ],
        }


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
        return {
            "policy": self.policy,
            "policy_version": self.policy_version,
            "effective_from": self.effective_from,
            "priority": self.priority,
            "priority_history": [
                {"at": format_instant(at), "priority": p, "reason": reason}
                for at, p, reason in self.priority_history
            ],
            "now": format_instant(self.now),
            "metrics": {m.metric: m.as_dict() for m in self.metrics},
        }
