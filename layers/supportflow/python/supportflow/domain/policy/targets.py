"""The metrics and targets sections of a policy: which ticket events start, stop, pause, resume
and reopen each SLA metric (with the defaults a policy need not repeat), the targets per priority
and metric, and the overrides that replace them for some tickets."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from supportflow.domain.common.vocabulary import (
    EVENT_TYPES,
    DurationText,
    PolicyModel,
    PriorityChange,
)
from supportflow.domain.policy.priority_rules import Condition


class MetricSpec(PolicyModel):
    """Which ticket events drive one SLA metric."""

    calendar: str | None = None
    start: list[str]
    stop: list[str]
    pause: list[str] = Field(default_factory=list)
    resume: list[str] = Field(default_factory=list)
    reopen: list[str] = Field(
        default_factory=list, description="events that set a stopped metric running again"
    )
    on_priority_change: PriorityChange | None = None

    @field_validator("start", "stop", "pause", "resume", "reopen")
    @classmethod
    def _events(cls, value: list[str]) -> list[str]:
        for v in value:
            if v not in EVENT_TYPES:
                raise ValueError(f"{v!r} is not a ticket event ({', '.join(EVENT_TYPES)})")
        return value


DEFAULT_METRICS: dict[str, dict[str, Any]] = {
    # First response: the first customer-visible reply. Asking the customer for information counts,
    # and so does the reply that resolves the ticket.
    "response": {
        "start": ["opened"],
        "stop": ["responded", "waiting_on_customer", "resolved", "closed"],
    },
    # Resolution: paused while waiting on the customer; a reopened ticket continues from where it
    # stopped (the time it stood resolved does not count).
    "resolution": {
        "start": ["opened"],
        "stop": ["resolved", "closed"],
        "pause": ["waiting_on_customer"],
        "resume": ["customer_replied", "reopened"],
        "reopen": ["reopened"],
    },
}


MetricTargets = dict[str, DurationText | None]


class TargetOverride(PolicyModel):
    """Targets that replace the priority's own where `when` matches (first match wins).

    `priorities` limits it to some priorities; a metric given as null has no target there."""

    when: Condition
    priorities: list[str] | None = None
    targets: MetricTargets
    rule: str | None = None


class MetricOverride(PolicyModel):
    """Events that drive a metric differently for some tickets (first match wins): R004-4 times
    an incident's resolution from its root cause, while an RCA report (R004-8) is timed from the
    request. Fields left out keep the metric's own."""

    when: Condition
    metric: str
    start: list[str] | None = None
    stop: list[str] | None = None
    pause: list[str] | None = None
    resume: list[str] | None = None
    reopen: list[str] | None = None
    rule: str | None = None

    @field_validator("start", "stop", "pause", "resume", "reopen")
    @classmethod
    def _events(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else MetricSpec._events(value)

    def apply(self, spec: MetricSpec) -> MetricSpec:
        changes = {
            k: getattr(self, k)
            for k in ("start", "stop", "pause", "resume", "reopen")
            if getattr(self, k) is not None
        }
        return spec.model_copy(update=changes)
