"""Benchmark BusinessCalendar.add/between against pandas and businesstimedelta, and check add.

Workload: 100,000 (start, duration) pairs from a fixed seed. Starts are uniformly random instants
at minute precision in [2024-01-01, 2031-01-01) Europe/Amsterdam, so many fall outside opening
hours; durations are whole hours 1..90, because pandas' CustomBusinessHour only takes whole hours.
The calendar is Mon-Fri 08:30-17:30 Europe/Amsterdam with the Dutch public holidays of the
`holidays` package; both other libraries get the same hours and the same holiday dates.

Our `add` and `between` run over the whole workload, the slower libraries over its first
COMPARISON_SAMPLE items. Each timed loop runs once, after one untimed warm-up call. Every one of
our `add` answers is checked against a slow, independent day-by-day walk, and
`between(start, add(start, d)) == d` is checked too; the script exits non-zero when either check
finds a mismatch. The results go to bench/results/calendar.json.
"""

from __future__ import annotations

import json
import operator
import platform
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from importlib.metadata import version
from pathlib import Path
from time import perf_counter
from typing import Any
from zoneinfo import ZoneInfo

import businesstimedelta
import holidays
import pandas as pd
import pytz
from pandas.tseries.offsets import CustomBusinessHour

from supportflow.domain.calendar.business_calendar import BusinessCalendar

ZONE = ZoneInfo("Europe/Amsterdam")
OPENS, CLOSES = time(8, 30), time(17, 30)
WORKDAYS = ("mon", "tue", "wed", "thu", "fri")
HOLIDAY_COUNTRY = "NL"
HOLIDAY_YEARS = range(2024, 2032)  # deadlines of starts late in 2030 reach into 2031
FIRST_START = datetime(2024, 1, 1, tzinfo=ZONE)
STOP_START = datetime(2031, 1, 1, tzinfo=ZONE)
SEED = 20240101
OPERATIONS = 100_000
COMPARISON_SAMPLE = 10_000
MAX_HOURS = 90
TARGET_RATIO_VS_PANDAS = 50.0
MISMATCH_EXAMPLES = 5
RESULTS = Path(__file__).resolve().parent / "results" / "calendar.json"


@dataclass(frozen=True)
class Workload:
    """The (start, whole hours) pairs every library is measured on."""

    starts: list[datetime]  # aware, in ZONE
    hours: list[int]

    @property
    def durations(self) -> list[timedelta]:
        return [timedelta(hours=h) for h in self.hours]


@dataclass(frozen=True)
class Timed:
    """The answers of one timed loop and its wall-clock seconds."""

    results: list[Any]
    seconds: float

    @property
    def per_second(self) -> float:
        return len(self.results) / self.seconds


def make_workload(count: int, seed: int) -> Workload:
    """`count` starts uniform over real minutes of 2024-2030 and durations of 1..MAX_HOURS hours."""
    rng = random.Random(seed)
    first = FIRST_START.astimezone(UTC)
    minutes = (STOP_START.astimezone(UTC) - first) // timedelta(minutes=1)
    starts = [
        (first + timedelta(minutes=rng.randrange(minutes))).astimezone(ZONE) for _ in range(count)
    ]
    hours = [rng.randint(1, MAX_HOURS) for _ in range(count)]
    return Workload(starts, hours)


def dutch_holidays() -> list[date]:
    """The Dutch public holiday dates of HOLIDAY_YEARS, straight from the `holidays` package."""
    return sorted(holidays.country_holidays(HOLIDAY_COUNTRY, years=HOLIDAY_YEARS))


def make_calendar() -> BusinessCalendar:
    """Our Mon-Fri 08:30-17:30 Amsterdam calendar with Dutch holidays."""
    hours = f"{OPENS:%H:%M}-{CLOSES:%H:%M}"
    return BusinessCalendar(
        ZONE.key, {day: [hours] for day in WORKDAYS}, holiday_country=HOLIDAY_COUNTRY, name="bench"
    )


def run_timed(operation: Callable[[Any, Any], Any], pairs: Sequence[tuple[Any, Any]]) -> Timed:
    """`operation` over every pair, timed once, after one untimed warm-up call."""
    operation(*pairs[0])
    began = perf_counter()
    results = [operation(a, b) for a, b in pairs]
    return Timed(results, perf_counter() - began)


def time_pandas_add(
    work: Workload, holiday_dates: list[date], sample: int, *, naive: bool
) -> Timed:
    """pandas' CustomBusinessHour(n) added to Timestamps, over the first `sample`.

    With `naive=False` pandas gets the workload itself: tz-aware Europe/Amsterdam instants, the
    job ours does. With `naive=True` it gets naive local wall times, which is faster for pandas
    but leaves the time-zone work to the caller; both are reported."""
    offsets = {
        n: CustomBusinessHour(
            n,
            start=f"{OPENS:%H:%M}",
            end=f"{CLOSES:%H:%M}",
            holidays=holiday_dates,
            weekmask="Mon Tue Wed Thu Fri",
        )
        for n in range(1, MAX_HOURS + 1)
    }
    pairs = [
        (pd.Timestamp(start.replace(tzinfo=None) if naive else start), offsets[n])
        for start, n in zip(work.starts[:sample], work.hours[:sample], strict=True)
    ]
    return run_timed(operator.add, pairs)


def time_businesstimedelta_add(work: Workload, holiday_dates: list[date], sample: int) -> Timed:
    """businesstimedelta's `start + BusinessTimeDelta(rules, hours=n)` over the first `sample`.

    The holidays go in as a frozenset (the fastest container its HolidayRule accepts)."""
    zone = pytz.timezone(ZONE.key)
    rules = businesstimedelta.Rules(
        [
            businesstimedelta.WorkDayRule(
                start_time=OPENS, end_time=CLOSES, working_days=[0, 1, 2, 3, 4], tz=zone
            ),
            businesstimedelta.HolidayRule(frozenset(holiday_dates), tz=zone),
        ]
    )
    deltas = {
        n: businesstimedelta.BusinessTimeDelta(rules, hours=n) for n in range(1, MAX_HOURS + 1)
    }
    pairs = [
        (start, deltas[n])
        for start, n in zip(work.starts[:sample], work.hours[:sample], strict=True)
    ]
    return run_timed(operator.add, pairs)


def reference_add(cal: BusinessCalendar, start: datetime, duration: timedelta) -> datetime:
    """The earliest instant with `duration` of open time since `start`, by a slow day walk.

    Independent of the calendar's precomputed windows: each local day's intervals (holidays
    applied by `day_intervals`) become aware instants by wall-clock arithmetic from local
    midnight, and open time is used up interval by interval in real (UTC) time. The walk starts
    the day before, whose interval could cross midnight into the start day."""
    cursor = start.astimezone(UTC)
    remaining = duration
    day = start.astimezone(cal.zone).date() - timedelta(days=1)
    while True:
        midnight = datetime.combine(day, time(), cal.zone)
        for interval in cal.day_intervals(day):
            opens = (midnight + timedelta(minutes=interval.start)).astimezone(UTC)
            closes = (midnight + timedelta(minutes=interval.end)).astimezone(UTC)
            opens = max(opens, cursor)
            if closes <= opens:
                continue
            if closes - opens >= remaining:
                return opens + remaining
            remaining -= closes - opens
            cursor = closes
        day += timedelta(days=1)


def check_against_reference(
    cal: BusinessCalendar, work: Workload, ends: Sequence[datetime]
) -> tuple[int, list[dict[str, str | int]]]:
    """The number of our `add` answers that differ from the reference walk, and a few of them."""
    mismatches = 0
    examples: list[dict[str, str | int]] = []
    for start, hours, duration, ours in zip(
        work.starts, work.hours, work.durations, ends, strict=True
    ):
        expected = reference_add(cal, start, duration)
        if ours != expected:
            mismatches += 1
            if len(examples) < MISMATCH_EXAMPLES:
                examples.append(
                    {
                        "start": start.isoformat(),
                        "hours": hours,
                        "ours": ours.isoformat(),
                        "reference": expected.astimezone(cal.zone).isoformat(),
                    }
                )
    return mismatches, examples


def count_between_roundtrip_failures(work: Workload, spans: Sequence[timedelta]) -> int:
    """How often `between(start, add(start, d))` is not `d`."""
    return sum(span != d for span, d in zip(spans, work.durations, strict=True))


def agreement(theirs: Sequence[Any], ours: Sequence[datetime], naive: bool) -> dict[str, Any]:
    """How often another library's answers equal ours, and how many differences are deadlines we
    put exactly at closing time (which pandas, for one, rolls to the next opening)."""
    same = at_closing = 0
    for their, our in zip(theirs, ours, strict=False):
        if their == (our.replace(tzinfo=None) if naive else our):
            same += 1
        elif our.timetz().replace(tzinfo=None) == CLOSES:
            at_closing += 1
    return {
        "agree_percent": round(100 * same / len(theirs), 2),
        "differ": len(theirs) - same,
        "differ_where_ours_ends_at_closing": at_closing,
    }


def ratio(a: float, b: float) -> float:
    return round(a / b, 1)


def main() -> int:
    """Run the benchmark, print the summary, write the JSON; 1 when a check found mismatches."""
    work = make_workload(OPERATIONS, SEED)
    holiday_dates = dutch_holidays()
    cal = make_calendar()
    ours_holidays = sorted(d for y in HOLIDAY_YEARS for d in cal.holidays_in_year(y))
    if ours_holidays != holiday_dates:
        raise SystemExit("the calendar's holidays differ from the `holidays` package's")
    sample = min(COMPARISON_SAMPLE, OPERATIONS)

    began = perf_counter()
    cal.between(min(work.starts), max(work.starts) + timedelta(days=31))
    precompute_seconds = perf_counter() - began
    ours_add = run_timed(cal.add, list(zip(work.starts, work.durations, strict=True)))
    ours_between = run_timed(cal.between, list(zip(work.starts, ours_add.results, strict=True)))
    pandas_add = time_pandas_add(work, holiday_dates, sample, naive=False)
    pandas_naive_add = time_pandas_add(work, holiday_dates, sample, naive=True)
    btd_add = time_businesstimedelta_add(work, holiday_dates, sample)

    mismatches, examples = check_against_reference(cal, work, ours_add.results)
    roundtrip_failures = count_between_roundtrip_failures(work, ours_between.results)
    pandas_agreement = agreement(pandas_add.results, ours_add.results, naive=False)
    btd_agreement = agreement(btd_add.results, ours_add.results, naive=False)

    summary: dict[str, Any] = {
        "workload": (
            f"{OPERATIONS} (start, duration) pairs, seed {SEED}: starts uniform over real "
            f"minutes of [2024-01-01, 2031-01-01) {ZONE.key}, durations whole hours "
            f"1..{MAX_HOURS}; Mon-Fri {OPENS:%H:%M}-{CLOSES:%H:%M}, {HOLIDAY_COUNTRY} holidays "
            f"{HOLIDAY_YEARS.start}-{HOLIDAY_YEARS.stop - 1} ({len(holiday_dates)} dates); "
            "pandas gets the same tz-aware instants (and, reported apart, naive local wall "
            "times); each timed loop runs once after one untimed warm-up call"
        ),
        "operations": OPERATIONS,
        "ours_precompute_s": round(precompute_seconds, 4),
        "ours_add_per_s": round(ours_add.per_second),
        "ours_between_per_s": round(ours_between.per_second),
        "pandas_add_per_s": round(pandas_add.per_second),
        "pandas_sample": sample,
        "pandas_input": "tz-aware Timestamps in Europe/Amsterdam (the same instants as ours)",
        "pandas_naive_add_per_s": round(pandas_naive_add.per_second),
        "ratio_add_vs_pandas_naive": ratio(ours_add.per_second, pandas_naive_add.per_second),
        "businesstimedelta_add_per_s": round(btd_add.per_second),
        "businesstimedelta_sample": sample,
        "ratio_add_vs_pandas": ratio(ours_add.per_second, pandas_add.per_second),
        "ratio_add_vs_businesstimedelta": ratio(ours_add.per_second, btd_add.per_second),
        "ratio_between_vs_pandas": ratio(ours_between.per_second, pandas_add.per_second),
        "mismatches": mismatches,
        "mismatch_examples": examples,
        "between_roundtrip_mismatches": roundtrip_failures,
        "pandas_agreement": pandas_agreement,
        "businesstimedelta_agreement": btd_agreement,
        "target_ratio_vs_pandas": TARGET_RATIO_VS_PANDAS,
        "python": platform.python_version(),
        "pandas": version("pandas"),
        "businesstimedelta": version("businesstimedelta"),
        "holidays": version("holidays"),
    }
    target_met = summary["ratio_add_vs_pandas"] >= TARGET_RATIO_VS_PANDAS and mismatches == 0
    summary["target_met"] = target_met
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2) + "\n")
    print_summary(summary)
    return 1 if mismatches or roundtrip_failures else 0


def print_summary(s: dict[str, Any]) -> None:
    """The human-readable report of a run."""
    print(f"Workload: {s['workload']}")
    print(f"Python {s['python']}, pandas {s['pandas']}, businesstimedelta {s['businesstimedelta']}")
    print()
    rows = [
        ("ours add", s["ours_add_per_s"], s["operations"]),
        ("ours between", s["ours_between_per_s"], s["operations"]),
        ("pandas CBH, tz-aware input", s["pandas_add_per_s"], s["pandas_sample"]),
        ("pandas CBH, naive local", s["pandas_naive_add_per_s"], s["pandas_sample"]),
        ("businesstimedelta", s["businesstimedelta_add_per_s"], s["businesstimedelta_sample"]),
    ]
    for label, per_second, count in rows:
        print(f"  {label:<28}{per_second:>10,} ops/s  (over {count:,} operations)")
    print(f"  (ours: one-off window precompute {s['ours_precompute_s']:.3f} s, not in the above)")
    print()
    print(f"  ours add / pandas add              {s['ratio_add_vs_pandas']:>8}x")
    print(f"  ours add / pandas add (naive)      {s['ratio_add_vs_pandas_naive']:>8}x")
    print(f"  ours add / businesstimedelta add   {s['ratio_add_vs_businesstimedelta']:>8}x")
    print(f"  ours between / pandas add          {s['ratio_between_vs_pandas']:>8}x")
    print()
    print(f"  add mismatches vs reference walk:  {s['mismatches']} of {s['operations']:,}")
    for example in s["mismatch_examples"]:
        print(f"    {example}")
    print(f"  between(start, add(start, d)) != d: {s['between_roundtrip_mismatches']}")
    for name in ("pandas", "businesstimedelta"):
        a = s[f"{name}_agreement"]
        print(
            f"  {name} agrees with ours: {a['agree_percent']}% of {s[f'{name}_sample']:,}"
            f" ({a['differ']} differ, {a['differ_where_ours_ends_at_closing']} of them where"
            " ours ends exactly at closing time)"
        )
    print()
    verdict = "met" if s["target_met"] else "NOT met"
    print(
        f"Target (>= {s['target_ratio_vs_pandas']:g}x pandas, 0 mismatches): {verdict}."
        f" Results in {RESULTS}"
    )


if __name__ == "__main__":
    sys.exit(main())
