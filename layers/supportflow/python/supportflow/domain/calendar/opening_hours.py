"""Opening hours as data: the weekdays, one open interval of a day, and a weekly pattern of them.

An interval is minutes after a day's local midnight (several a day; one may cross midnight and then
belongs to the day it starts). A weekly pattern maps weekday index 0 (Monday) to 6 to the sorted
intervals of that day. Everything here is local wall-clock time; `BusinessCalendar`
(calendar.py) puts it in a time zone and adds holidays and date overrides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60


class CalendarError(ValueError):
    """A calendar definition or query that cannot be answered."""


_INTERVAL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True, order=True)
class Interval:
    """An open interval of one day, in minutes after that day's local midnight.

    `end` may pass 1440: the interval then crosses midnight and still belongs to its start day."""

    start: int
    end: int

    @classmethod
    def parse(cls, text: str) -> Interval:
        """'08:30-17:30'; '18:00-08:30' crosses midnight; '00:00-24:00' is the whole day."""
        match = _INTERVAL.match(text) if isinstance(text, str) else None
        if not match:
            raise CalendarError(f"not an interval {text!r} (use HH:MM-HH:MM)")
        sh, sm, eh, em = (int(g) for g in match.groups())
        if sh > 23 or sm > 59 or em > 59 or eh > 24 or (eh == 24 and em):
            raise CalendarError(f"not a time of day in {text!r}")
        start, end = sh * 60 + sm, eh * 60 + em
        if end == start:
            raise CalendarError(f"empty interval {text!r}")
        if end < start:
            end += MINUTES_PER_DAY  # crosses midnight: a night shift belongs to the day it starts
        return cls(start, end)

    @property
    def minutes(self) -> int:
        return self.end - self.start

    def __str__(self) -> str:
        end = self.end % MINUTES_PER_DAY if self.end > MINUTES_PER_DAY else self.end
        return f"{self.start // 60:02d}:{self.start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def parse_intervals(texts: Iterable[str]) -> tuple[Interval, ...]:
    return tuple(sorted(Interval.parse(t) for t in texts))


def parse_week(
    weekly: Mapping[str, Iterable[str | Interval]] | Mapping[int, Iterable[str | Interval]],
) -> dict[int, tuple[Interval, ...]]:
    """A weekly pattern keyed 'mon'..'sun' (or 'monday', or 0..6): every weekday, sorted."""
    week: dict[int, tuple[Interval, ...]] = {d: () for d in range(7)}
    for key, value in weekly.items():
        week[_weekday_index(key)] = tuple(
            sorted(v if isinstance(v, Interval) else Interval.parse(v) for v in value)
        )
    return week


def check_day(day: object, intervals: tuple[Interval, ...]) -> None:
    """No open interval of `day` may be longer than a day."""
    for interval in intervals:
        if interval.minutes > MINUTES_PER_DAY:
            raise CalendarError(f"interval {interval} on {day} is longer than a day")


def week_text(week: Mapping[int, tuple[Interval, ...]]) -> str:
    """'mon-fri 08:30-17:30; sat 10:00-14:00' (runs of equal days joined; closed days left out)."""
    groups: list[tuple[int, int, tuple[Interval, ...]]] = []
    for index in range(7):
        hours = week[index]
        if groups and groups[-1][2] == hours and groups[-1][1] == index - 1:
            groups[-1] = (groups[-1][0], index, hours)
        else:
            groups.append((index, index, hours))
    parts = []
    for first, last, hours in groups:
        if hours:
            days = WEEKDAYS[first] if first == last else f"{WEEKDAYS[first]}-{WEEKDAYS[last]}"
            parts.append(f"{days} " + ",".join(str(i) for i in hours))
    return "; ".join(parts)


def _weekday_index(key: str | int) -> int:
    if isinstance(key, int) and 0 <= key <= 6:
        return key
    if isinstance(key, str) and key.lower()[:3] in WEEKDAYS:
        return WEEKDAYS.index(key.lower()[:3])
    raise CalendarError(f"not a weekday: {key!r} (use mon..sun)")
