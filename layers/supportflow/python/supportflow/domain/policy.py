"""Support policies (contracts) as data: a YAML document validated by a pydantic schema.

A policy names its calendars, its priorities and how a ticket gets one (rules on request type,
category and channel; an urgency x impact matrix; a proposed priority; a default), targets per
priority and metric with overrides per channel/type/category, which ticket events start, pause,
resume and stop each metric, what a priority change does, an escalation ladder, compliance
thresholds, and the date from which this version applies.

This module holds the policy as a whole and its loading. Its parts are in sibling modules (the
shared ids in vocabulary.py, calendar_spec.py, priority_rules.py, targets.py, ladder.py) and the
checks across parts in policy_checks.py; the names callers import from here are re-exported.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import yaml
from pydantic import Field, PrivateAttr, ValidationError, field_validator, model_validator

from supportflow.domain.availability import AvailabilitySpec
from supportflow.domain.calendar import BusinessCalendar, CalendarError
from supportflow.domain.calendar_spec import CalendarSpec, HolidaySpec
from supportflow.domain.entitlement_rules import Charges, Entitlements
from supportflow.domain.ladder import Escalation, LadderStep, parse_ladder_at
from supportflow.domain.policy_checks import PathError, check_policy
from supportflow.domain.priority_rules import (
    Condition,
    Priorities,
    PriorityLevel,
    PriorityMatrix,
    PriorityRule,
    TicketAttributes,
)
from supportflow.domain.problems import ProblemSpec
from supportflow.domain.targets import (
    DEFAULT_METRICS,
    MetricOverride,
    MetricSpec,
    MetricTargets,
    TargetOverride,
)
from supportflow.domain.timeutil import TimeFormatError, parse_duration
from supportflow.domain.vocabulary import (
    CHANNELS,
    EVENT_TYPES,
    LOG_ONLY_EVENTS,
    METRICS,
    REQUEST_TYPES,
    DurationText,
    Ident,
    PolicyModel,
    PriorityChange,
    check_id,
)

__all__ = [
    "CHANNELS",
    "DEFAULT_METRICS",
    "EVENT_TYPES",
    "LOG_ONLY_EVENTS",
    "METRICS",
    "REQUEST_TYPES",
    "Authority",
    "CalendarSpec",
    "Condition",
    "Conversation",
    "DurationText",
    "Escalation",
    "HolidaySpec",
    "Ident",
    "KnownGap",
    "LadderStep",
    "Lifecycle",
    "MetricSpec",
    "MetricTargets",
    "Policy",
    "PolicyError",
    "Priorities",
    "PriorityChange",
    "PriorityLevel",
    "PriorityMatrix",
    "PriorityRule",
    "TargetOverride",
    "TicketAttributes",
    "load_policy_text",
    "parse_ladder_at",
]


class PolicyError(ValueError):
    """A policy that cannot be used: `where` is the file, `path` the place inside it."""

    def __init__(self, where: str, path: str, reason: str) -> None:
        self.where, self.path, self.reason = where, path, reason
        location = f"{where}: {path}" if path else where
        super().__init__(f"{location}: {reason}")


class KnownGap(PolicyModel):
    rule: str
    text: str


class Lifecycle(PolicyModel):
    auto_close_after: DurationText | None = Field(
        default=None, description="a resolved ticket closes itself after this much business time"
    )
    calendar: str | None = None


class Authority(PolicyModel):
    """Requests only the account owner may make (R000-7), and how the desk knows it is them."""

    categories: list[str] = Field(
        default_factory=list, description="request categories only the account owner may file"
    )
    keywords: dict[str, list[str]] = Field(
        default_factory=dict,
        description="category -> words that mark a mail as that request (mail has no form)",
    )
    proof_channels: list[str] = Field(
        default_factory=list,
        description="channels that prove the owner (an in-app chat that files with the form key)",
    )
    refused: dict[str, list[str]] = Field(
        default_factory=dict, description="channel -> categories never valid by that channel"
    )
    rule: str | None = None


class Conversation(PolicyModel):
    """How the desk talks with the customer about a ticket."""

    reopen_on_reply: bool = Field(
        default=True, description="a customer's message on a resolved ticket reopens it"
    )
    copy_to_authorised: bool = Field(
        default=False,
        description="answers to a contact who is not authorised are copied to an authorised one",
    )
    authority: Authority = Field(default_factory=Authority)
    authorised_only: list[str] = Field(
        default_factory=list,
        description="priorities only an authorised contact may file; from anyone else the "
        "ticket gets the default priority, with the reason logged",
    )
    contacts_rule: str | None = Field(
        default=None, description="the contract rule on authorised contacts (R001-4)"
    )
    max_authorised: int | None = Field(
        default=None, ge=1, description="at most this many authorised contacts at a time"
    )


class Review(PolicyModel):
    """Who hears of the SLA review's early warnings while a month runs (a role of the
    escalation section, whose address the contract gives)."""

    warn: str | None = None
    rule: str | None = None


class Policy(PolicyModel):
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

    @field_validator("default_channel")
    @classmethod
    def _channel(cls, value: str) -> str:
        if value not in CHANNELS:
            raise ValueError(f"{value!r} is not a channel ({', '.join(CHANNELS)})")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Policy:
        """Settle the default calendar and build every calendar, then check the cross-references
        (policy_checks.py), which need the built calendars."""
        if self.default_calendar is None:
            object.__setattr__(self, "default_calendar", next(iter(self.calendars)))
        elif self.default_calendar not in self.calendars:
            raise ValueError(f"default_calendar {self.default_calendar!r} is not a calendar")
        for name, spec in self.calendars.items():
            try:
                self._calendars[name] = spec.build(name)
            except (CalendarError, TimeFormatError) as exc:
                raise PathError(f"calendars.{name}", str(exc)) from None
        check_policy(self)
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


# ----- loading ----------------------------------------------------------------------------------


def load_policy_text(text: str, where: str) -> Policy:
    """Parse and validate a policy document; any problem is a PolicyError naming the place."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise PolicyError(where, line, f"not valid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise PolicyError(where, "", "a policy must be a YAML mapping")
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        path = _dotted(error.get("loc", ()))
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, PathError):
            path = cause.path
            reason = cause.reason
        else:
            reason = _reason(error)
        raise PolicyError(where, path, reason) from None
    except PathError as exc:
        raise PolicyError(where, exc.path, exc.reason) from None
    except (CalendarError, TimeFormatError) as exc:
        raise PolicyError(where, "", str(exc)) from None


def _dotted(loc: tuple[Any, ...] | list[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _reason(error: Any) -> str:
    message = str(error.get("msg", "invalid"))
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            message = message[len(prefix) :]
    if error.get("type") == "extra_forbidden":
        message = "unknown field"
    elif error.get("type") == "missing":
        message = "required field is missing"
    return message.replace("\n", " ")
