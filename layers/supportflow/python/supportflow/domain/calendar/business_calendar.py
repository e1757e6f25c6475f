"""Business calendars: when a support desk is open, and how much open time lies between instants.

A calendar is a weekly pattern of open intervals at minute precision (several a day; an interval
may cross midnight and then belongs to the day it starts), an IANA zone, public holidays from the
`holidays` package with per-calendar additions and removals, and date overrides (a half day, an
extra opening). Business time is real elapsed time inside open intervals, so a DST night is 23 or
25 hours long.

The open windows are precomputed as UTC instants (integer microseconds) for whole years, merged,
and paired with a running total of open time. `add` and `between` are then two binary searches
and a little arithmetic, whatever the duration.

The intervals and weekly pattern live in opening_hours.py, the holidays in public_holidays.py and
the precomputed windows in open_windows.py; this module re-exports the names callers import.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from supportflow.domain.calendar.open_windows import OpenSegment, OpenWindows
from supportflow.domain.calendar.opening_hours import (
    MINUTES_PER_DAY,
    CalendarError,
    Interval,
    check_day,
    parse_intervals,
    parse_week,
    week_text,
)
from supportflow.domain.calendar.public_holidays import PublicHolidays
from supportflow.domain.common.timeutil import US, from_us, to_us

_fromtimestamp = datetime.fromtimestamp

_SEARCH_LIMIT_YEARS = 30  # a calendar with no open time in this span is an error, not a hang


class BusinessCalendar:
    """A support desk's opening hours in one time zone."""

    def __init__(
        self,
        timezone: str,
        weekly: Mapping[str, Iterable[str | Interval]] | Mapping[int, Iterable[str | Interval]],
        *,
        name: str = "calendar",
        holiday_country: str | None = None,
        holiday_subdivision: str | None = None,
        holidays_added: Mapping[date, str] | None = None,
        holidays_removed: Iterable[date] = (),
        holiday_hours: Iterable[str] = (),
        overrides: Mapping[date, Iterable[str]] | None = None,
        workday_seconds: int | None = None,
    ) -> None:
        self.name = name
        try:
            self.zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise CalendarError(f"unknown time zone {timezone!r}") from None
        self.timezone = timezone
        self.weekly: dict[int, tuple[Interval, ...]] = parse_week(weekly)
        self.public_holidays = PublicHolidays(
            holiday_country, holiday_subdivision, holidays_added, holidays_removed
        )
        self.holiday_country = holiday_country
        self.holiday_subdivision = holiday_subdivision
        self.holidays_added = self.public_holidays.added
        self.holidays_removed = self.public_holidays.removed
        self.holiday_hours = parse_intervals(holiday_hours)
        self.overrides = {d: parse_intervals(v) for d, v in (overrides or {}).items()}
        for day, intervals in [*self.weekly.items(), ("holiday", self.holiday_hours)]:
            check_day(day, intervals)
        if not any(self.weekly.values()) and not self.overrides:
            raise CalendarError(f"calendar {name!r} is never open")
        self._explicit_workday = workday_seconds
        self._windows: OpenWindows | None = None

    # ----- the rule of one day ---------------------------------------------------------------

    def holidays_in_year(self, year: int) -> dict[date, str]:
        return self.public_holidays.in_year(year)

    def holiday_name(self, day: date) -> str | None:
        return self.holidays_in_year(day.year).get(day)

    def day_intervals(self, day: date) -> tuple[Interval, ...]:
        """The open intervals that start on `day` (local date)."""
        if day in self.overrides:
            return self.overrides[day]
        if self.holiday_name(day) is not None:
            return self.holiday_hours
        return self.weekly[day.weekday()]

    @cached_property
    def workday_seconds(self) -> int:
        """The length of this calendar's working day: explicit, else the most common length of an
        open weekday (the longest on a tie)."""
        if self._explicit_workday:
            return self._explicit_workday
        lengths = [sum(i.minutes for i in v) for v in self.weekly.values() if v]
        if not lengths:
            raise CalendarError(f"calendar {self.name!r} has no working day to measure")
        counts = Counter(lengths)
        best = max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]
        return best * 60

    def local_instant(self, day: date, minute: int) -> int:
        """The UTC microseconds of `minute` minutes after local midnight of `day` (wall clock)."""
        extra_days, minute = divmod(minute, MINUTES_PER_DAY)
        wall = datetime.combine(day + timedelta(days=extra_days), time(), self.zone)
        wall += timedelta(minutes=minute)  # wall-clock arithmetic, so 24:00 is the next midnight
        return to_us(wall)

    # ----- precomputed windows ---------------------------------------------------------------

    def _build(self, first_year: int, last_year: int) -> OpenWindows:
        lo = self.local_instant(date(first_year, 1, 1), 0)
        hi = self.local_instant(date(last_year + 1, 1, 1), 0)
        raw: list[tuple[int, int]] = []
        day = date(first_year, 1, 1) - timedelta(days=1)  # its night shift may reach into the span
        stop = date(last_year, 12, 31)
        while day <= stop:
            for interval in self.day_intervals(day):
                s = self.local_instant(day, interval.start)
                e = self.local_instant(day, interval.end)
                s, e = max(s, lo), min(e, hi)
                if e > s:
                    raw.append((s, e))
            day += timedelta(days=1)
        return OpenWindows.merged(first_year, last_year, lo, hi, raw)

    def _year_of(self, us: int) -> int:
        return from_us(us, self.zone).year

    def _cover(self, lo_us: int, hi_us: int) -> OpenWindows:
        """Windows that cover [lo_us, hi_us] (rebuilt over a wider span when needed)."""
        w = self._windows
        if w is not None and w.lo <= lo_us and hi_us < w.hi:
            return w
        first, last = self._year_of(lo_us), self._year_of(hi_us)
        if w is not None:
            first, last = min(first, w.first_year), max(last, w.last_year)
        else:
            first, last = first - 1, last + 1  # room on both sides for the usual queries
        self._windows = self._build(first, last)
        return self._windows

    # ----- the public queries -----------------------------------------------------------------

    def add_us(self, start: int, duration: int) -> int:
        """The earliest instant at which `duration` us of open time have elapsed since `start`.

        The hot path is two binary searches over the precomputed windows; anything outside them
        (or a duration that runs past them) widens the windows and tries again."""
        w = self._windows
        if w is not None and w.lo <= start < w.hi and duration > 0:
            starts, ends, cum_end = w.starts, w.ends, w.cum_end
            i = bisect_right(starts, start) - 1
            if i >= 0:
                end = ends[i]
                target = cum_end[i] - (end - start if start < end else 0) + duration
            else:
                target, i = duration, 0
            if target <= cum_end[-1]:
                j = bisect_left(cum_end, target, i)
                due = ends[j] - (cum_end[j] - target)
                return due if due > start else start
        return self._add_us_widening(start, duration)

    def _add_us_widening(self, start: int, duration: int) -> int:
        if duration < 0:
            raise CalendarError("a business duration cannot be negative")
        if duration == 0:
            return start
        w = self._cover(start, start)
        target = w.cumulative(start) + duration
        while not w.cum_end or target > w.cum_end[-1]:
            if w.last_year - self._year_of(start) > _SEARCH_LIMIT_YEARS:
                raise CalendarError(f"calendar {self.name!r} has no open time after the start")
            w = self._cover(start, self.local_instant(date(w.last_year + 2, 1, 1), 0))
            target = w.cumulative(start) + duration  # the span may have been rebuilt
        j = bisect_left(w.cum_end, target)
        return max(start, w.ends[j] - (w.cum_end[j] - target))

    def between_us(self, a: int, b: int) -> int:
        """Open microseconds in [a, b)."""
        w = self._windows
        if w is None or not (w.lo <= a and b < w.hi):
            if b < a:
                raise CalendarError("between(a, b) needs a <= b")
            w = self._cover(a, b)
        elif b < a:
            raise CalendarError("between(a, b) needs a <= b")
        return w.cumulative(b) - w.cumulative(a)

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest instant at which `duration` of open time has elapsed since `start`.

        A deadline that ends exactly at closing time is that closing time; a start outside hours
        starts counting at the next opening. The answer is in the calendar's zone."""
        # The conversions are inlined (this is the engine's hottest call): see to_us/from_us.
        if start.tzinfo is None:
            raise CalendarError(f"instant {start.isoformat()} has no UTC offset")
        due = self.add_us(
            round(start.timestamp() * US),
            (duration.days * 86_400 + duration.seconds) * US + duration.microseconds,
        )
        seconds, micro = divmod(due, US)
        value = _fromtimestamp(seconds, self.zone)
        return value.replace(microsecond=micro) if micro else value

    def between(self, a: datetime, b: datetime) -> timedelta:
        """The open time in [a, b)."""
        if a.tzinfo is None or b.tzinfo is None:
            raise CalendarError("between() needs instants with a UTC offset")
        return timedelta(
            microseconds=self.between_us(round(a.timestamp() * US), round(b.timestamp() * US))
        )

    def is_open_us(self, t: int) -> bool:
        w = self._cover(t, t)
        i = bisect_right(w.starts, t) - 1
        return i >= 0 and t < w.ends[i]

    def segments_us(self, a: int, b: int) -> list[tuple[int, int]]:
        """The open stretches inside [a, b), clipped to it."""
        if b <= a:
            return []
        w = self._cover(a, b)
        i = max(bisect_right(w.starts, a) - 1, 0)
        out: list[tuple[int, int]] = []
        while i < len(w.starts) and w.starts[i] < b:
            s, e = max(w.starts[i], a), min(w.ends[i], b)
            if e > s:
                out.append((s, e))
            i += 1
        return out

    def segments(self, a: datetime, b: datetime) -> list[OpenSegment]:
        return [
            OpenSegment(from_us(s, self.zone), from_us(e, self.zone))
            for s, e in self.segments_us(to_us(a), to_us(b))
        ]

    def closed_days(self, a: datetime, b: datetime) -> list[tuple[date, str]]:
        """Holidays and overrides that closed (or shortened) a normally open day in [a, b)."""
        first = a.astimezone(self.zone).date()
        last = b.astimezone(self.zone).date()
        out: list[tuple[date, str]] = []
        day = first
        while day <= last:
            normal = self.weekly[day.weekday()]
            actual = self.day_intervals(day)
            if normal and actual != normal:
                if day in self.overrides:
                    shown = ", ".join(str(i) for i in actual) or "closed"
                    out.append((day, f"override: {shown}"))
                else:
                    name = self.holiday_name(day) or "holiday"
                    out.append((day, f"holiday: {name}"))
            day += timedelta(days=1)
        return out

    def describe(self) -> str:
        """One line: 'mon-fri 08:30-17:30 (Europe/Amsterdam, holidays NL)'."""
        hol = ""
        if self.holiday_country:
            sub = f"-{self.holiday_subdivision}" if self.holiday_subdivision else ""
            hol = f", holidays {self.holiday_country}{sub}"
        return f"{week_text(self.weekly) or 'by overrides only'} ({self.timezone}{hol})"
