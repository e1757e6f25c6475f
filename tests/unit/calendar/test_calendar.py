"""Business calendars: worked examples, DST, holidays, night shifts, overrides and errors."""

from __future__ import annotations

from datetime import UTC, date, timedelta

import pytest

from supportflow.domain.calendar.business_calendar import BusinessCalendar
from supportflow.domain.calendar.opening_hours import CalendarError, Interval
from tests.unit.conftest import AMS, WORKDAYS, ams, berlin

H = timedelta(hours=1)
M = timedelta(minutes=1)


def test_a_deadline_ending_at_closing_time_is_closing_time(cal_9x5: BusinessCalendar) -> None:
    # SEEDS.md: opened Monday 08:30 with a 9 h target on 08:30-17:30 is due Monday 17:30.
    assert cal_9x5.add(ams(2025, 3, 31, 8, 30), 9 * H) == ams(2025, 3, 31, 17, 30)
    assert cal_9x5.add(ams(2025, 3, 31, 8, 30), 9 * H + timedelta(seconds=1)) == ams(
        2025, 4, 1, 8, 30, 1
    )


def test_outside_hours_starts_counting_at_the_next_opening(cal_9x5: BusinessCalendar) -> None:
    assert cal_9x5.add(ams(2025, 3, 31, 7, 0), H) == ams(2025, 3, 31, 9, 30)
    assert cal_9x5.add(ams(2025, 3, 31, 18, 0), H) == ams(2025, 4, 1, 9, 30)
    # Saturday: Monday's opening.
    assert cal_9x5.add(ams(2025, 4, 5, 12, 0), H) == ams(2025, 4, 7, 9, 30)


def test_zero_duration_is_the_start_itself(cal_9x5: BusinessCalendar) -> None:
    assert cal_9x5.add(ams(2025, 4, 5, 12, 0), timedelta(0)) == ams(2025, 4, 5, 12, 0)


def test_across_the_weekend_and_the_spring_dst_change(cal_9x5: BusinessCalendar) -> None:
    # Friday 2025-03-28 16:00 CET + 9 h: 1.5 h on Friday, 7.5 h on Monday (now CEST) -> 16:00.
    due = cal_9x5.add(ams(2025, 3, 28, 16, 0), 9 * H)
    assert due.isoformat() == "2025-03-31T16:00:00+02:00"
    assert cal_9x5.between(ams(2025, 3, 28, 16, 0), due) == 9 * H


def test_autumn_dst_change(cal_9x5: BusinessCalendar) -> None:
    due = cal_9x5.add(ams(2025, 10, 24, 17, 0), 2 * H)
    assert due.isoformat() == "2025-10-27T10:00:00+01:00"


def test_dutch_holiday_kings_day_is_skipped(cal_9x5: BusinessCalendar) -> None:
    # King's Day 2026 is Monday 27 April: Friday 16:30 + 2 h -> Tuesday 09:30.
    assert cal_9x5.holiday_name(date(2026, 4, 27)) == "King's Day"
    assert cal_9x5.add(ams(2026, 4, 24, 16, 30), 2 * H) == ams(2026, 4, 28, 9, 30)
    assert cal_9x5.between(ams(2026, 4, 24, 0, 0), ams(2026, 4, 29, 0, 0)) == 18 * H


def test_christmas_and_new_year(cal_9x5: BusinessCalendar) -> None:
    # Wed 2025-12-24 17:00 + 1 h: Thu 25 and Fri 26 are holidays -> Mon 29 09:00.
    assert cal_9x5.add(ams(2025, 12, 24, 17, 0), H) == ams(2025, 12, 29, 9, 0)
    # Wed 2025-12-31 17:00 + 1 h: Thu 2026-01-01 is New Year's Day -> Fri 2 09:00.
    assert cal_9x5.add(ams(2025, 12, 31, 17, 0), H) == ams(2026, 1, 2, 9, 0)


def test_rhineland_palatinate_holiday_corpus_christi() -> None:
    cal = BusinessCalendar(
        "Europe/Berlin",
        {d: ["08:00-18:00"] for d in WORKDAYS},
        holiday_country="DE",
        holiday_subdivision="RP",
    )
    assert cal.holiday_name(date(2025, 6, 19)) == "Corpus Christi"
    # Wed 2025-06-18 17:00 + 10 h: 1 h Wed, Thu is Corpus Christi, 9 h Fri -> Fri 17:00.
    assert cal.add(berlin(2025, 6, 18, 17, 0), 10 * H) == berlin(2025, 6, 20, 17, 0)
    # Berlin (BE) does not keep Corpus Christi.
    be = BusinessCalendar(
        "Europe/Berlin",
        {d: ["08:00-18:00"] for d in WORKDAYS},
        holiday_country="DE",
        holiday_subdivision="BE",
    )
    assert be.add(berlin(2025, 6, 18, 17, 0), 10 * H) == berlin(2025, 6, 19, 17, 0)


def test_holidays_added_and_removed_per_calendar() -> None:
    cal = BusinessCalendar(
        "Europe/Amsterdam",
        {d: ["09:00-17:00"] for d in WORKDAYS},
        holiday_country="NL",
        holidays_added={date(2025, 5, 2): "Company day"},
        holidays_removed=[date(2025, 4, 18)],  # Good Friday is a working day here
    )
    assert cal.holiday_name(date(2025, 5, 2)) == "Company day"
    assert cal.holiday_name(date(2025, 4, 18)) is None
    assert cal.add(ams(2025, 4, 17, 16, 0), 2 * H) == ams(2025, 4, 18, 10, 0)
    # Fri 2 May is the added day off and Mon 5 May 2025 is Liberation Day (a lustrum year).
    assert cal.add(ams(2025, 5, 1, 16, 0), 2 * H) == ams(2025, 5, 6, 10, 0)


def test_several_intervals_a_day_lunch_break() -> None:
    cal = BusinessCalendar(
        "Europe/Amsterdam", {d: ["08:30-12:00", "13:00-17:00"] for d in WORKDAYS}
    )
    assert cal.add(ams(2025, 4, 7, 11, 0), 2 * H) == ams(2025, 4, 7, 14, 0)
    assert cal.add(ams(2025, 4, 7, 11, 0), H) == ams(2025, 4, 7, 12, 0)
    assert cal.between(ams(2025, 4, 7, 0, 0), ams(2025, 4, 8, 0, 0)) == 7.5 * H
    assert cal.workday_seconds == int(7.5 * 3600)


def test_night_shift_belongs_to_the_day_it_starts() -> None:
    # Only Friday nights 22:00-06:00: the interval starts on Friday and runs into Saturday.
    cal = BusinessCalendar("Europe/Amsterdam", {"fri": ["22:00-06:00"]}, holiday_country="NL")
    assert cal.add(ams(2025, 4, 4, 21, 0), 3 * H) == ams(2025, 4, 5, 1, 0)
    assert cal.between(ams(2025, 4, 5, 0, 0), ams(2025, 4, 5, 12, 0)) == 6 * H
    # A holiday on Friday closes Friday's night; a holiday on Saturday does not.
    assert cal.day_intervals(date(2025, 4, 18)) == ()  # Good Friday
    assert cal.add(ams(2025, 4, 18, 21, 0), H) == ams(2025, 4, 25, 23, 0)


def test_night_shift_across_dst_is_real_time() -> None:
    cal = BusinessCalendar("Europe/Amsterdam", {"sat": ["22:00-06:00"]})
    # Spring: Sat 2025-03-29 22:00 CET -> Sun 06:00 CEST is 7 real hours.
    assert cal.between(ams(2025, 3, 29, 12, 0), ams(2025, 3, 30, 12, 0)) == 7 * H
    assert cal.add(ams(2025, 3, 29, 22, 0), 7 * H).isoformat() == "2025-03-30T06:00:00+02:00"
    # Autumn: Sat 2025-10-25 22:00 CEST -> Sun 06:00 CET is 9 real hours.
    assert cal.between(ams(2025, 10, 25, 12, 0), ams(2025, 10, 26, 12, 0)) == 9 * H


def test_round_the_clock_day_lengths_follow_dst() -> None:
    cal = BusinessCalendar(
        "Europe/Amsterdam", {d: ["00:00-24:00"] for d in (*WORKDAYS, "sat", "sun")}
    )
    assert cal.between(ams(2025, 3, 30, 0, 0), ams(2025, 3, 31, 0, 0)) == 23 * H
    assert cal.between(ams(2025, 10, 26, 0, 0), ams(2025, 10, 27, 0, 0)) == 25 * H
    start = ams(2025, 10, 26, 1, 30)  # CEST; the clocks go back at 03:00
    due = cal.add(start, 2 * H)
    assert due.astimezone(UTC) == start.astimezone(UTC) + 2 * H  # real elapsed time
    assert due.isoformat() == "2025-10-26T02:30:00+01:00"  # the second 02:30 of the night


def test_overrides_half_day_and_extra_opening(cal_9x5: BusinessCalendar) -> None:
    cal = BusinessCalendar(
        "Europe/Amsterdam",
        {d: ["08:30-17:30"] for d in WORKDAYS},
        holiday_country="NL",
        overrides={date(2025, 12, 24): ["08:30-12:30"], date(2025, 12, 27): ["10:00-14:00"]},
    )
    # Half day on Christmas Eve: Wed 12:00 + 2 h -> 30 min Wed, holidays Thu/Fri,
    # the extra Saturday opening 10:00 + 1.5 h.
    assert cal.add(ams(2025, 12, 24, 12, 0), 2 * H) == ams(2025, 12, 27, 11, 30)
    assert cal_9x5.add(ams(2025, 12, 24, 12, 0), 2 * H) == ams(2025, 12, 24, 14, 0)
    closed = cal.closed_days(ams(2025, 12, 24, 0, 0), ams(2025, 12, 27, 0, 0))
    assert [d.isoformat() for d, _ in closed] == ["2025-12-24", "2025-12-25", "2025-12-26"]


def test_between_and_segments(cal_9x5: BusinessCalendar) -> None:
    a, b = ams(2025, 4, 4, 17, 0), ams(2025, 4, 7, 9, 0)
    assert cal_9x5.between(a, b) == timedelta(hours=1)
    assert cal_9x5.between(a, a) == timedelta(0)
    segments = cal_9x5.segments(a, b)
    assert [(s.start, s.end) for s in segments] == [
        (ams(2025, 4, 4, 17, 0), ams(2025, 4, 4, 17, 30)),
        (ams(2025, 4, 7, 8, 30), ams(2025, 4, 7, 9, 0)),
    ]
    with pytest.raises(CalendarError):
        cal_9x5.between(b, a)


def test_long_durations_cross_years(cal_9x5: BusinessCalendar) -> None:
    start = ams(2024, 12, 20, 9, 0)
    far = cal_9x5.add(start, 2000 * H)
    assert cal_9x5.between(start, far) == 2000 * H
    assert far == ams(2025, 11, 7, 11, 0)  # 2000 h = 222 days of 9 h + 2 h
    # A query far away from the first ones still works (the windows widen).
    assert cal_9x5.add(ams(2040, 1, 2, 9, 0), H) == ams(2040, 1, 2, 10, 0)
    assert cal_9x5.add(ams(2019, 1, 2, 9, 0), H) == ams(2019, 1, 2, 10, 0)


def test_answers_are_in_the_calendars_zone(cal_9x5: BusinessCalendar) -> None:
    due = cal_9x5.add(ams(2025, 4, 7, 9, 0).astimezone(UTC), H)
    assert due.tzinfo == AMS and due == ams(2025, 4, 7, 10, 0)


def test_workday_length() -> None:
    cal = BusinessCalendar("Europe/Amsterdam", {d: ["10:00-17:00"] for d in WORKDAYS})
    assert cal.workday_seconds == 7 * 3600
    cal = BusinessCalendar(
        "Europe/Berlin", {"mon": ["08:00-12:00"], "tue": ["08:00-18:00"]}, workday_seconds=36000
    )
    assert cal.workday_seconds == 36000


@pytest.mark.parametrize(
    ("text", "interval"),
    [
        ("08:30-17:30", Interval(510, 1050)),
        ("00:00-24:00", Interval(0, 1440)),
        ("18:00-08:30", Interval(1080, 1950)),
    ],
)
def test_interval_parsing(text: str, interval: Interval) -> None:
    assert Interval.parse(text) == interval


@pytest.mark.parametrize(
    "text", ["8-17", "08:30-08:30", "25:00-26:00", "08:60-09:00", "24:30-01:00"]
)
def test_bad_intervals(text: str) -> None:
    with pytest.raises(CalendarError):
        Interval.parse(text)


def test_bad_calendars() -> None:
    with pytest.raises(CalendarError, match="time zone"):
        BusinessCalendar("Mars/Olympus", {"mon": ["08:00-17:00"]})
    with pytest.raises(CalendarError, match="never open"):
        BusinessCalendar("Europe/Amsterdam", {})
    with pytest.raises(CalendarError, match="weekday"):
        BusinessCalendar("Europe/Amsterdam", {"funday": ["08:00-17:00"]})
    with pytest.raises(CalendarError, match="holiday"):
        BusinessCalendar("Europe/Amsterdam", {"mon": ["08:00-17:00"]}, holiday_country="XX")


def test_a_calendar_without_open_time_ahead_is_an_error_not_a_hang() -> None:
    cal = BusinessCalendar("Europe/Amsterdam", {}, overrides={date(2025, 1, 6): ["09:00-10:00"]})
    assert cal.add(ams(2025, 1, 1, 0, 0), H) == ams(2025, 1, 6, 10, 0)
    with pytest.raises(CalendarError, match="no open time"):
        cal.add(ams(2025, 1, 1, 0, 0), 2 * H)


def test_dst_gap_wall_time_interval() -> None:
    # An interval starting inside the spring-forward gap (02:30 does not exist on 2025-03-30).
    cal = BusinessCalendar("Europe/Amsterdam", {"sun": ["02:30-04:00"]})
    # 02:30 is read with the pre-transition offset (= 03:30 CEST), so 30 real minutes are open.
    assert cal.between(ams(2025, 3, 30, 0, 0), ams(2025, 3, 30, 12, 0)) == 30 * M
    assert cal.between(ams(2025, 4, 6, 0, 0), ams(2025, 4, 6, 12, 0)) == 90 * M
