"""Shared fixtures: the calendars and helpers the unit tests use."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from supportflow.domain.calendar.business_calendar import BusinessCalendar

AMS = ZoneInfo("Europe/Amsterdam")
BERLIN = ZoneInfo("Europe/Berlin")
WORKDAYS = ("mon", "tue", "wed", "thu", "fri")


def local(zone: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=zone)  # type: ignore[misc]


def ams(*parts: int) -> datetime:
    return local(AMS, *parts)


def berlin(*parts: int) -> datetime:
    return local(BERLIN, *parts)


def nine_to_five_thirty() -> BusinessCalendar:
    """Mon-Fri 08:30-17:30 Europe/Amsterdam with Dutch holidays (integration-9x5, the bench)."""
    return BusinessCalendar(
        "Europe/Amsterdam", {d: ["08:30-17:30"] for d in WORKDAYS}, holiday_country="NL", name="9x5"
    )


@pytest.fixture
def cal_9x5() -> BusinessCalendar:
    return nine_to_five_thirty()


# The desk's use cases over in-memory adapters (defined with the tests that built it).
from tests.unit.desk.test_desk import world  # noqa: E402, F401
