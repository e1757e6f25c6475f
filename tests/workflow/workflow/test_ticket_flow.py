"""The ticket workflow end to end under moto: API events -> handlers -> DynamoDB -> the real
state machine (moto's interpreter) -> callback steps -> timers -> escalation e-mails."""

from __future__ import annotations

import json
from typing import Any

from tests.workflow.conftest import Desk, sample, signed_in


def _open(desk: Desk, **changes: Any) -> tuple[str, str]:
    response = desk.post_ticket(**changes)
    assert response["statusCode"] in (200, 201), response
    body = json.loads(response["body"])
    desk.parked_at(body["ticket_id"], "first_line")
    return body["ticket_id"], body["customer_token"]


def _ok(response: dict[str, Any]) -> dict[str, Any]:
    assert response["statusCode"] == 200, response
    return json.loads(response["body"])


def test_form_post_to_resolution_at_first_line(desk: Desk) -> None:
    response = desk.post_ticket("intake/post_form")
    assert response["statusCode"] == 201, response
    ticket_id = json.loads(response["body"])["ticket_id"]
    token = json.loads(response["body"])["customer_token"]
    desk.parked_at(ticket_id, "first_line")
    view = desk.view(ticket_id)
    assert view["priority"] == "high"  # web-agency: urgency high x impact large
    assert view["metrics"]["response"]["due"] == "2025-03-31T11:00:00+02:00"
    desk.clock.advance(minutes=20)
    assert _ok(desk.agent(ticket_id, "respond", {"message": "We kijken ernaar."}))["stage"] == (
        "first_line"
    )
    desk.clock.advance(hours=1)
    assert (
        _ok(desk.agent(ticket_id, "resolve", {"message": "iDEAL-koppeling hersteld."}))["stage"]
        == "resolved"
    )
    desk.parked_at(ticket_id, "resolved")
    desk.clock.advance(hours=2)
    assert _ok(desk.customer(ticket_id, "confirm", token))["stage"] == "closed"
    desk.wait_for(lambda: desk.execution(ticket_id)["status"] == "SUCCEEDED")
    types = [e["type"] for e in desk.view(ticket_id)["timeline"]]
    assert types == ["opened", "responded", "resolved", "closed"]
    assert desk.mail_kinds() == ["confirmation", "answer", "resolved"]  # not the confirm
    assert {m["To"] for m in desk.sent_mail()} == {"info@bakker.example"}


def test_second_line(desk: Desk) -> None:
    ticket_id, _ = _open(desk)
    desk.clock.advance(minutes=10)
    _ok(desk.agent(ticket_id, "respond", {"message": "ontvangen"}))
    assert _ok(desk.agent(ticket_id, "hand_to_second_line"))["stage"] == "second_line"
    desk.parked_at(ticket_id, "second_line")
    desk.clock.advance(minutes=30)
    _ok(desk.agent(ticket_id, "record_root_cause", {"message": "verlopen certificaat"}))
    desk.clock.advance(minutes=30)
    assert _ok(desk.agent(ticket_id, "resolve", {"message": "vernieuwd"}))["stage"] == "resolved"
    desk.parked_at(ticket_id, "resolved")
    history = desk.sfn.get_execution_history(
        executionArn=desk.execution(ticket_id)["executionArn"]
    )["events"]
    entered = [
        e["stateEnteredEventDetails"]["name"] for e in history if e["type"] == "TaskStateEntered"
    ]
    assert entered[:4] == ["Triage", "FirstLine", "SecondLine", "Resolved"]


def test_waiting_on_the_customer_pauses_and_resumes_with_moved_deadlines(desk: Desk) -> None:
    ticket_id, token = _open(desk)
    desk.clock.advance(minutes=10)
    _ok(desk.agent(ticket_id, "respond", {"message": "ontvangen"}))
    _ok(desk.agent(ticket_id, "record_root_cause", {"message": "configuratie"}))
    due_before = desk.view(ticket_id)["metrics"]["resolution"]["due"]
    desk.clock.advance(minutes=50)
    assert (
        _ok(desk.agent(ticket_id, "ask_customer", {"message": "Welke omgeving?"}))["stage"]
        == "waiting_on_customer"
    )
    desk.parked_at(ticket_id, "waiting_on_customer")
    assert desk.pump.pending() == []  # pausing deleted the timers
    desk.clock.advance(hours=24)
    assert _ok(desk.customer(ticket_id, "reply", token, {"message": "productie"}))["stage"] == (
        "first_line"
    )
    desk.parked_at(ticket_id, "first_line")
    view = desk.view(ticket_id)
    assert view["metrics"]["resolution"]["state"] == "running"
    assert view["metrics"]["resolution"]["due"] > due_before  # moved by the paused hours
    assert view["metrics"]["resolution"]["paused_business_seconds"] == 9 * 3600
    assert desk.pump.pending()  # resuming created new ones


def test_a_breach_escalates_to_the_manager_then_the_cto(desk: Desk) -> None:
    ticket_id, _ = _open(desk)  # integration-9x5 top: response due 10:00
    desk.clock.advance(minutes=45)
    fired = desk.pump.fire_due(desk.clock.now)
    assert [f.response["outcome"] for f in fired if f.response] == ["escalating response rung 0"]
    desk.parked_at(ticket_id, "first_line")
    desk.clock.advance(minutes=15, seconds=1)
    desk.pump.fire_due(desk.clock.now)
    desk.parked_at(ticket_id, "first_line")
    desk.wait_for(lambda: len(desk.sent_mail()) == 3)
    manager = desk.sent_mail()[2]
    assert manager["To"] == "j.blanke@supportdesk.example"  # R004-7: first escalation
    text = manager.get_body(("plain",)).get_content()
    assert "Deadline: ma 31-03-2025 10:00 CEST (0m01s over tijd)." in text
    desk.clock.advance(hours=4)
    desk.pump.fire_due(desk.clock.now)
    desk.wait_for(lambda: len(desk.sent_mail()) == 4)
    assert desk.sent_mail()[3]["To"] == "g.vankesteren@supportdesk.example"  # then the CTO
    history = desk.sfn.get_execution_history(
        executionArn=desk.execution(ticket_id)["executionArn"]
    )["events"]
    entered = [
        e["stateEnteredEventDetails"]["name"] for e in history if e["type"] == "TaskStateEntered"
    ]
    assert entered.count("Escalate") == 3


def test_a_stale_timer_does_nothing(desk: Desk) -> None:
    ticket_id, _ = _open(desk)
    planned = desk.pump.pending()
    desk.clock.advance(minutes=10)
    _ok(desk.agent(ticket_id, "respond", {"message": "ontvangen"}))
    assert desk.pump.pending() == []
    stale = dict(sample("fire_timer/response_breach"))
    for _, schedule in planned:
        stale = json.loads(schedule["Target"]["Input"])
        desk.clock.advance(hours=1)
        result = desk.call("FireTimerFunction", stale)
        assert result["outcome"].startswith("stale")
    assert desk.mail_kinds() == ["confirmation", "answer"]  # no escalation


def test_a_duplicate_form_post_makes_one_ticket(desk: Desk) -> None:
    first = desk.post_ticket()
    second = desk.post_ticket()
    assert (first["statusCode"], second["statusCode"]) == (201, 200)
    assert json.loads(first["body"])["ticket_id"] == json.loads(second["body"])["ticket_id"]
    desk.parked_at(json.loads(first["body"])["ticket_id"], "first_line")
    executions = desk.sfn.list_executions(stateMachineArn=desk.stack.state_machine_arn)
    assert len(executions["executions"]) == 1
    assert len(desk.sent_mail()) == 1


def test_two_concurrent_agent_actions_one_wins(desk: Desk) -> None:
    ticket_id, _ = _open(desk)
    version = str(desk.view(ticket_id)["version"])
    first = desk.agent(ticket_id, "take", {}, **{"If-Match": version, **signed_in("anna")})
    second = desk.agent(ticket_id, "take", {}, **{"If-Match": version, **signed_in("bob")})
    assert (first["statusCode"], second["statusCode"]) == (200, 409)
    assert "reload" in json.loads(second["body"])["message"]


def test_an_invalid_post_is_422_and_stores_nothing(desk: Desk) -> None:
    response = desk.call("IntakeFunction", sample("intake/post_invalid"))
    assert response["statusCode"] == 422
    assert "contact_email" in response["body"]
    assert (
        desk.sfn.list_executions(stateMachineArn=desk.stack.state_machine_arn)["executions"] == []
    )
    assert desk.tickets.queue(["triage", "first_line"]) == []


def test_a_failing_step_is_retried_then_caught(desk: Desk) -> None:
    calls: list[dict[str, Any]] = []

    def broken(event: dict[str, Any], context: Any) -> Any:
        from supportflow.services.ports.tickets import TemporarilyUnavailable

        calls.append(event)
        raise TemporarilyUnavailable("table throttled")

    name = desk.stack.function_arns["TriageFunction"].rsplit(":", 1)[-1]
    desk.stack.registry.overrides[name] = broken
    body = json.loads(desk.post_ticket()["body"])
    ticket_id = body["ticket_id"]
    desk.wait_for(lambda: desk.execution(ticket_id)["status"] == "FAILED", timeout=30)
    assert len(calls) == 4  # the first try and three retries
    record = desk.tickets.get(ticket_id)
    assert record.failure is not None and record.failure.startswith("TemporarilyUnavailable")
    assert desk.execution(ticket_id)["error"] == "TicketWorkflowFailed"
