"""R001-6 live-support bookings with the seed's numbers: 3 days ahead, cancel by the evening
before, at least 30 minutes, a no-show after 5 minutes counts, a monthly quota first come first
served; beyond it R001-5's 150 EUR/h."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from supportflow.domain.billing.bookings import (
    Booking,
    BookingError,
    cancel_in_time,
    check_booking,
    check_no_show,
    month_charges,
)
from supportflow.policies.registry import shipped

SAAS = shipped().get("saas-basic")
FRIDAY_10 = datetime.fromisoformat("2027-05-14T10:00:00+02:00")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_a_booking_is_made_three_days_ahead() -> None:
    check_booking(SAAS, FRIDAY_10, 30, at("2027-05-11T23:59:00+02:00"))  # Tuesday: 3 days
    with pytest.raises(BookingError, match=r"at least 3 days ahead .*2 days ahead"):
        check_booking(SAAS, FRIDAY_10, 30, at("2027-05-12T08:00:00+02:00"))  # 2 days ahead


def test_a_session_is_at_least_30_minutes() -> None:
    with pytest.raises(BookingError, match="at least 30 minutes"):
        check_booking(SAAS, FRIDAY_10, 20, at("2027-05-01T10:00:00+02:00"))


def test_the_evening_before_is_in_time_to_cancel() -> None:
    assert cancel_in_time(SAAS, FRIDAY_10, at("2027-05-13T21:30:00+02:00"))  # Thursday evening
    assert not cancel_in_time(SAAS, FRIDAY_10, at("2027-05-14T07:00:00+02:00"))  # the day itself


def test_a_no_show_counts_after_five_minutes() -> None:
    check_no_show(SAAS, FRIDAY_10, at("2027-05-14T10:05:00+02:00"))
    with pytest.raises(BookingError, match="after 5 minutes"):
        check_no_show(SAAS, FRIDAY_10, at("2027-05-14T10:04:00+02:00"))


def test_the_monthly_quota_goes_first_come_first_served_then_150_an_hour() -> None:
    bookings = [
        # booked second, held: 60 min, of which 30 are left in the quota -> 30 min billed
        Booking("b2", at("2027-05-20T10:00:00+02:00"), 60, at("2027-05-02T09:00:00+02:00")),
        # booked first, a no-show: counts as used (60 of the 90 minutes of quota)
        Booking(
            "b1",
            FRIDAY_10,
            60,
            at("2027-05-01T09:00:00+02:00"),
            no_show_at=at("2027-05-14T10:06:00+02:00"),
        ),
        # cancelled the evening before: uses nothing
        Booking(
            "b3",
            at("2027-05-21T10:00:00+02:00"),
            60,
            at("2027-05-01T08:00:00+02:00"),
            cancelled_at=at("2027-05-20T20:00:00+02:00"),
        ),
        # cancelled on the morning itself: too late, used, beyond the quota -> billed
        Booking(
            "b4",
            at("2027-05-27T10:00:00+02:00"),
            45,
            at("2027-05-03T08:00:00+02:00"),
            cancelled_at=at("2027-05-27T08:00:00+02:00"),
        ),
    ]
    charges = month_charges(SAAS, bookings, Decimal("1.5"), None)
    assert charges["b1"] is None and charges["b3"] is None
    assert charges["b2"] is not None and charges["b2"].amount == Decimal("75.00")
    assert charges["b4"] is not None and charges["b4"].amount == Decimal("112.50")
    assert charges["b4"].rule == "R001-5" and charges["b4"].code == "live_support"
    # basic has no quota at all: every used session is billed
    none = month_charges(SAAS, bookings, Decimal(0), None)
    assert none["b1"] is not None and none["b1"].amount == Decimal("150.00")
