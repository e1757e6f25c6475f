"""The checks across a whole policy once its parts are valid: every calendar, priority, metric and
role a part names exists, shares are percentages, and every duration parses on the calendar it
runs on. A failure is a `PathError` naming the place from the policy root."""

from __future__ import annotations

from typing import TYPE_CHECKING

from supportflow.domain.common.timeutil import TimeFormatError, calendar_months, parse_duration
from supportflow.domain.common.vocabulary import CHANNELS, METRICS, REQUEST_TYPES
from supportflow.domain.policy.entitlement_rules import check_durations
from supportflow.domain.policy.errors import PathError
from supportflow.domain.policy.ladder import parse_ladder_at
from supportflow.domain.policy.targets import MetricTargets

if TYPE_CHECKING:
    from supportflow.domain.policy.document import PolicyDocument


def check_policy(policy: PolicyDocument) -> None:
    """Every check below, in this order; its calendars must already be built."""
    _check_calendar_names(policy)
    _check_targets(policy)
    _check_ladder(policy)
    _check_shares_and_channels(policy)
    _check_lifecycle(policy)
    _check_entitlements(policy)
    _check_form(policy)


def _check_calendar_names(policy: PolicyDocument) -> None:
    for n, level in enumerate(policy.priorities.levels):
        if level.calendar is not None and level.calendar not in policy.calendars:
            raise PathError(
                f"priorities.levels[{n}].calendar", f"unknown calendar {level.calendar!r}"
            )
    for name, metric in policy.metrics.items():
        if metric.calendar is not None and metric.calendar not in policy.calendars:
            raise PathError(f"metrics.{name}.calendar", f"unknown calendar {metric.calendar!r}")
    conditions = [
        (f"priorities.rules[{n}].when", r.when) for n, r in enumerate(policy.priorities.rules)
    ]
    conditions += [
        (f"target_overrides[{n}].when", o.when) for n, o in enumerate(policy.target_overrides)
    ]
    conditions += [
        (f"metric_overrides[{n}].when", o.when) for n, o in enumerate(policy.metric_overrides)
    ]
    for n, override in enumerate(policy.metric_overrides):
        if override.metric not in METRICS:
            raise PathError(f"metric_overrides[{n}].metric", f"{override.metric!r} is not a metric")
    for where, condition in conditions:
        if condition.during is not None and condition.during not in policy.calendars:
            raise PathError(f"{where}.during", f"unknown calendar {condition.during!r}")


def _check_targets(policy: PolicyDocument) -> None:
    ids = policy.priorities.ids
    for priority, targets in policy.targets.items():
        if priority not in ids:
            raise PathError(f"targets.{priority}", f"{priority!r} is not a listed priority")
        _check_durations(policy, f"targets.{priority}", targets, priority)
    for n, override in enumerate(policy.target_overrides):
        for p in override.priorities or []:
            if p not in ids:
                raise PathError(f"target_overrides[{n}].priorities", f"unknown priority {p!r}")
        _check_durations(policy, f"target_overrides[{n}].targets", override.targets, None)


def _check_durations(
    policy: PolicyDocument, where: str, targets: MetricTargets, priority: str | None
) -> None:
    for metric, text in targets.items():
        if metric not in METRICS:
            raise PathError(f"{where}.{metric}", f"{metric!r} is not a metric")
        if text is None or calendar_months(text) is not None:
            continue
        try:
            parse_duration(text, policy.metric_calendar(metric, priority).workday_seconds)
        except TimeFormatError as exc:
            raise PathError(f"{where}.{metric}", str(exc)) from None


def _check_ladder(policy: PolicyDocument) -> None:
    ids = policy.priorities.ids
    roles = policy.escalation.roles
    for n, step in enumerate(policy.escalation.ladder):
        where = f"escalation.ladder[{n}]"
        if roles and step.notify not in roles:
            raise PathError(f"{where}.notify", f"{step.notify!r} is not a role in roles")
        for m in step.metrics or []:
            if m not in METRICS:
                raise PathError(f"{where}.metrics", f"{m!r} is not a metric")
        for p in step.priorities or []:
            if p not in ids:
                raise PathError(f"{where}.priorities", f"unknown priority {p!r}")
        offset = parse_ladder_at(step.at)[1]
        if offset is not None:
            try:
                parse_duration(offset, policy.calendar().workday_seconds)
            except TimeFormatError as exc:
                raise PathError(f"{where}.at", str(exc)) from None
    on_call = policy.escalation.on_call
    if on_call is not None:
        for p in on_call.priorities:
            if p not in ids:
                raise PathError("escalation.on_call.priorities", f"unknown priority {p!r}")
        offered = policy.channels if policy.channels is not None else on_call.channels
        for c in on_call.channels:
            if c not in offered:
                raise PathError("escalation.on_call.channels", f"{c!r} is not one of its channels")


def _check_shares_and_channels(policy: PolicyDocument) -> None:
    ids = policy.priorities.ids
    for key, share in policy.compliance.items():
        if key != "default" and key not in ids:
            raise PathError(f"compliance.{key}", f"{key!r} is not a listed priority")
        if not 0 <= share <= 100:
            raise PathError(f"compliance.{key}", "must be a percentage from 0 to 100")
    spec = policy.availability
    for part in ("in_hours", "outside_hours"):
        target = getattr(spec, part)
        if target is not None and target.calendar not in (None, *policy.calendars):
            raise PathError(
                f"availability.{part}.calendar", f"{target.calendar!r} is not a calendar"
            )
    for n, level in enumerate(spec.outages.priorities):
        if level not in ids:
            raise PathError(f"availability.outages.priorities[{n}]", f"{level!r} is not listed")
    for n, channel in enumerate(spec.outages.channels):
        if channel not in CHANNELS:
            raise PathError(f"availability.outages.channels[{n}]", f"{channel!r} is not a channel")
    for key in ("restore_within", "maintenance_notice"):
        value = getattr(spec, key)
        if value is not None:
            try:
                parse_duration(value, policy.calendar().workday_seconds)
            except TimeFormatError as exc:
                raise PathError(f"availability.{key}", str(exc)) from None
    warn = policy.review.warn
    if warn is not None and policy.escalation.roles and warn not in policy.escalation.roles:
        raise PathError("review.warn", f"{warn!r} is not a role in escalation.roles")
    problems = policy.problems
    for part, selector in (("recurring", problems.recurring), ("rca", problems.rca)):
        if selector is None:
            continue
        for n, level in enumerate(selector.priorities):
            if level not in ids:
                raise PathError(f"problems.{part}.priorities[{n}]", f"{level!r} is not listed")
        for n, channel in enumerate(selector.channels):
            if channel not in CHANNELS:
                raise PathError(f"problems.{part}.channels[{n}]", f"{channel!r} is not a channel")
    for n, channel in enumerate(policy.channels or []):
        if channel not in CHANNELS:
            raise PathError(f"channels[{n}]", f"{channel!r} is not a channel")


def _check_lifecycle(policy: PolicyDocument) -> None:
    if policy.lifecycle.auto_close_after is None:
        return
    cal = policy.lifecycle.calendar
    if cal is not None and cal not in policy.calendars:
        raise PathError("lifecycle.calendar", f"unknown calendar {cal!r}")
    try:
        parse_duration(policy.lifecycle.auto_close_after, policy.calendar(cal).workday_seconds)
    except TimeFormatError as exc:
        raise PathError("lifecycle.auto_close_after", str(exc)) from None


def _check_entitlements(policy: PolicyDocument) -> None:
    """The entitlements and charges name listed priorities, request types and calendars, and
    their durations parse."""
    rights, charges = policy.entitlements, policy.charges
    if rights.emergencies and rights.emergencies.priority not in policy.priorities.ids:
        raise PathError(
            "entitlements.emergencies.priority",
            f"unknown priority {rights.emergencies.priority!r}",
        )
    for name in ("consultancy", "outside_standard_support"):
        disposition = getattr(rights, name)
        for t in disposition.types if disposition else []:
            if t not in REQUEST_TYPES:
                raise PathError(f"entitlements.{name}.types", f"{t!r} is not a request type")
    if rights.live_support and rights.live_support.type not in REQUEST_TYPES:
        raise PathError("entitlements.live_support.type", "not a request type")
    if charges.standby and charges.standby.calendar not in policy.calendars:
        raise PathError(
            "charges.standby.calendar", f"unknown calendar {charges.standby.calendar!r}"
        )
    workday = policy.calendar().workday_seconds
    for path, reason in check_durations(rights, charges, workday):
        raise PathError(path, reason)


def _check_form(policy: PolicyDocument) -> None:
    """The form's words name only choices the pack has."""
    form = policy.form
    matrix = policy.priorities.matrix
    known = {
        "urgency": set(matrix.urgency) if matrix else set(),
        "impact": set(matrix.impact) if matrix else set(),
        "priority": set(policy.priorities.ids),
        "category": set(form.categories),
    }
    for field, words in form.choices.items():
        for choice in words:
            if choice not in known[field]:
                raise PathError(f"form.choices.{field}.{choice}", f"not a {field} of this pack")
