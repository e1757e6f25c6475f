"""A call typed up by an agent (R000-1, R003-1): the ticket opens at the time of the call, on
channel phone, with the caller on its first event; a call in an agreed standby period gets the
30-minute target (R003-4); a best-effort phone message two workdays (R000-3)."""

from __future__ import annotations

import json
from typing import Any

from tests.workflow.conftest import Desk, signed_in


def _call(desk: Desk, body: dict[str, Any], key: str = "call-1") -> dict[str, Any]:
    agent = signed_in("anna")
    return desk.request(
        "TicketApiFunction", "POST", "/tickets/phone", "/tickets/phone", body,
        **agent, **{"Idempotency-Key": key},
    )  # fmt: skip


CALL = {
    "customer": "hosting-acme",
    "caller_name": "Piet de Vries",
    "caller_phone": "+31 6 1234 5678",
    "subject": "Portal down",
    "description": "Called from the warehouse: nobody can log in.",
}


def test_a_standby_call_opens_at_the_call_with_the_30_minute_target(desk: Desk) -> None:
    # The desk's clock is Monday 09:00; the call came in on Saturday evening before.
    response = _call(desk, {**CALL, "called_at": "2025-03-29T20:10:00+01:00"})
    assert response["statusCode"] == 201, response
    ticket_id = json.loads(response["body"])["ticket_id"]
    ticket = desk.tickets.get(ticket_id)
    assert ticket.events[0].actor == "anna"
    assert ticket.events[0].data == {
        "channel": "phone",
        "caller": "Piet de Vries",
        "phone": "+31 6 1234 5678",
        "agent": "anna",
    }
    desk.parked_at(ticket_id, "first_line")
    view = desk.view(ticket_id)
    assert view["opened_at"] == "2025-03-29T20:10:00+01:00"
    assert view["priority"] == "standby"
    assert view["metrics"]["response"]["due"] == "2025-03-29T20:40:00+01:00"
    assert view["caller"] == {"name": "Piet de Vries", "phone": "+31 6 1234 5678"}  # shown
    again = _call(desk, {**CALL, "called_at": "2025-03-29T20:10:00+01:00"})  # a retry
    assert again["statusCode"] == 200 and json.loads(again["body"])["ticket_id"] == ticket_id


def test_a_best_effort_phone_message_gets_two_workdays(desk: Desk) -> None:
    body = {**CALL, "customer": "cliendo-zorg", "caller_name": "Eigenaar"}
    response = _call(desk, body, key="call-2")
    assert response["statusCode"] == 201, response
    ticket_id = json.loads(response["body"])["ticket_id"]
    desk.parked_at(ticket_id, "first_line")
    assert desk.view(ticket_id)["metrics"]["response"]["target_business_seconds"] == 14 * 3600


def test_bad_calls_are_refused_with_a_reason(desk: Desk) -> None:
    for n, (body, words) in enumerate(
        [
            ({**CALL, "called_at": "2030-01-01T00:00:00+00:00"}, "future"),
            ({**CALL, "called_at": "2025-01-01T00:00:00+00:00"}, "7 days"),
            ({**CALL, "called_at": "2025-03-31T09:00:00"}, "timezone"),
            ({**CALL, "caller_phone": "call me"}, "caller_phone"),
            ({**CALL, "customer": "nobody-here"}, "nobody-here"),
        ]
    ):
        response = _call(desk, body, key=f"bad-{n}")
        assert response["statusCode"] == 422, response
        assert words in json.loads(response["body"])["message"], response
