"""A calendar's open time, precomputed: the open windows of whole local years as merged UTC
instants (integer microseconds) with a running total of open time, and `OpenSegment`, one
stretch of open time as a query hands it back.

`BusinessCalendar` (calendar.py) builds the windows from its days and searches them.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class OpenSegment:
    """A stretch of open time, as aware datetimes in the calendar's zone."""

    start: datetime
    end: datetime

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


@dataclass
class OpenWindows:
    """Open windows of a span of whole local years, as merged UTC microsecond instants."""

    first_year: int
    last_year: int
    lo: int  # local midnight starting first_year, in us
    hi: int  # local midnight after last_year, in us
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    cum_end: list[int] = field(default_factory=list)  # open us up to the end of window i

    @classmethod
    def merged(
        cls, first_year: int, last_year: int, lo: int, hi: int, raw: Iterable[tuple[int, int]]
    ) -> OpenWindows:
        """The windows of the span [lo, hi) from open stretches (start, end) in any order;
        overlapping or touching stretches become one window."""
        windows = cls(first_year, last_year, lo, hi)
        total = 0
        for s, e in sorted(raw):
            if windows.ends and s <= windows.ends[-1]:  # overlapping or touching: merge
                if e > windows.ends[-1]:
                    total += e - windows.ends[-1]
                    windows.ends[-1] = e
                    windows.cum_end[-1] = total
                continue
            total += e - s
            windows.starts.append(s)
            windows.ends.append(e)
            windows.cum_end.append(total)
        return windows

    def cumulative(self, t: int) -> int:
        """Open microseconds in [lo, t) for lo <= t <= hi."""
        i = bisect_right(self.starts, t) - 1
        if i < 0:
            return 0
        end = self.ends[i]
        return self.cum_end[i] - (end - t if t < end else 0)
