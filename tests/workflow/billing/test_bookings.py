"""R001-6 live-support sessions through the API under moto: booked 3 days ahead and 30 minutes
at least, cancelled in time (the evening before) or too late, a no-show after 5 minutes, the
month's quota first come first served, the rest billed at 150 EUR/h (R001-5) on the statement.
The desk's clock starts on Monday 2025-03-31 09:00 in Amsterdam."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from supportflow.domain.common.timeutil import parse_instant
from tests.workflow.conftest import Desk, signed_in

ADMIN = signed_in("ada", "admins")
AGENT = signed_in("anna")
API = "TicketApiFunction"
BOOKINGS = "/customers/{customer_id}/bookings"


def _body(response: dict[str, Any]) -> Any:
    return json.loads(response["body"])


def _book(
    desk: Desk, start: str, minutes: int, key: str | None = None, *, anonymous: bool = False
) -> Any:
    extra = {"Idempotency-Key": key} if key else {}
    return desk.request(
        API, "POST", "/customers/verband-digital/bookings", BOOKINGS,
        {"start": start, "minutes": minutes, "subject": "Rechten instellen"},
        **{**({} if anonymous else AGENT), **extra},
    )  # fmt: skip


def _act(desk: Desk, booking_id: str, action: str) -> Any:
    path = f"/customers/verband-digital/bookings/{booking_id}/{action}"
    return desk.request(API, "POST", path, BOOKINGS + "/{booking_id}/" + action, {}, **AGENT)


def _month(desk: Desk, period: str) -> dict[str, Any]:
    path = "/customers/verband-digital/bookings"
    answer = desk.request(API, "GET", path, BOOKINGS, query={"period": period}, **AGENT)
    assert answer["statusCode"] == 200, answer
    return dict(_body(answer))


def _at(desk: Desk, when: str) -> None:
    desk.clock.now = parse_instant(when)


def _quota_of_one_hour(desk: Desk) -> None:
    shown = _body(
        desk.request(API, "GET", "/contracts/verband-digital", "/contracts/{customer_id}", **ADMIN)
    )
    contract = {**shown["versions"][-1]["contract"], "live_support_quota_hours": "1"}
    put = desk.request(
        API, "PUT", "/contracts/verband-digital", "/contracts/{customer_id}",
        {**contract, "effective_from": "2025-03-31"}, **ADMIN,
    )  # fmt: skip
    assert put["statusCode"] == 201, put


def test_sessions_are_booked_cancelled_missed_and_billed_beyond_the_quota(desk: Desk) -> None:
    _quota_of_one_hour(desk)

    # The rules refuse, naming R001-6; no login, no booking; a pack without sessions, none.
    soon = _book(desk, "2025-04-02T10:00:00+02:00", 60)
    assert soon["statusCode"] == 422 and "3 days" in _body(soon)["message"]
    short = _book(desk, "2025-04-07T10:00:00+02:00", 20)
    assert short["statusCode"] == 422 and "30 minutes" in _body(short)["message"]
    assert _book(desk, "2025-04-07T10:00:00+02:00", 60, anonymous=True)["statusCode"] == 401
    other = desk.request(
        API, "POST", "/customers/webshop-bakker/bookings", BOOKINGS,
        {"start": "2025-04-07T10:00:00+02:00", "minutes": 60}, **AGENT,
    )  # fmt: skip
    assert other["statusCode"] == 422 and "no live-support" in _body(other)["message"]

    # Four sessions, booked in this order (first come, first served).
    first = _book(desk, "2025-04-03T10:00:00+02:00", 60, "k1")  # exactly 3 days ahead
    assert first["statusCode"] == 201, first
    b1 = _body(first)["booking_id"]
    assert _body(first)["charge"] is None  # the month's hour covers it
    again = _book(desk, "2025-04-03T10:00:00+02:00", 60, "k1")
    assert again["statusCode"] == 200 and _body(again)["booking_id"] == b1
    reused = _book(desk, "2025-04-04T10:00:00+02:00", 60, "k1")
    assert reused["statusCode"] == 422 and "another time" in _body(reused)["message"]
    desk.clock.advance(minutes=1)
    b2 = _body(_book(desk, "2025-04-10T14:00:00+02:00", 90, "k2"))
    assert b2["charge"]["amount_eur"] == "225.00" and b2["charge"]["rule"] == "R001-5"
    desk.clock.advance(minutes=1)
    b3 = _body(_book(desk, "2025-04-17T10:00:00+02:00", 30, "k3"))
    desk.clock.advance(minutes=1)
    b4 = _body(_book(desk, "2025-04-24T10:00:00+02:00", 30, "k4"))
    assert (b3["charge"]["amount_eur"], b4["charge"]["amount_eur"]) == ("75.00", "75.00")

    # The first session is cancelled in time: its hour goes to the next one booked.
    _at(desk, "2025-04-02T21:30:00+02:00")  # the evening before
    cancelled = _act(desk, b1, "cancel")
    assert cancelled["statusCode"] == 200, cancelled
    assert _body(cancelled)["state"] == "cancelled" and _body(cancelled)["cancelled_in_time"]
    assert _body(_act(desk, b1, "cancel"))["cancelled_at"] == _body(cancelled)["cancelled_at"]
    assert _act(desk, b1, "no_show")["statusCode"] == 409
    month = _month(desk, "2025-04")
    charged = {s["booking_id"]: s["charge"] for s in month["sessions"]}
    assert charged[b1] is None and charged[b2["booking_id"]]["amount_eur"] == "75.00"  # 0.5 h

    # A no-show counts after 5 minutes, and counts as used.
    _at(desk, "2025-04-10T14:04:00+02:00")
    early = _act(desk, b2["booking_id"], "no_show")
    assert early["statusCode"] == 422 and "5 minutes" in _body(early)["message"]
    desk.clock.advance(minutes=2)
    missed = _act(desk, b2["booking_id"], "no_show")
    assert missed["statusCode"] == 200 and _body(missed)["state"] == "no_show"
    assert _act(desk, b2["booking_id"], "cancel")["statusCode"] == 409

    # Cancelled on the day itself: too late, used and billed.
    _at(desk, "2025-04-24T08:00:00+02:00")
    late = _body(_act(desk, b4["booking_id"], "cancel"))
    assert late["cancelled_in_time"] is False and late["charge"]["amount_eur"] == "75.00"
    begun = _at(desk, "2025-04-17T10:00:00+02:00") or _act(desk, b3["booking_id"], "cancel")
    assert begun["statusCode"] == 409 and "no-show" in _body(begun)["message"]

    month = _month(desk, "2025-04")
    assert (month["quota_hours"], month["used_hours"], month["left_hours"]) == (1, 2.5, 0)
    assert month["total_eur"] == "225.00"  # 0.5 h + 0.5 h + 0.5 h beyond the hour, at 150

    # The statement of April lists each billed session by its booking.
    statement = desk.request(
        API, "GET", "/customers/verband-digital/statement", "/customers/{customer_id}/statement",
        query={"period": "2025-04"}, **AGENT,
    )  # fmt: skip
    lines = _body(statement)["lines"]
    assert [(line["booking_id"], line["code"], line["amount_eur"]) for line in lines] == [
        (b2["booking_id"], "live_support", "75.00"),
        (b3["booking_id"], "live_support", "75.00"),
        (b4["booking_id"], "live_support", "75.00"),
    ]
    assert _body(statement)["total_eur"] == "225.00"
    assert _month(desk, "2025-05")["sessions"] == []  # the quota expires with its month
    assert desk.clock() - parse_instant("2025-04-17T10:00:00+02:00") == timedelta(0)
