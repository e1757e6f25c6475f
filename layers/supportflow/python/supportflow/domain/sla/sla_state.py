"""What the SLA clock reads and answers: a ticket event, the states a metric can be in, and the
state of each metric (`MetricState`) and of the whole ticket (`SlaState`) at one instant."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from supportflow.domain.calendar.business_calendar import BusinessCalendar
from supportflow.domain.calendar.spans import Span
from supportflow.domain.common.timeutil import format_instant
from supportflow.domain.common.timeutil import seconds_value as _seconds
from supportflow.domain.policy.policy import Policy
from supportflow.domain.policy.priority_rules import TicketAttributes
from supportflow.domain.sla.escalation_points import EscalationPoint

NOT_STARTED, RUNNING, PAUSED, MET, BREACHED = "not_started", "running", "paused", "met", "breached"
STOPPED = "stopped"  # between the clock's steps only: a stopped metric is met or breached


@dataclass(frozen=True)
class TicketEvent:
    """One thing that happened to a ticket. `priority` goes with `priority_changed`."""

    at: datetime
    type: str
    priority: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


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
