"""A held filing accepted and its sender added as a contact (issue 20): admins only; a new
contract version recorded by the admin; the sender's next filing opens a ticket at once."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.workflow.conftest import Desk, signed_in

API = "TicketApiFunction"


def _file(desk: Desk, sender: str, subject: str) -> Any:
    body = {
        "customer": "integratie-noord",
        "contact_email": sender,
        "subject": subject,
        "description": "Sinds vanochtend.",
    }
    key = {"Idempotency-Key": subject.replace(" ", "-")}
    return desk.request("IntakeFunction", "POST", "/tickets", "/tickets", body, **key)


def _held(desk: Desk) -> list[dict[str, Any]]:
    answer = desk.request(API, "GET", "/filings", "/filings", **signed_in("anna@desk.example"))
    return list(json.loads(answer["body"])["filings"])


def _decide(desk: Desk, filing_id: str, body: dict[str, Any], **who: str) -> Any:
    return desk.request(
        API, "POST", f"/filings/{filing_id}/accept", "/filings/{filing_id}/{decision}", body, **who
    )


def test_an_admin_adds_the_sender_and_their_next_filing_is_a_ticket(desk: Desk) -> None:
    assert _file(desk, "jan@noord.example", "Koppeling traag")["statusCode"] == 202
    (held,) = _held(desk)
    body = {"customer": "integratie-noord", "add_contact": True}
    refused = _decide(desk, held["filing_id"], body, **signed_in("anna@desk.example"))
    assert refused["statusCode"] == 403  # not an admin: nothing accepted, nothing recorded
    assert len(_held(desk)) == 1
    admin = signed_in("admin@desk.example", "admins")
    accepted = _decide(desk, held["filing_id"], body, **admin)
    assert accepted["statusCode"] == 200, accepted
    assert json.loads(accepted["body"])["ticket_id"].startswith("T-")
    versions = desk.request(
        API, "GET", "/contracts/integratie-noord", "/contracts/{customer_id}", **admin
    )
    latest = json.loads(versions["body"])["versions"][-1]
    assert "jan@noord.example" in latest["contract"]["other_contacts"]
    assert latest["recorded_by"] == "admin@desk.example"
    time.sleep(1.1)  # another function's copy of the contracts reads the store once a second
    assert _file(desk, "jan@noord.example", "Weer traag")["statusCode"] == 201  # no hold
