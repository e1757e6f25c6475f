"""Compliance for the SLA review (R004-5, R004-10, R004-12): per priority and metric, how many
tickets met their target, how many breached, how many an agent excluded, the share on time
against the policy's threshold, the median and 90th percentile business time, the breaches, and
early warnings while the month is still running.

Two steps, both pure:
- `verdicts_of(ticket_id, state)` turns the SLA clock's state of one ticket (judged by the policy
  version it was opened under) into one `Verdict` per metric. A verdict is small and can be
  stored: the desk keeps them per customer and month, current from the event stream.
- `build_report(...)` counts verdicts into a `ComplianceReport` for one month.

The rules, in one place:
- A metric counts in the month (in the policy's zone) in which its target fell due.
- A metric that stopped counts as met when it stopped by its deadline, else as breached. One
  still running at `now` counts only once it is breached; until then it is not counted.
- An exclusion (an agent's `excluded` event with a `reason` and a `metric`, or no metric for
  both) takes a breached metric out of the compliance share (R004-10). An exclusion of a metric
  that met its target changes nothing and is reported as a warning.
- compliance = met / (met + breached). The threshold is the policy's `compliance` for the
  priority (R004-5) in the version in force on the month's last day; no threshold: none is met
  or missed.
- The median and the 90th percentile are over the business time of the metrics that stopped
  and count (met or breached, not excluded): the median of an even count is the mean of the two
  middle values; the 90th percentile is the nearest rank (the smallest value with at least 90%
  of the values at or below it).
"""

from __future__ import annotations

import calendar as month_names
import math
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from supportflow.domain.availability import Outage, availability_report
from supportflow.domain.sla_state import BREACHED, RUNNING, MetricState, SlaState, TicketEvent
from supportflow.domain.timeutil import US, format_instant, format_seconds, parse_instant
from supportflow.domain.timeutil import seconds_value as _seconds

if TYPE_CHECKING:
    from supportflow.domain.policy import Policy

EXCLUDED_EVENT = "excluded"
MET_OUTCOME, BREACHED_OUTCOME, EXCLUDED_OUTCOME = "met", "breached", "excluded"


class ReportError(ValueError):
    """A report cannot be made of this input (a bad period, an unknown metric)."""


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        parts = text.split("-") if isinstance(text, str) else []
        try:
            if len(text) != 7 or len(parts) != 2:
                raise ValueError
            year, month = int(parts[0]), int(parts[1])
            date(year, month, 1)
        except (ValueError, TypeError):
            raise ReportError(f"period {text!r} is not a month (YYYY-MM)") from None
        return cls(year, month)

    @classmethod
    def of(cls, instant: datetime, zone: tzinfo) -> Month:
        local = instant.astimezone(zone)
        return cls(local.year, local.month)

    def start(self, zone: tzinfo) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=zone)

    def end(self, zone: tzinfo) -> datetime:
        """The first instant of the next month."""
        return self.next().start(zone)

    def last_instant(self, zone: tzinfo) -> datetime:
        """The month's last microsecond (the version of a pack in force then sets the bar)."""
        return self.end(zone) - timedelta(microseconds=1)

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def name(self) -> str:
        return f"{month_names.month_name[self.month]} {self.year}"

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class Exclusion:
    """An agent's decision that a breach does not count (R004-10), with who and why."""

    reason: str
    at: datetime
    by: str | None = None

    def as_dict(self, zone: tzinfo | None = None) -> dict[str, Any]:
        return {"reason": self.reason, "at": format_instant(self.at, zone), "by": self.by}


@dataclass(frozen=True)
class Verdict:
    """One metric of one ticket as the SLA clock saw it at `judged_at`."""

    ticket_id: str
    metric: str
    priority: str | None
    policy_id: str
    policy_version: int
    target: str | None
    target_rule: str | None
    state: str
    started_at: datetime | None
    due: datetime | None
    met_at: datetime | None
    breached: bool
    elapsed_us: int
    paused_us: int
    late_us: int  # business time past the deadline (0 unless breached)
    judged_at: datetime
    exclusion: Exclusion | None = None
    customer_id: str | None = None

    def month(self, zone: tzinfo) -> Month | None:
        return None if self.due is None else Month.of(self.due, zone)

    def at(self, now: datetime, open_between: Callable[[datetime, datetime], int]) -> Verdict:
        """This verdict at a later `now`: a metric still running past its deadline is breached,
        and later by the open time since. `open_between(a, b)` is the metric calendar's open
        microseconds in [a, b)."""
        if self.state != RUNNING or self.due is None or now <= self.judged_at:
            return self
        since = max(self.due, self.judged_at)
        if now <= since:
            return replace(self, judged_at=now)
        late = self.late_us + open_between(since, now)
        return replace(
            self,
            judged_at=now,
            breached=True,
            late_us=late,
            elapsed_us=self.elapsed_us + open_between(self.judged_at, now),
        )

    def outcome(self) -> str | None:
        """met, breached or excluded; None while it does not count yet (or has no deadline)."""
        if self.due is None:
            return None
        if self.met_at is None and not self.breached:
            return None  # still running (or paused) within its target
        if self.breached:
            return EXCLUDED_OUTCOME if self.exclusion is not None else BREACHED_OUTCOME
        return MET_OUTCOME

    def explanation(self, zone: tzinfo) -> str:
        """The SLA clock's account of this verdict in one line, in local time."""

        def local(t: datetime | None) -> str:
            return "-" if t is None else t.astimezone(zone).strftime("%Y-%m-%d %H:%M")

        source = f" ({self.target_rule})" if self.target_rule else ""
        parts = [
            f"{self.metric} target {self.target}{source} for {self.priority}, "
            f"policy {self.policy_id} v{self.policy_version}",
            f"started {local(self.started_at)}",
            f"due {local(self.due)}",
        ]
        if self.met_at is not None:
            parts.append(f"stopped {local(self.met_at)}")
        else:
            parts.append(f"still {self.state} at {local(self.judged_at)}")
        parts.append(f"{format_seconds(self.elapsed_us / US)} counted")
        if self.paused_us:
            parts.append(f"{format_seconds(self.paused_us / US)} paused")
        if self.breached:
            parts.append(f"{format_seconds(self.late_us / US)} late in business time")
        if self.exclusion is not None:
            parts.append(f"excluded: {self.exclusion.reason}")
        return "; ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ticket_id": self.ticket_id,
            "customer_id": self.customer_id,
            "metric": self.metric,
            "priority": self.priority,
            "policy_id": self.policy_id,
            "policy_version": self.policy_version,
            "target": self.target,
            "target_rule": self.target_rule,
            "state": self.state,
            "started_at": format_instant(self.started_at),
            "due": format_instant(self.due),
            "met_at": format_instant(self.met_at),
            "breached": self.breached,
            "elapsed_us": self.elapsed_us,
            "paused_us": self.paused_us,
            "late_us": self.late_us,
            "judged_at": format_instant(self.judged_at),
            "exclusion": None if self.exclusion is None else self.exclusion.as_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Verdict:
        def instant(key: str) -> datetime | None:
            value = data.get(key)
            return None if value is None else parse_instant(value)

        raw_exclusion = data.get("exclusion")
        exclusion = None
        if raw_exclusion:
            exclusion = Exclusion(
                reason=str(raw_exclusion["reason"]),
                at=parse_instant(raw_exclusion["at"]),
                by=raw_exclusion.get("by"),
            )
        judged_at = instant("judged_at")
        if judged_at is None:
            raise ReportError("a verdict needs 'judged_at'")
        return cls(
            ticket_id=str(data["ticket_id"]),
            customer_id=data.get("customer_id"),
            metric=str(data["metric"]),
            priority=data.get("priority"),
            policy_id=str(data["policy_id"]),
            policy_version=int(data["policy_version"]),
            target=data.get("target"),
            target_rule=data.get("target_rule"),
            state=str(data["state"]),
            started_at=instant("started_at"),
            due=instant("due"),
            met_at=instant("met_at"),
            breached=bool(data["breached"]),
            elapsed_us=int(data["elapsed_us"]),
            paused_us=int(data["paused_us"]),
            late_us=int(data["late_us"]),
            judged_at=judged_at,
            exclusion=exclusion,
        )


def exclusions_of(events: Sequence[TicketEvent], metrics: Iterable[str]) -> dict[str, Exclusion]:
    """The exclusion in force per metric: the latest `excluded` event naming it (or naming no
    metric, which excludes every metric); an `exclusion_withdrawn` event takes it back."""
    names = tuple(metrics)
    found: dict[str, Exclusion] = {}
    for event in events:
        if event.type not in (EXCLUDED_EVENT, "exclusion_withdrawn"):
            continue
        named = event.data.get("metric")
        if named not in (None, "", "all") and named not in names:
            raise ReportError(f"an exclusion names metric {named!r}, not one of {names}")
        which = names if named in (None, "", "all") else (str(named),)
        for metric in which:
            if event.type == "exclusion_withdrawn":
                found.pop(metric, None)
                continue
            reason = str(event.data.get("reason") or "").strip()
            if not reason:
                raise ReportError("an exclusion needs its reason (R004-10)")
            by = event.data.get("actor") or event.data.get("by")
            found[metric] = Exclusion(reason, event.at, None if by is None else str(by))
    return found


def verdicts_of(ticket_id: str, state: SlaState, customer_id: str | None = None) -> list[Verdict]:
    """One verdict per metric of a ticket, from the SLA clock's state at `state.now`."""
    exclusions = exclusions_of(state.events, state.metrics)
    return [
        _verdict(ticket_id, state, m, exclusions.get(name), customer_id)
        for name, m in state.metrics.items()
    ]


def _verdict(
    ticket_id: str,
    state: SlaState,
    m: MetricState,
    exclusion: Exclusion | None,
    customer_id: str | None,
) -> Verdict:
    late = 0
    if m.breached and m.remaining_us is not None:
        late = max(0, -m.remaining_us)
    return Verdict(
        ticket_id=ticket_id,
        customer_id=customer_id,
        metric=m.name,
        priority=m.priority,
        policy_id=state.policy.id,
        policy_version=state.policy.version,
        target=m.target_text,
        target_rule=m.target_rule,
        state=m.state if m.state != BREACHED or m.met_at is not None else _running_or_paused(m),
        started_at=m.started_at,
        due=m.due,
        met_at=m.met_at,
        breached=m.breached,
        elapsed_us=m.elapsed_us,
        paused_us=m.paused_us,
        late_us=late,
        judged_at=state.now,
        exclusion=exclusion,
    )


def _running_or_paused(m: MetricState) -> str:
    """A breached metric that has not stopped: is its clock still running at `now`?"""
    if m.running and m.running[-1].end is None:
        return RUNNING
    return "paused"


# ----- the report ---------------------------------------------------------------------------


@dataclass
class TierFigures:
    """One priority's one metric in one month."""

    threshold: float | None
    met: int = 0
    breached: int = 0
    excluded: int = 0
    times_us: list[int] = field(default_factory=list)

    @property
    def tickets(self) -> int:
        return self.met + self.breached + self.excluded

    @property
    def counted(self) -> int:
        return self.met + self.breached

    def compliance(self) -> float | None:
        return None if not self.counted else 100.0 * self.met / self.counted

    def threshold_met(self) -> bool | None:
        if self.threshold is None or not self.counted:
            return None
        return self.met * 100 >= self.threshold * self.counted

    def more_needed(self) -> int | None:
        """How many more on time would bring the share up to the threshold (None: never)."""
        if self.threshold is None or self.threshold_met() in (None, True):
            return 0
        if self.threshold >= 100:
            return None
        share = self.threshold / 100
        return math.ceil((share * self.counted - self.met) / (1 - share) - 1e-9)

    def as_dict(self) -> dict[str, Any]:
        compliance = self.compliance()
        times = sorted(self.times_us)
        return {
            "tickets": self.tickets,
            "met": self.met,
            "breached": self.breached,
            "excluded": self.excluded,
            "compliance_percent": None if compliance is None else round(compliance, 2),
            "threshold_percent": _number(self.threshold),
            "threshold_met": self.threshold_met(),
            "median_business_seconds": _median(times),
            "p90_business_seconds": _nearest_rank(times, 90),
        }


@dataclass(frozen=True)
class ComplianceReport:
    period: Month
    policy_id: str
    zone: tzinfo
    now: datetime
    tiers: dict[str, dict[str, TierFigures]]
    breaches: list[Verdict]
    excluded: list[Verdict]
    warnings: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": str(self.period),
            "policy": self.policy_id,
            "now": format_instant(self.now, self.zone),
            "tiers": {
                priority: {metric: figures.as_dict() for metric, figures in metrics.items()}
                for priority, metrics in self.tiers.items()
            },
            "breaches": [self._breach(v) for v in self.breaches],
            "excluded": [
                {
                    "id": v.ticket_id,
                    "metric": v.metric,
                    "priority": v.priority,
                    "due": format_instant(v.due, self.zone),
                    **(v.exclusion.as_dict(self.zone) if v.exclusion else {}),
                }
                for v in self.excluded
            ],
            "warnings": list(self.warnings),
            # every stopped metric's business time, for a distribution (the dashboard's chart)
            "business_seconds": {
                priority: {
                    metric: [_seconds(t) for t in sorted(figures.times_us)]
                    for metric, figures in metrics.items()
                }
                for priority, metrics in self.tiers.items()
            },
        }

    def _breach(self, v: Verdict) -> dict[str, Any]:
        return {
            "id": v.ticket_id,
            "metric": v.metric,
            "due": format_instant(v.due, self.zone),
            "late_business_seconds": _seconds(v.late_us),
            "priority": v.priority,
            "policy_version": v.policy_version,
            "met_at": format_instant(v.met_at, self.zone),
            "explanation": v.explanation(self.zone),
        }


def build_report(
    *,
    policy_id: str,
    period: Month,
    zone: tzinfo,
    now: datetime,
    verdicts: Iterable[Verdict],
    priorities: Sequence[str],
    metrics: Sequence[str],
    threshold: Callable[[str], float | None],
) -> ComplianceReport:
    """Count the verdicts whose deadline falls in `period` (see the module's rules).

    `priorities` and `metrics` are the tiers shown even when empty (the policy's levels);
    `threshold(priority)` is the policy's compliance threshold in percent, or None."""
    tiers: dict[str, dict[str, TierFigures]] = {
        p: {m: TierFigures(threshold(p)) for m in metrics} for p in priorities
    }
    breaches: list[Verdict] = []
    excluded: list[Verdict] = []
    warnings: list[str] = []
    for v in verdicts:
        if v.month(zone) != period or v.priority is None:
            continue
        outcome = v.outcome()
        if outcome is None:
            continue
        tier = tiers.setdefault(
            v.priority, {m: TierFigures(threshold(v.priority)) for m in metrics}
        )
        figures = tier.setdefault(v.metric, TierFigures(threshold(v.priority)))
        if outcome == EXCLUDED_OUTCOME:
            figures.excluded += 1
            excluded.append(v)
            continue
        if outcome == BREACHED_OUTCOME:
            figures.breached += 1
            breaches.append(v)
        else:
            figures.met += 1
            if v.exclusion is not None:
                warnings.append(
                    f"ticket {v.ticket_id}: the exclusion of its {v.metric} changes nothing: "
                    "the target was met"
                )
        if v.met_at is not None:
            figures.times_us.append(v.elapsed_us)
    breaches.sort(key=lambda v: (v.due or now, v.ticket_id, v.metric))
    excluded.sort(key=lambda v: (v.due or now, v.ticket_id, v.metric))
    running = now < period.end(zone)
    warnings[:0] = [w.text for w in threshold_warnings(tiers, period, running)]
    return ComplianceReport(period, policy_id, zone, now, tiers, breaches, excluded, warnings)


def month_review(
    policy: Policy,
    period: Month,
    now: datetime,
    verdicts: Iterable[Verdict],
    outages: Iterable[Outage],
) -> dict[str, Any]:
    """The month's review as JSON: compliance per tier under `policy` (the pack's version in
    force on the month's last day: its levels and thresholds) and availability."""
    from supportflow.domain.policy import METRICS

    report = build_report(
        policy_id=policy.id,
        period=period,
        zone=policy.calendar().zone,
        now=now,
        verdicts=verdicts,
        priorities=policy.priorities.reviewed,
        metrics=METRICS,
        threshold=policy.compliance_target,
    ).as_dict()
    report["availability"] = availability_report(policy, period, outages, now)
    return report


@dataclass(frozen=True)
class ThresholdWarning:
    """One tier's warning: `kind` is `lost` (a 100% target breached while the month runs),
    `at_risk` (below the threshold while it runs), `missed` (below it once the month is over)."""

    priority: str
    metric: str
    kind: str
    text: str
    threshold: float = 0.0
    share: float | None = None  # compliance so far (%)
    breached: int = 0
    more: int | None = None  # on time still needed (at_risk)

    @property
    def key(self) -> str:
        return f"{self.priority}.{self.metric}.{self.kind}"


def threshold_warnings(
    tiers: Mapping[str, Mapping[str, TierFigures]], period: Month, running: bool
) -> list[ThresholdWarning]:
    """Early warnings while the month runs, and what was missed once it is over."""
    out: list[ThresholdWarning] = []
    for priority, metrics in tiers.items():
        for metric, f in metrics.items():
            if f.threshold is None or f.threshold_met() in (None, True):
                continue
            label = f"{priority} {metric}"
            if f.threshold >= 100:
                times = {1: "once", 2: "twice"}.get(f.breached, f"{f.breached} times")
                lost = "is lost" if running else "was missed"
                text = (
                    f"{label} already breached {times}: the {_pct(f.threshold)}% target {lost} "
                    f"for {period.name()}"
                )
                kind = "lost" if running else "missed"
                out.append(
                    ThresholdWarning(
                        priority, metric, kind, text, f.threshold, f.compliance(), f.breached
                    )
                )
                continue
            share = f.compliance() or 0.0
            if running:
                more = f.more_needed()
                text = (
                    f"{label} at {_pct(share)}%: {more} more on time needed to reach "
                    f"{_pct(f.threshold)}% in {period.name()}"
                )
                out.append(
                    ThresholdWarning(
                        priority, metric, "at_risk", text, f.threshold, share, f.breached, more
                    )
                )
            else:
                text = (
                    f"{label} at {_pct(share)}% for {period.name()}: below the "
                    f"{_pct(f.threshold)}% threshold"
                )
                out.append(
                    ThresholdWarning(
                        priority, metric, "missed", text, f.threshold, share, f.breached
                    )
                )
    return out


def percent_text(value: float) -> str:
    """A share for a sentence (see _pct)."""
    return _pct(value)


def _pct(value: float) -> str:
    """A share for a sentence: whole when whole, else one decimal rounded down (79.9, not 80)."""
    if value == int(value):
        return str(int(value))
    return f"{math.floor(value * 10) / 10:.1f}"


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == int(value) else value


def _median(times: Sequence[int]) -> int | float | None:
    if not times:
        return None
    return _seconds(round(statistics.median(times)))


def _nearest_rank(times: Sequence[int], percent: int) -> int | float | None:
    if not times:
        return None
    rank = max(1, math.ceil(percent / 100 * len(times)))
    return _seconds(times[rank - 1])
