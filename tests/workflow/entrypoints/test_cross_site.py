"""Forms on customers' own sites through the real handlers (issue 19): CORS for the origins a
contract lists, the preflight, a filing from a site the customer did not list refused with
nothing stored, and a browser's plain form post answered with pages."""

from __future__ import annotations

import json
from typing import Any

from tests.workflow.conftest import Desk, sample, set_headers

SHOP = "https://www.bakker.example"
EVIL = "https://evil.example"


def _allow(desk: Desk, customer: str, origins: list[str]) -> None:
    read = sample("ticket_api/get_ticket")
    read.update(
        resource="/contracts/{customer_id}",
        path=f"/contracts/{customer}",
        pathParameters={"customer_id": customer},
    )
    set_headers(read, Authorization="Bearer local-admin-token")
    versions = json.loads(desk.call("TicketApiFunction", read)["body"])["versions"]
    contract = {**versions[-1]["contract"], "allowed_origins": origins}
    put = {**read, "httpMethod": "PUT", "body": json.dumps(contract)}
    put["requestContext"] = {**read["requestContext"], "httpMethod": "PUT"}
    set_headers(put, **{"Content-Type": "application/json"})
    assert desk.call("TicketApiFunction", put)["statusCode"] == 201


def _post(desk: Desk, sample_name: str = "intake/post_json", **headers: str) -> dict[str, Any]:
    event = sample(sample_name)
    body = json.loads(event["body"]) if sample_name.endswith("json") else None
    if body is not None:  # the web-agency customer, whose site is listed
        body.update(
            customer="webshop-bakker",
            contact_email="info@bakker.example",
            urgency="high",
            impact="large",
        )
        event["body"] = json.dumps(body)
    set_headers(event, **headers)
    return dict(desk.call("IntakeFunction", event))


def _location(response: dict[str, Any]) -> str:
    multi = response.get("multiValueHeaders") or {}
    return str((response.get("headers") or {}).get("Location") or multi["Location"][-1])


def _preflight(desk: Desk, origin: str, resource: str = "/tickets") -> dict[str, Any]:
    event = sample("intake/post_json")
    event.update(httpMethod="OPTIONS", body=None, resource=resource)
    set_headers(event, Origin=origin, **{"Access-Control-Request-Method": "POST"})
    function = "IntakeFunction" if resource == "/tickets" else "TicketApiFunction"
    return dict(desk.call(function, event))


def test_no_site_is_allowed_until_the_contract_lists_it(desk: Desk) -> None:
    answer = _preflight(desk, SHOP)
    assert answer["statusCode"] == 204
    assert "Access-Control-Allow-Origin" not in answer["headers"]
    refused = _post(desk, Origin=SHOP)
    assert refused["statusCode"] == 403
    assert "Access-Control-Allow-Origin" not in (refused.get("headers") or {})
    assert desk.sent_mail() == []  # nothing was stored, nobody was mailed


def test_a_listed_site_files_and_reads_the_answer(desk: Desk) -> None:
    _allow(desk, "webshop-bakker", [SHOP, "http://localhost:9000"])
    answer = _preflight(desk, SHOP)
    assert answer["headers"]["Access-Control-Allow-Origin"] == SHOP
    assert "Idempotency-Key" in answer["headers"]["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Origin" not in _preflight(desk, EVIL)["headers"]
    status_preflight = _preflight(desk, SHOP, "/tickets/{ticket_id}/status")
    assert status_preflight["headers"]["Access-Control-Allow-Origin"] == SHOP

    filed = _post(desk, Origin=SHOP)
    assert filed["statusCode"] == 201
    assert filed["headers"]["Access-Control-Allow-Origin"] == SHOP
    assert filed["headers"]["Vary"] == "Origin"
    # Errors reach the listed site's page too (it shows them).
    invalid = _post(desk, "intake/post_invalid", Origin=SHOP)
    assert invalid["statusCode"] == 422
    assert invalid["headers"]["Access-Control-Allow-Origin"] == SHOP
    # Another site: refused, nothing stored.
    before = len(desk.sent_mail())
    evil = _post(desk, Origin=EVIL, **{"Idempotency-Key": "evil"})
    assert evil["statusCode"] == 403 and "Access-Control-Allow-Origin" not in evil["headers"]
    # A listed site filing for another customer: refused (the site is that customer's).
    other = sample("intake/post_json")  # integratie-noord, which lists no site
    set_headers(other, Origin=SHOP)
    assert desk.call("IntakeFunction", other)["statusCode"] == 403
    assert len(desk.sent_mail()) == before
    # No Origin (a script), or the desk's own pages: no CORS, no site check.
    assert _post(desk, **{"Idempotency-Key": "script"})["statusCode"] == 201
    own = _post(desk, Origin="http://localhost:8080", **{"Idempotency-Key": "own"})
    assert own["statusCode"] == 201 and "Access-Control-Allow-Origin" not in own["headers"]


def test_a_browsers_plain_form_post_lands_on_pages(desk: Desk) -> None:
    _allow(desk, "webshop-bakker", [SHOP])
    page = {"Origin": SHOP, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    filed = _post(desk, "intake/post_form", **page)
    assert filed["statusCode"] == 303
    assert "/status#/tickets/T-" in _location(filed)
    assert "token=" in _location(filed)
    again = _post(desk, "intake/post_form", **page)  # the same content: no second token
    assert again["statusCode"] == 303
    assert _location(again).endswith("/status#/filed?repeated")
    refused = _post(desk, "intake/post_form", **{**page, "Origin": EVIL})
    assert refused["statusCode"] == 403
    assert refused["headers"]["Content-Type"].startswith("text/html")
    assert "lists the sites" in refused["body"] and "<script" not in refused["body"]
    # A script posting a form (no text/html in Accept) still gets JSON.
    scripted = _post(desk, "intake/post_form", **{"Idempotency-Key": "curl"})
    assert scripted["statusCode"] == 201 and json.loads(scripted["body"])["ticket_id"]
