"""Shared fixtures: the calendars and helpers the unit tests use."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from supportflow.adapters.memory.tickets import InMemoryTickets
from supportflow.domain.calendar.business_calendar import BusinessCalendar
from supportflow.domain.ticket.ticket import Ticket
from supportflow.services.ports.tickets import IntakeKey

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


def stored_ticket(tickets: InMemoryTickets, ticket_id: str, at: datetime, *effects: Any) -> Ticket:
    """A plain integration-9x5 ticket opened at `at`, stored with `effects` in its outbox."""
    ticket = Ticket.open(
        ticket_id=ticket_id,
        customer_id="c1",
        policy_id="integration-9x5",
        policy_version=1,
        attributes={},
        subject="s",
        description="d",
        contact_email="a@b.example",
        channel="web",
        at=at,
    )
    return tickets.add(ticket, IntakeKey("k", "f", None), effects, at)[0]


# The desk's use cases over in-memory adapters (defined with the tests that built it).
from tests.unit.desk.test_desk import world  # noqa: E402, F401
