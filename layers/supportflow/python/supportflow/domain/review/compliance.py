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

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from supportflow.domain.common.periods import Month
from supportflow.domain.common.timeutil import format_instant, parse_instant
from supportflow.domain.common.timeutil import seconds_value as _seconds
from supportflow.domain.common.vocabulary import METRICS
from supportflow.domain.review.availability import Outage, availability_report
from supportflow.domain.review.figures import TierFigures
from supportflow.domain.review.verdicts import (
    BREACHED_OUTCOME,
    EXCLUDED_OUTCOME,
    Verdict,
    local_text,
)
from supportflow.domain.review.volume import Intake, month_volume
from supportflow.domain.review.warnings import threshold_warnings

if TYPE_CHECKING:
    from supportflow.domain.policy.policy import Policy


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
            "now_text": local_text(self.now, self.zone),
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
                    "due_text": local_text(v.due, self.zone),
                    **(v.exclusion.as_dict(self.zone) if v.exclusion else {}),
                    "at_text": local_text(v.exclusion.at if v.exclusion else None, self.zone),
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
            "due_text": local_text(v.due, self.zone),
            "met_at_text": local_text(v.met_at, self.zone),
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
    breaches, excluded, warnings = _count(tiers, period, zone, verdicts, metrics, threshold)
    breaches.sort(key=lambda v: (v.due or now, v.ticket_id, v.metric))
    excluded.sort(key=lambda v: (v.due or now, v.ticket_id, v.metric))
    running = now < period.end(zone)
    warnings[:0] = [w.text for w in threshold_warnings(tiers, period, running)]
    return ComplianceReport(period, policy_id, zone, now, tiers, breaches, excluded, warnings)


def _count(
    tiers: dict[str, dict[str, TierFigures]],
    period: Month,
    zone: tzinfo,
    verdicts: Iterable[Verdict],
    metrics: Sequence[str],
    threshold: Callable[[str], float | None],
) -> tuple[list[Verdict], list[Verdict], list[str]]:
    """Count each verdict due in `period` into its tier: the breaches, the exclusions and the
    warnings about exclusions that change nothing."""
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
    return breaches, excluded, warnings


def month_review(
    policy: Policy,
    period: Month,
    now: datetime,
    verdicts: Iterable[Verdict],
    outages: Iterable[Outage],
    intakes: Iterable[Intake] | None = None,
    standby_periods: Decimal | None = None,
) -> dict[str, Any]:
    """The month's review as JSON: compliance per tier under `policy` (the pack's version in
    force on the month's last day: its levels and thresholds), availability, and with `intakes`
    the month's volume (`standby_periods`: the agreed standby periods' fees, if known)."""
    zone = policy.calendar().zone
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
    availability = availability_report(policy, period, outages, now)
    for outage in (availability or {}).get("outages") or []:
        for key in ("start", "end"):
            at = outage.get(key)
            outage[f"{key}_text"] = None if at is None else local_text(parse_instant(at), zone)
    report["availability"] = availability
    if intakes is not None:
        report["volume"] = month_volume(
            intakes,
            period,
            zone,
            priorities=policy.priorities.ids,
            channels=policy.channels or (),
            standby=policy.charges.standby is not None,
            standby_periods=standby_periods,
        )
    return report
