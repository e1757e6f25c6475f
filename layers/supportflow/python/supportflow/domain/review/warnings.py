"""Early warnings while a month runs (a 100% target lost, a tier at risk) and what was missed
once it is over (R004-12)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from supportflow.domain.common.periods import Month
from supportflow.domain.review.figures import TierFigures


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
