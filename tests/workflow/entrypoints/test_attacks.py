"""The API as an attacker tries it (API Gateway events through the real handlers, under moto):
nobody gets another customer's token, nothing leaks which customers exist, no input gives a 5xx,
and every error is {"message": ...}."""

from __future__ import annotations

import base64
import json
from typing import Any

from tests.workflow.conftest import Desk, sample, set_headers, signed_in


def _body(response: dict[str, Any]) -> dict[str, Any]:
    return dict(json.loads(response["body"]))


def _post(desk: Desk, body: Any, **headers: str) -> dict[str, Any]:
    event = sample("intake/post_json")
    event["body"] = body if isinstance(body, str) else json.dumps(body)
    set_headers(event, **headers)
    return dict(desk.call("IntakeFunction", event))


def _ticket(**changes: Any) -> dict[str, Any]:
    return {**json.loads(sample("intake/post_json")["body"]), **changes}


def test_a_replayed_key_or_content_never_hands_out_the_token(desk: Desk) -> None:
    first = _post(desk, _ticket(), **{"Idempotency-Key": "k-1"})
    assert first["statusCode"] == 201 and _body(first)["customer_token"]
    replay = _post(desk, _ticket(), **{"Idempotency-Key": "k-1"})
    assert replay["statusCode"] == 200
    assert "customer_token" not in _body(replay) and "mailed" in _body(replay)["message"]
    other = _post(desk, _ticket(subject="something else"), **{"Idempotency-Key": "k-1"})
    assert other["statusCode"] == 422 and "different ticket" in _body(other)["message"]
    same_content = _post(desk, _ticket(subject="no key"), **{"Idempotency-Key": ""})
    assert same_content["statusCode"] == 201
    again = _post(desk, _ticket(subject="no key"), **{"Idempotency-Key": ""})
    assert again["statusCode"] == 200 and "customer_token" not in _body(again)
    assert len(desk.sent_mail()) == 2  # one confirmation per ticket, to its own contact


def test_unknown_customers_and_senders_get_the_same_answer_and_no_mail(desk: Desk) -> None:
    unknown = _post(desk, _ticket(customer="no-such-customer"), **{"Idempotency-Key": "a"})
    stranger = _post(desk, _ticket(contact_email="x@evil.example"), **{"Idempotency-Key": "b"})
    assert unknown["statusCode"] == stranger["statusCode"] == 202
    assert unknown["body"] == stranger["body"]
    assert desk.sent_mail() == []


def test_credentials_that_are_not_ascii_are_refused_not_crashed(desk: Desk) -> None:
    ticket_id = _body(_post(desk, _ticket()))["ticket_id"]
    view = sample("ticket_api/get_ticket")
    view["path"], view["pathParameters"] = f"/tickets/{ticket_id}", {"ticket_id": ticket_id}
    set_headers(view, Authorization="Bearer ünïcode-tøken")
    assert desk.call("TicketApiFunction", view)["statusCode"] == 401
    status = sample("ticket_api/get_ticket")
    status["resource"] = "/tickets/{ticket_id}/status"
    status["path"] = f"/tickets/{ticket_id}/status"
    status["pathParameters"] = {"ticket_id": ticket_id}
    status["queryStringParameters"] = {"token": "ßßß"}
    status["multiValueQueryStringParameters"] = {"token": ["ßßß"]}
    response = desk.call("TicketApiFunction", status)
    assert response["statusCode"] == 401 and _body(response)["message"]


def test_bad_bodies_are_4xx_with_a_message(desk: Desk) -> None:
    deep = "[" * 1000 + "]" * 1000
    cases = {
        400: [_post(desk, deep), _post(desk, '{"a":' * 50 + "1" + "}" * 50)],
        415: [_post(desk, "<xml/>", **{"Content-Type": "application/xml"})],
        422: [
            _post(desk, "{not json"),
            _post(desk, _ticket(subject="\u2028\x07")),  # nothing left but invisible text
            _post(desk, _ticket(contact_email="a\x01@b.example")),
            _post(desk, [1, 2, 3]),
        ],
    }
    for status, responses in cases.items():
        for response in responses:
            assert response["statusCode"] == status, response
            assert isinstance(_body(response)["message"], str)
    pasted = _post(desk, _ticket(subject="a\u2028b"), **{"Idempotency-Key": "pasted"})
    assert pasted["statusCode"] == 201, _body(pasted)  # pasted from Word: kept, on one line
    assert desk.tickets.get(_body(pasted)["ticket_id"]).subject == "a b"
    event = sample("intake/post_json")
    event["isBase64Encoded"], event["body"] = True, "%%%not base64"
    assert desk.call("IntakeFunction", event)["statusCode"] == 400
    event["body"] = base64.b64encode(json.dumps(_ticket(subject="b64")).encode()).decode()
    assert desk.call("IntakeFunction", event)["statusCode"] == 201
    assert desk.tickets.queue(["triage", "first_line"])  # only the good one is there


def test_an_agent_is_who_the_token_says_never_a_header(desk: Desk) -> None:
    """Every event records the agent the ID token names; a header the caller chooses names
    nobody (the seeds: no shared accounts, always show who wrote what)."""
    ticket_id = _body(_post(desk, _ticket()))["ticket_id"]
    desk.parked_at(ticket_id, "first_line")
    event = sample("ticket_api/agent_respond")
    event["path"] = f"/tickets/{ticket_id}/actions/note"
    event["pathParameters"] = {"ticket_id": ticket_id, "action": "note"}
    event["body"] = json.dumps({"message": "wie ben ik"})
    set_headers(event, **{"X-Agent": "the-director", **signed_in("anna@desk.example")})
    assert desk.call("TicketApiFunction", event)["statusCode"] == 200
    # the local script token (no such setting on AWS) stands for one fixed identity
    scripted = sample("ticket_api/agent_respond")
    scripted.update(path=event["path"], pathParameters=event["pathParameters"], body=event["body"])
    set_headers(scripted, Authorization="Bearer local-agent-token", **{"X-Agent": "the-director"})
    assert desk.call("TicketApiFunction", scripted)["statusCode"] == 200
    actors = [e.actor for e in desk.tickets.get(ticket_id).events if e.type == "note"]
    assert actors == ["anna@desk.example", "local-agent"]
