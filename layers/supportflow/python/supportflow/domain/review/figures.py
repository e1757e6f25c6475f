"""One tier's figures in a month: met, breached, excluded, the share on time against the
threshold, the median and the 90th percentile business time."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from supportflow.domain.common.timeutil import seconds_value as _seconds


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
