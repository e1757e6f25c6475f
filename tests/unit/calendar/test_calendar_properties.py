"""Property-based checks of the calendar arithmetic, and agreement with a slow reference walk."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from supportflow.domain.calendar.business_calendar import BusinessCalendar
from tests.unit.conftest import WORKDAYS, nine_to_five_thirty

CALENDARS = {
    "9x5 NL": nine_to_five_thirty(),
    "split day + night shift, DE-RP": BusinessCalendar(
        "Europe/Berlin",
        {
            **{d: ["08:00-12:00", "13:00-18:00"] for d in WORKDAYS},
            "fri": ["08:00-12:00", "22:00-06:00"],
            "sat": ["10:00-14:00"],
        },
        holiday_country="DE",
        holiday_subdivision="RP",
        overrides={date(2025, 12, 24): ["08:00-10:00"]},
    ),
    "24/7 with DST": BusinessCalendar(
        "Europe/Amsterdam", {d: ["00:00-24:00"] for d in (*WORKDAYS, "sat", "sun")}
    ),
    "New York evenings": BusinessCalendar(
        "America/New_York", {d: ["17:00-23:30"] for d in WORKDAYS}, holiday_country="US"
    ),
}

LO = datetime(2024, 1, 1, tzinfo=UTC)


def u(instant: datetime) -> datetime:
    """Compare instants in UTC: aware datetimes in one zone compare by wall time (PEP 495)."""
    return instant.astimezone(UTC)


SPAN_MINUTES = 7 * 366 * 24 * 60  # 2024-2030

calendars = st.sampled_from(sorted(CALENDARS))
instants = st.integers(0, SPAN_MINUTES).map(lambda m: LO + timedelta(minutes=m))
precise_instants = st.integers(0, SPAN_MINUTES * 60).map(lambda s: LO + timedelta(seconds=s))
durations = st.integers(0, 200 * 3600).map(lambda s: timedelta(seconds=s))


@given(calendars, precise_instants, durations)
def test_between_start_and_add_is_the_duration(name: str, start: datetime, d: timedelta) -> None:
    cal = CALENDARS[name]
    assert cal.between(start, cal.add(start, d)) == d


@given(calendars, precise_instants, durations, durations)
def test_add_is_additive(name: str, start: datetime, a: timedelta, b: timedelta) -> None:
    cal = CALENDARS[name]
    assert u(cal.add(cal.add(start, a), b)) == u(cal.add(start, a + b))


@given(calendars, precise_instants, precise_instants, durations)
def test_add_is_monotonic_in_the_start(name: str, s1: datetime, s2: datetime, d: timedelta) -> None:
    cal = CALENDARS[name]
    early, late = sorted((s1, s2))
    assert u(cal.add(early, d)) <= u(cal.add(late, d))


@given(calendars, precise_instants, durations, durations)
def test_add_is_monotonic_in_the_duration(
    name: str, s: datetime, a: timedelta, b: timedelta
) -> None:
    cal = CALENDARS[name]
    short, long = sorted((a, b))
    assert s <= u(cal.add(s, short)) <= u(cal.add(s, long))


@given(calendars, precise_instants, precise_instants, precise_instants)
def test_between_adds_up(name: str, x: datetime, y: datetime, z: datetime) -> None:
    cal = CALENDARS[name]
    a, b, c = sorted((x, y, z))
    assert cal.between(a, b) + cal.between(b, c) == cal.between(a, c)
    assert timedelta(0) <= cal.between(a, c) <= c - a


@given(calendars, precise_instants, durations)
def test_the_deadline_is_the_earliest_such_instant(
    name: str, start: datetime, d: timedelta
) -> None:
    cal = CALENDARS[name]
    due = cal.add(start, d)
    if d > timedelta(0):
        assert cal.between(start, due - timedelta(microseconds=1)) < d


# ----- the slow reference: minute by minute, straight from the day rules ----------------------


def _open_at(cal: BusinessCalendar, t: datetime) -> bool:
    """Is instant `t` inside an open interval? Asks the day rules directly (today's and
    yesterday's intervals, a night shift belonging to the day it starts)."""
    day = t.astimezone(cal.zone).date()
    for d in (day - timedelta(days=1), day):
        midnight = datetime.combine(d, time(), cal.zone)
        for interval in cal.day_intervals(d):
            begin = (midnight + timedelta(minutes=interval.start)).astimezone(UTC)
            end = (midnight + timedelta(minutes=interval.end)).astimezone(UTC)
            if begin <= t < end:
                return True
    return False


def reference_add(cal: BusinessCalendar, start: datetime, minutes: int) -> datetime:
    t = start.astimezone(UTC)
    while minutes > 0:
        if _open_at(cal, t):
            minutes -= 1
        t += timedelta(minutes=1)
    return t


def reference_between(cal: BusinessCalendar, a: datetime, b: datetime) -> timedelta:
    t, total = a.astimezone(UTC), 0
    while t < b:
        total += _open_at(cal, t)
        t += timedelta(minutes=1)
    return timedelta(minutes=total)


@settings(max_examples=60, deadline=None)
@given(calendars, instants, st.integers(0, 16 * 60))
def test_add_agrees_with_the_reference_walk(name: str, start: datetime, minutes: int) -> None:
    cal = CALENDARS[name]
    expected = reference_add(cal, start, minutes)
    assert u(cal.add(start, timedelta(minutes=minutes))) == expected


@settings(max_examples=60, deadline=None)
@given(calendars, instants, st.integers(0, 4 * 24 * 60))
def test_between_agrees_with_the_reference_walk(name: str, a: datetime, span: int) -> None:
    cal = CALENDARS[name]
    b = a + timedelta(minutes=span)
    assert cal.between(a, b) == reference_between(cal, a, b)


def test_reference_walk_on_dst_and_holiday_weeks() -> None:
    """Deterministic: every 7-minute start through a spring DST week, an autumn one and the
    Christmas week, 90-minute durations, on every calendar."""
    weeks = [
        datetime(2025, 3, 27, tzinfo=UTC),
        datetime(2025, 10, 23, tzinfo=UTC),
        datetime(2025, 12, 22, tzinfo=UTC),
    ]
    for cal in CALENDARS.values():
        for week in weeks:
            for step in range(0, 6 * 24 * 60, 157):
                start = week + timedelta(minutes=step)
                assert u(cal.add(start, timedelta(minutes=90))) == reference_add(cal, start, 90)
