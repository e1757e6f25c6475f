"""Every function runs on its sample event from events/ (the files `sam local invoke -e` takes),
with the sample's ticket id swapped for a real one."""

from __future__ import annotations

import json
from typing import Any

from tests.workflow.conftest import Desk, sample, set_headers


def _with_ticket(event: dict[str, Any], ticket_id: str) -> dict[str, Any]:
    return json.loads(json.dumps(event).replace("T-0000000000", ticket_id))


def _ticket(desk: Desk) -> tuple[str, str]:
    body = json.loads(desk.post_ticket()["body"])
    desk.parked_at(body["ticket_id"], "first_line")
    return body["ticket_id"], body["customer_token"]


def test_api_samples(desk: Desk) -> None:
    ticket_id, token = _ticket(desk)
    view = desk.call("TicketApiFunction", _with_ticket(sample("ticket_api/get_ticket"), ticket_id))
    assert view["statusCode"] == 200
    assert "explanation_text" in json.loads(view["body"])
    queue = json.loads(desk.call("TicketApiFunction", sample("ticket_api/get_queue"))["body"])
    assert [row["ticket_id"] for row in queue["tickets"]] == [ticket_id]
    assert queue["tickets"][0]["business_seconds_left"] == 3600
    respond = desk.call(
        "TicketApiFunction", _with_ticket(sample("ticket_api/agent_respond"), ticket_id)
    )
    assert respond["statusCode"] == 200
    confirm = _with_ticket(sample("ticket_api/customer_confirm"), ticket_id)
    assert desk.call("TicketApiFunction", confirm)["statusCode"] == 401  # the sample's token
    set_headers(confirm, **{"X-Customer-Token": token})
    assert desk.call("TicketApiFunction", confirm)["statusCode"] == 409  # not resolved yet
    unauthenticated = _with_ticket(sample("ticket_api/get_ticket"), ticket_id)
    set_headers(unauthenticated, Authorization="Bearer wrong")
    assert desk.call("TicketApiFunction", unauthenticated)["statusCode"] == 401


def test_workflow_step_samples(desk: Desk) -> None:
    ticket_id, _ = _ticket(desk)
    # Triage again (a retried task): it says where the ticket is and changes nothing.
    assert desk.call("TriageFunction", _with_ticket(sample("triage/start"), ticket_id)) == {
        "ticket_id": ticket_id,
        "next": "first_line",
    }
    escalated = desk.call(
        "EscalateFunction", _with_ticket(sample("escalate/response_rung1"), ticket_id)
    )
    assert escalated["sent"] is True and escalated["to"] == "j.blanke@supportdesk.example"
    again = desk.call(
        "EscalateFunction", _with_ticket(sample("escalate/response_rung1"), ticket_id)
    )
    assert again["sent"] is False  # once per ticket and ladder step
    fired = desk.call(
        "FireTimerFunction", _with_ticket(sample("fire_timer/response_breach"), ticket_id)
    )
    assert fired["outcome"].startswith("stale")  # the sample's timer was never planned
    failure = desk.call(
        "RecordFailureFunction", _with_ticket(sample("record_failure/triage_failed"), ticket_id)
    )
    assert failure["failure"].startswith("TemporarilyUnavailable")
    parked = desk.call("ParkFunction", _with_ticket(sample("park/first_line"), ticket_id))
    assert parked == {"ticket_id": ticket_id, "parked": True, "stage": "first_line"}


def test_a_resolved_ticket_closes_itself_after_the_confirmation_window(desk: Desk) -> None:
    ticket_id, _ = _ticket(desk)  # integration-9x5: auto-close after 5 workdays
    desk.agent(ticket_id, "respond", {"message": "ontvangen"})
    desk.agent(ticket_id, "resolve", {"message": "opgelost"})
    desk.parked_at(ticket_id, "resolved")
    desk.clock.advance(days=6)
    assert desk.pump.fire_due(desk.clock.now) == []  # 5 workdays from Monday is next Monday
    desk.clock.advance(days=1, hours=1)
    (fired,) = desk.pump.fire_due(desk.clock.now)
    assert fired.response and fired.response["outcome"] == "closed"
    desk.wait_for(lambda: desk.execution(ticket_id)["status"] == "SUCCEEDED")
    assert desk.tickets.get(ticket_id).stage == "closed"


def test_a_priority_change_with_a_reason_moves_the_deadline(desk: Desk) -> None:
    ticket_id, _ = _ticket(desk)
    before = desk.view(ticket_id)["metrics"]["response"]["due"]
    response = desk.agent(
        ticket_id, "change_priority", {"priority": "low", "reason": "one user, workaround exists"}
    )
    assert response["statusCode"] == 200
    view = desk.view(ticket_id)
    assert view["priority"] == "low"
    assert view["metrics"]["response"]["due"] > before
    assert view["timeline"][-1]["reason"] == "one user, workaround exists"
    missing = desk.agent(ticket_id, "change_priority", {"priority": "top"})
    assert missing["statusCode"] == 409 and "reason" in missing["body"]
    unknown = desk.agent(ticket_id, "change_priority", {"priority": "p9", "reason": "x"})
    assert unknown["statusCode"] == 422


def test_the_stream_sample_keeps_a_tickets_verdicts(desk: Desk) -> None:
    """events/review_tickets: a new event of a ticket; the ticket's verdicts are kept, and the
    same record again changes nothing."""
    from supportflow.adapters.dynamodb.verdicts import DynamoVerdicts

    ticket_id, _ = _ticket(desk)
    event = _with_ticket(sample("review_tickets/event_insert"), ticket_id)
    for _ in range(2):
        assert desk.call("ReviewTicketsFunction", event) == {"batchItemFailures": []}
    opened = desk.tickets.get(ticket_id).opened_at
    month = opened.strftime("%Y-%m")
    kept = DynamoVerdicts().month("integratie-noord", month)
    assert {(r.verdict.ticket_id, r.key) for r in kept if r.verdict} >= {(ticket_id, "response")}
    assert [r.outage.ticket_id for r in kept if r.outage] == [ticket_id]  # a top incident
