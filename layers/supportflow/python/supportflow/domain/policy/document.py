"""A support policy (a contract's SLA) as data: a YAML document validated by a pydantic schema.

A policy names its calendars, its priorities and how a ticket gets one (rules on request type,
category and channel; an urgency x impact matrix; a proposed priority; a default), targets per
priority and metric with overrides per channel/type/category, which ticket events start, pause,
resume and stop each metric, what a priority change does, an escalation ladder, compliance
thresholds, and the date from which this version applies.

The parts are in sibling modules (calendar_spec, priority_rules, targets, ladder, entitlement_rules,
availability, problems, sections); the checks across parts are in `checks`, applied by `Policy`
(policy.py), which also loads a document.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, Self

from pydantic import Field, PrivateAttr, field_validator, model_validator

from supportflow.domain.calendar.business_calendar import BusinessCalendar
from supportflow.domain.calendar.opening_hours import CalendarError
from supportflow.domain.common.timeutil import TimeFormatError, parse_duration
from supportflow.domain.common.vocabulary import (
    CHANNELS,
    METRICS,
    DurationText,
    Ident,
    PolicyModel,
    PriorityChange,
    check_id,
)
from supportflow.domain.policy.availability import AvailabilitySpec
from supportflow.domain.policy.calendar_spec import CalendarSpec
from supportflow.domain.policy.entitlement_rules import Charges, Entitlements
from supportflow.domain.policy.errors import PathError
from supportflow.domain.policy.ladder import Escalation
from supportflow.domain.policy.priority_rules import Priorities, TicketAttributes
from supportflow.domain.policy.problems import ProblemSpec
from supportflow.domain.policy.sections import (
    CannedReply,
    Conversation,
    FormSpec,
    KnownGap,
    Lifecycle,
    Review,
)
from supportflow.domain.policy.targets import (
    DEFAULT_METRICS,
    MetricOverride,
    MetricSpec,
    MetricTargets,
    TargetOverride,
)


class PolicyDocument(PolicyModel):
    """A policy pack's fields, its calendars built, and the questions the SLA clock asks of it;
    `Policy` adds the checks across its parts."""

    id: Ident
    name: str
    version: int = Field(ge=1)
    effective_from: date
    language: Literal["nl", "en", "de"] = "nl"
    source: str | None = None
    calendars: dict[str, CalendarSpec] = Field(min_length=1)
    default_calendar: str | None = None
    default_channel: str = "web"
    channels: list[str] | None = Field(default=None, description="channels the contract offers")
    priorities: Priorities
    metrics: dict[str, MetricSpec] = Field(default_factory=dict, validate_default=True)
    on_priority_change: PriorityChange = PriorityChange.RECOMPUTE
    targets: dict[str, MetricTargets] = Field(default_factory=dict)
    target_overrides: list[TargetOverride] = Field(default_factory=list)
    metric_overrides: list[MetricOverride] = Field(default_factory=list)
    escalation: Escalation = Field(default_factory=Escalation)
    compliance: dict[str, float] = Field(
        default_factory=dict, description="share within target (%), per priority or 'default'"
    )
    lifecycle: Lifecycle = Field(default_factory=Lifecycle)
    conversation: Conversation = Field(default_factory=Conversation)
    entitlements: Entitlements = Field(default_factory=Entitlements)
    charges: Charges = Field(default_factory=Charges)
    availability: AvailabilitySpec = Field(default_factory=AvailabilitySpec)
    problems: ProblemSpec = Field(default_factory=ProblemSpec)
    review: Review = Field(default_factory=Review)
    known_gaps: list[KnownGap] = Field(default_factory=list)
    form: FormSpec = Field(default_factory=FormSpec)
    canned_replies: list[CannedReply] = Field(
        default_factory=list, description="texts agents start a message from, per language"
    )

    _calendars: dict[str, BusinessCalendar] = PrivateAttr(default_factory=dict)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return check_id(value)

    @field_validator("metrics", mode="before")
    @classmethod
    def _metric_defaults(cls, value: Any) -> Any:
        merged: dict[str, Any] = {k: dict(v) for k, v in DEFAULT_METRICS.items()}
        for name, spec in (value or {}).items():
            if name not in METRICS:
                raise ValueError(f"{name!r} is not a metric ({', '.join(METRICS)})")
            if isinstance(spec, dict):
                merged[name] = {**merged[name], **spec}
            else:
                merged[name] = spec
        return merged

    @field_validator("canned_replies")
    @classmethod
    def _canned_ids(cls, value: list[CannedReply]) -> list[CannedReply]:
        seen: set[tuple[str, str]] = set()
        for reply in value:
            if (reply.id, reply.language) in seen:
                raise ValueError(f"canned reply {reply.id!r} ({reply.language}) is there twice")
            seen.add((reply.id, reply.language))
        return value

    @field_validator("default_channel")
    @classmethod
    def _channel(cls, value: str) -> str:
        if value not in CHANNELS:
            raise ValueError(f"{value!r} is not a channel ({', '.join(CHANNELS)})")
        return value

    @model_validator(mode="after")
    def _calendars_built(self) -> Self:
        """Settle the default calendar and build every calendar (the checks across parts, in
        `Policy`, need the built calendars)."""
        if self.default_calendar is None:
            object.__setattr__(self, "default_calendar", next(iter(self.calendars)))
        elif self.default_calendar not in self.calendars:
            raise ValueError(f"default_calendar {self.default_calendar!r} is not a calendar")
        for name, spec in self.calendars.items():
            try:
                self._calendars[name] = spec.build(name)
            except (CalendarError, TimeFormatError) as exc:
                raise PathError(f"calendars.{name}", str(exc)) from None
        return self

    # ----- queries ----------------------------------------------------------------------------

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    def calendar(self, name: str | None = None) -> BusinessCalendar:
        return self._calendars[name or self.default_calendar or next(iter(self.calendars))]

    def metric_calendar(self, metric: str, priority: str | None = None) -> BusinessCalendar:
        """The calendar a metric runs on: the priority's, else the metric's, else the default."""
        level = next((lv for lv in self.priorities.levels if lv.id == priority), None)
        if level is not None and level.calendar is not None:
            return self.calendar(level.calendar)
        return self.calendar(self.metrics[metric].calendar)

    def metric_spec(self, metric: str, ticket: TicketAttributes) -> MetricSpec:
        """The events that drive `metric` for this ticket: the first matching override's, else
        the metric's own."""
        spec = self.metrics[metric]
        for override in self.metric_overrides:
            if override.metric == metric and override.when.matches(ticket):
                return override.apply(spec)
        return spec

    def priority_change_mode(self, metric: str) -> PriorityChange:
        return self.metrics[metric].on_priority_change or self.on_priority_change

    def target_seconds(
        self, metric: str, priority: str | None, ticket: TicketAttributes
    ) -> int | None:
        """The target of `metric` in business seconds for a ticket, or None (no target)."""
        text = self.target_text(metric, priority, ticket)
        if text is None:
            return None
        return parse_duration(text, self.metric_calendar(metric, priority).workday_seconds)

    def target_text(
        self, metric: str, priority: str | None, ticket: TicketAttributes
    ) -> DurationText | None:
        if priority is None:
            return None
        for override in self.target_overrides:
            if override.priorities is not None and priority not in override.priorities:
                continue
            if metric in override.targets and override.when.matches(ticket):
                return override.targets[metric]
        return self.targets.get(priority, {}).get(metric)

    def target_rule(
        self, metric: str, priority: str | None, ticket: TicketAttributes
    ) -> str | None:
        for override in self.target_overrides:
            if override.priorities is not None and priority not in override.priorities:
                continue
            if metric in override.targets and override.when.matches(ticket):
                return override.rule
        return None

    def open_calendars_at(self, instant_us: int) -> tuple[str, ...]:
        """The names of this policy's calendars that are open at an instant."""
        return tuple(name for name, cal in self._calendars.items() if cal.is_open_us(instant_us))

    def compliance_target(self, priority: str) -> float | None:
        return self.compliance.get(priority, self.compliance.get("default"))
