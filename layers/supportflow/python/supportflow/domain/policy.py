"""Support policies (contracts) as data: a YAML document validated by a pydantic schema.

A policy names its calendars, its priorities and how a ticket gets one (rules on request type,
category and channel; an urgency x impact matrix; a proposed priority; a default), targets per
priority and metric with overrides per channel/type/category, which ticket events start, pause,
resume and stop each metric, what a priority change does, an escalation ladder, compliance
thresholds, and the date from which this version applies.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from supportflow.domain.calendar import WEEKDAYS, BusinessCalendar, CalendarError, Interval
from supportflow.domain.timeutil import TimeFormatError, parse_duration

# ----- the ids every pack shares (SEEDS.md) ---------------------------------------------------

CHANNELS = ("web", "email", "chat", "phone", "portal", "monitoring", "screen_share")
REQUEST_TYPES = ("incident", "information", "change", "live_booking", "advice")
EVENT_TYPES = (
    "opened",
    "responded",
    "waiting_on_customer",
    "customer_replied",
    "root_cause_found",
    "resolved",
    "reopened",
    "priority_changed",
    "closed",
)
# Events that are only part of a ticket's log: the SLA clock accepts and ignores them.
LOG_ONLY_EVENTS = ("taken", "handed_to_second_line", "escalated", "note")
METRICS = ("response", "resolution")
_ID = re.compile(r"^[a-z][a-z0-9_-]*$")


class PolicyError(ValueError):
    """A policy that cannot be used: `where` is the file, `path` the place inside it."""

    def __init__(self, where: str, path: str, reason: str) -> None:
        self.where, self.path, self.reason = where, path, reason
        location = f"{where}: {path}" if path else where
        super().__init__(f"{location}: {reason}")


class PriorityChange(StrEnum):
    RECOMPUTE = "recompute"  # the new target from the metric's start, keeping elapsed and paused
    RESTART = "restart"  # the new target counted afresh from the change
    KEEP = "keep"  # the deadline stays as it was


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _ident(value: str) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise ValueError(f"{value!r} is not an id (lower case letters, digits, '_' and '-')")
    return value


Ident = Annotated[str, Field(min_length=1, max_length=64)]
DurationText = str | int | float


# ----- calendars -------------------------------------------------------------------------------


class HolidaySpec(_Model):
    country: str | None = None
    subdivision: str | None = None
    add: dict[date, str] = Field(default_factory=dict)
    remove: list[date] = Field(default_factory=list)


class CalendarSpec(_Model):
    timezone: str
    hours: dict[str, list[str]]
    holidays: HolidaySpec = Field(default_factory=HolidaySpec)
    holiday_hours: list[str] = Field(
        default_factory=list, description="open intervals on a holiday (default: closed)"
    )
    overrides: dict[date, list[str]] = Field(default_factory=dict)
    workday: DurationText | None = Field(
        default=None, description="length of a working day (default: the usual open day)"
    )

    @field_validator("hours")
    @classmethod
    def _weekdays(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for key, intervals in value.items():
            if key not in WEEKDAYS:
                raise ValueError(f"{key!r} is not a weekday (use {', '.join(WEEKDAYS)})")
            for text in intervals:
                Interval.parse(text)
        return value

    def build(self, name: str) -> BusinessCalendar:
        workday = parse_duration(self.workday) if self.workday is not None else None
        return BusinessCalendar(
            self.timezone,
            self.hours,
            name=name,
            holiday_country=self.holidays.country,
            holiday_subdivision=self.holidays.subdivision,
            holidays_added=self.holidays.add,
            holidays_removed=self.holidays.remove,
            holiday_hours=self.holiday_hours,
            overrides=self.overrides,
            workday_seconds=workday,
        )


# ----- priorities ------------------------------------------------------------------------------


class PriorityLevel(_Model):
    id: Ident
    label: str | None = None
    description: str | None = None
    calendar: str | None = Field(
        default=None, description="the calendar this priority's targets run on (default: metric's)"
    )

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return _ident(value)


class Condition(_Model):
    """Matches a ticket when every given attribute is one of the listed values, and (with
    `during`) when the ticket was opened while the named calendar was open."""

    type: list[str] | None = None
    category: list[str] | None = None
    channel: list[str] | None = None
    during: str | None = None

    @field_validator("type")
    @classmethod
    def _types(cls, value: list[str] | None) -> list[str] | None:
        for v in value or []:
            if v not in REQUEST_TYPES:
                raise ValueError(f"{v!r} is not a request type ({', '.join(REQUEST_TYPES)})")
        return value

    @field_validator("channel")
    @classmethod
    def _channels(cls, value: list[str] | None) -> list[str] | None:
        for v in value or []:
            if v not in CHANNELS:
                raise ValueError(f"{v!r} is not a channel ({', '.join(CHANNELS)})")
        return value

    def matches(self, attributes: TicketAttributes) -> bool:
        checks = (
            (self.type, attributes.type),
            (self.category, attributes.category),
            (self.channel, attributes.channel),
        )
        if self.during is not None and self.during not in attributes.opened_during:
            return False
        return all(allowed is None or value in allowed for allowed, value in checks)


class PriorityRule(_Model):
    """`when` matches -> `priority` (None: the ticket gets no priority and no targets)."""

    when: Condition
    priority: str | None
    rule: str | None = Field(default=None, description="the contract rule this traces to")


class PriorityMatrix(_Model):
    urgency: list[str]
    impact: list[str]
    table: dict[str, dict[str, str]]

    @model_validator(mode="after")
    def _complete(self) -> PriorityMatrix:
        for u in self.urgency:
            row = self.table.get(u)
            if row is None:
                raise ValueError(f"table has no row for urgency {u!r}")
            for i in self.impact:
                if i not in row:
                    raise ValueError(f"table row {u!r} has no entry for impact {i!r}")
        for u, row in self.table.items():
            if u not in self.urgency:
                raise ValueError(f"table row {u!r} is not a listed urgency")
            for i in row:
                if i not in self.impact:
                    raise ValueError(f"table row {u!r} names {i!r}, not a listed impact")
        return self


class Priorities(_Model):
    levels: list[PriorityLevel] = Field(min_length=1, description="highest first")
    default: str | None
    accept_proposed: bool = Field(
        default=True, description="a priority proposed on the ticket is taken as given"
    )
    rules: list[PriorityRule] = Field(default_factory=list)
    matrix: PriorityMatrix | None = None

    @cached_property
    def ids(self) -> tuple[str, ...]:
        return tuple(level.id for level in self.levels)

    @model_validator(mode="after")
    def _known(self) -> Priorities:
        ids = [level.id for level in self.levels]
        if len(set(ids)) != len(ids):
            raise ValueError("priority ids must be unique")
        if self.default is not None and self.default not in ids:
            raise ValueError(f"default {self.default!r} is not a listed priority")
        for n, rule in enumerate(self.rules):
            if rule.priority is not None and rule.priority not in ids:
                raise ValueError(f"rules[{n}] names unknown priority {rule.priority!r}")
        if self.matrix:
            for row in self.matrix.table.values():
                for p in row.values():
                    if p not in ids:
                        raise ValueError(f"matrix names unknown priority {p!r}")
        return self


# ----- metrics and targets ---------------------------------------------------------------------


class MetricSpec(_Model):
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


class TargetOverride(_Model):
    """Targets that replace the priority's own where `when` matches (first match wins).

    `priorities` limits it to some priorities; a metric given as null has no target there."""

    when: Condition
    priorities: list[str] | None = None
    targets: MetricTargets
    rule: str | None = None


class LadderStep(_Model):
    """One rung of an escalation ladder: `at` is '75%', 'breach' or 'breach + 2h'."""

    at: str
    notify: str
    metrics: list[str] | None = None
    priorities: list[str] | None = None
    rule: str | None = None

    @field_validator("at")
    @classmethod
    def _at(cls, value: str) -> str:
        parse_ladder_at(value)
        return value


class Escalation(_Model):
    roles: dict[str, str] = Field(default_factory=dict, description="role id -> who that is")
    ladder: list[LadderStep] = Field(default_factory=list)


class KnownGap(_Model):
    rule: str
    text: str


class Lifecycle(_Model):
    auto_close_after: DurationText | None = Field(
        default=None, description="a resolved ticket closes itself after this much business time"
    )
    calendar: str | None = None


class Policy(_Model):
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
    escalation: Escalation = Field(default_factory=Escalation)
    compliance: dict[str, float] = Field(
        default_factory=dict, description="share within target (%), per priority or 'default'"
    )
    lifecycle: Lifecycle = Field(default_factory=Lifecycle)
    known_gaps: list[KnownGap] = Field(default_factory=list)

    _calendars: dict[str, BusinessCalendar] = PrivateAttr(default_factory=dict)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return _ident(value)

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
        if self.default_calendar is None:
            object.__setattr__(self, "default_calendar", next(iter(self.calendars)))
        elif self.default_calendar not in self.calendars:
            raise ValueError(f"default_calendar {self.default_calendar!r} is not a calendar")
        for name, spec in self.calendars.items():
            try:
                self._calendars[name] = spec.build(name)
            except (CalendarError, TimeFormatError) as exc:
                raise _PathError(f"calendars.{name}", str(exc)) from None
        for n, level in enumerate(self.priorities.levels):
            if level.calendar is not None and level.calendar not in self.calendars:
                raise _PathError(
                    f"priorities.levels[{n}].calendar", f"unknown calendar {level.calendar!r}"
                )
        for name, metric in self.metrics.items():
            if metric.calendar is not None and metric.calendar not in self.calendars:
                raise _PathError(
                    f"metrics.{name}.calendar", f"unknown calendar {metric.calendar!r}"
                )
        conditions = [
            (f"priorities.rules[{n}].when", r.when) for n, r in enumerate(self.priorities.rules)
        ]
        conditions += [
            (f"target_overrides[{n}].when", o.when) for n, o in enumerate(self.target_overrides)
        ]
        for where, condition in conditions:
            if condition.during is not None and condition.during not in self.calendars:
                raise _PathError(f"{where}.during", f"unknown calendar {condition.during!r}")
        ids = self.priorities.ids
        for priority, targets in self.targets.items():
            if priority not in ids:
                raise _PathError(f"targets.{priority}", f"{priority!r} is not a listed priority")
            self._check_targets(f"targets.{priority}", targets, priority)
        for n, override in enumerate(self.target_overrides):
            for p in override.priorities or []:
                if p not in ids:
                    raise _PathError(f"target_overrides[{n}].priorities", f"unknown priority {p!r}")
            self._check_targets(f"target_overrides[{n}].targets", override.targets, None)
        for n, step in enumerate(self.escalation.ladder):
            where = f"escalation.ladder[{n}]"
            if self.escalation.roles and step.notify not in self.escalation.roles:
                raise _PathError(f"{where}.notify", f"{step.notify!r} is not a role in roles")
            for m in step.metrics or []:
                if m not in METRICS:
                    raise _PathError(f"{where}.metrics", f"{m!r} is not a metric")
            for p in step.priorities or []:
                if p not in ids:
                    raise _PathError(f"{where}.priorities", f"unknown priority {p!r}")
            offset = parse_ladder_at(step.at)[1]
            if offset is not None:
                try:
                    parse_duration(offset, self.calendar().workday_seconds)
                except TimeFormatError as exc:
                    raise _PathError(f"{where}.at", str(exc)) from None
        for key, share in self.compliance.items():
            if key != "default" and key not in ids:
                raise _PathError(f"compliance.{key}", f"{key!r} is not a listed priority")
            if not 0 <= share <= 100:
                raise _PathError(f"compliance.{key}", "must be a percentage from 0 to 100")
        for n, channel in enumerate(self.channels or []):
            if channel not in CHANNELS:
                raise _PathError(f"channels[{n}]", f"{channel!r} is not a channel")
        if self.lifecycle.auto_close_after is not None:
            cal = self.lifecycle.calendar
            if cal is not None and cal not in self.calendars:
                raise _PathError("lifecycle.calendar", f"unknown calendar {cal!r}")
            try:
                parse_duration(self.lifecycle.auto_close_after, self.calendar(cal).workday_seconds)
            except TimeFormatError as exc:
                raise _PathError("lifecycle.auto_close_after", str(exc)) from None
        return self

    def _check_targets(self, where: str, targets: MetricTargets, priority: str | None) -> None:
        for metric, text in targets.items():
            if metric not in METRICS:
                raise _PathError(f"{where}.{metric}", f"{metric!r} is not a metric")
            if text is None:
                continue
            try:
                parse_duration(text, self.metric_calendar(metric, priority).workday_seconds)
            except TimeFormatError as exc:
                raise _PathError(f"{where}.{metric}", str(exc)) from None

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


class _PathError(ValueError):
    """Raised inside validation with a path relative to the policy root."""

    def __init__(self, path: str, reason: str) -> None:
        self.path, self.reason = path, reason
        super().__init__(reason)


class TicketAttributes(_Model):
    """What the policy looks at to classify a ticket."""

    model_config = ConfigDict(extra="allow", frozen=True)

    priority: str | None = None
    urgency: str | None = None
    impact: str | None = None
    channel: str | None = None
    type: str = "incident"
    category: str | None = None
    opened_during: tuple[str, ...] = Field(
        default=(), description="the policy calendars that were open when the ticket was opened"
    )


def parse_ladder_at(text: str) -> tuple[float, str | None]:
    """'75%' -> (75, None); 'breach' -> (100, None); 'breach + 2h' -> (100, '2h')."""
    value = str(text).strip().lower()
    if value.endswith("%"):
        try:
            share = float(value[:-1])
        except ValueError:
            raise ValueError(f"not a percentage: {text!r}") from None
        if not 0 < share <= 100:
            raise ValueError(f"percentage {text!r} must be above 0 and at most 100")
        return share, None
    if value == "breach":
        return 100.0, None
    match = re.match(r"^breach\s*\+\s*(.+)$", value)
    if match:
        return 100.0, match[1].strip()
    raise ValueError(f"not a ladder point: {text!r} (use '75%', 'breach' or 'breach + 2h')")


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
        if isinstance(cause, _PathError):
            path = cause.path
            reason = cause.reason
        else:
            reason = _reason(error)
        raise PolicyError(where, path, reason) from None
    except _PathError as exc:
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
