"""The customer portal through the functions under moto, every AWS call checked against each
function's role in template.yaml: a contact asks for a sign-in link (the same answer for an
unknown address), signs in with the mailed code once, lists the organisation's tickets (all of
them for an authorised contact, their own for another), opens and answers one with the session,
files one; an agent withdraws a ticket's links, the old link answers 410 and a fresh link goes to
the ticket's contact."""

from __future__ import annotations

import json
import re
from email.message import EmailMessage
from typing import Any

from tests.workflow.conftest import Desk, sample, signed_in

PORTAL, API, INTAKE = "PortalFunction", "TicketApiFunction", "IntakeFunction"
AUTHORISED, COLLEAGUE = "it@verband.example", "redaktion@verband.example"
ANNA = signed_in("anna@desk.example", "first_line")


def _body(answer: dict[str, Any]) -> Any:
    return json.loads(answer["body"] or "null")


def _file(desk: Desk, contact: str, subject: str) -> tuple[str, str]:
    answer = desk.request(
        INTAKE, "POST", "/tickets", "/tickets",
        {"customer": "verband-digital", "contact_email": contact, "subject": subject,
         "description": "Since Monday."},
        **{"Idempotency-Key": subject.replace(" ", "-")},
    )  # fmt: skip
    assert answer["statusCode"] == 201, answer
    body = _body(answer)
    desk.parked_at(body["ticket_id"], "first_line")
    return str(body["ticket_id"]), str(body["customer_token"])


def _sign_in_mails(desk: Desk) -> list[EmailMessage]:
    return [m for m in desk.sent_mail() if "/portal#code=" in m.get_body(("plain",)).get_content()]


def _ask(desk: Desk, email: str) -> dict[str, Any]:
    return desk.request(PORTAL, "POST", "/portal/sign-in", "/portal/sign-in", {"email": email})


def _session(desk: Desk, email: str) -> str:
    before = len(_sign_in_mails(desk))
    assert _ask(desk, email)["statusCode"] == 202
    mails = _sign_in_mails(desk)
    assert len(mails) == before + 1 and mails[-1]["To"] == email
    code = re.search(r"#code=([A-Za-z0-9_-]+)", mails[-1].get_body(("plain",)).get_content())
    assert code
    answer = desk.request(
        PORTAL, "POST", "/portal/session", "/portal/session", {"code": code.group(1)}
    )
    assert answer["statusCode"] == 200, answer
    again = desk.request(
        PORTAL, "POST", "/portal/session", "/portal/session", {"code": code.group(1)}
    )
    assert again["statusCode"] == 401  # once
    return str(_body(answer)["session"])


def _list(desk: Desk, session: str, **query: str) -> dict[str, Any]:
    answer = desk.request(
        PORTAL,
        "GET",
        "/portal/tickets",
        "/portal/tickets",
        query=query or None,
        Authorization=f"Portal {session}",
    )
    assert answer["statusCode"] == 200, answer
    return dict(_body(answer))


def _status(desk: Desk, ticket_id: str, **headers: str) -> dict[str, Any]:
    path = f"/tickets/{ticket_id}/status"
    return desk.request(API, "GET", path, "/tickets/{ticket_id}/status", **headers)


def test_a_contact_signs_in_by_mail_and_sees_the_organisations_tickets(desk: Desk) -> None:
    theirs, _ = _file(desk, COLLEAGUE, "Newsletter editor hangs")
    desk.clock.advance(minutes=5)  # newest first: the later one
    mine, _ = _file(desk, AUTHORISED, "Export to CSV is slow")

    known, unknown = _ask(desk, AUTHORISED), _ask(desk, "stranger@evil.example")
    assert (known["statusCode"], known["body"]) == (unknown["statusCode"], unknown["body"])
    assert "check your mail" in _body(known)["message"] and _body(known)["minutes"] == 15
    assert [m["To"] for m in _sign_in_mails(desk)] == [AUTHORISED]

    authorised = _session(desk, AUTHORISED)
    listed = _list(desk, authorised)
    assert listed["sees"] == "all"
    assert listed["language"] == "de"  # Verband Digital's contract: the pages in German
    assert listed["tickets"][0]["zone"] == "Europe/Berlin"
    assert [t["ticket_id"] for t in listed["tickets"]][:2] == [mine, theirs]
    assert _status(desk, theirs, Authorization=f"Portal {authorised}")["statusCode"] == 200

    colleague = _session(desk, COLLEAGUE)
    own = _list(desk, colleague)
    assert own["sees"] == "own" and [t["ticket_id"] for t in own["tickets"]] == [theirs]
    assert _status(desk, mine, Authorization=f"Portal {colleague}")["statusCode"] == 404
    assert _status(desk, theirs, Authorization="Portal forged.x")["statusCode"] == 401

    # answering with the session: the contact is named as who wrote
    path = f"/tickets/{theirs}/customer/reply"
    answer = desk.request(
        API, "POST", path, "/tickets/{ticket_id}/customer/{action}",
        {"message": "It hangs on saving a draft."}, Authorization=f"Portal {colleague}",
    )  # fmt: skip
    assert answer["statusCode"] == 200, answer
    last = desk.tickets.get(theirs).events[-1]
    assert (last.type, last.actor) == ("customer_message", COLLEAGUE)

    # filing from the portal: the session's contact and customer, whatever the form says
    filed = desk.request(
        INTAKE, "POST", "/tickets", "/tickets",
        {"customer": "integratie-noord", "contact_email": "servicedesk@noord.example",
         "subject": "Images missing", "description": "In the newsletter."},
        **{"Authorization": f"Portal {colleague}", "Idempotency-Key": "portal-file-1"},
    )  # fmt: skip
    assert filed["statusCode"] == 201, filed
    ticket = desk.tickets.get(_body(filed)["ticket_id"])
    assert (ticket.customer_id, ticket.contact_email) == ("verband-digital", COLLEAGUE)
    assert ticket.events[0].data["channel"] == "portal"
    refused = desk.request(
        INTAKE, "POST", "/tickets", "/tickets",
        {"contact_email": COLLEAGUE, "subject": "x", "description": "y"},
        Authorization="Portal not.valid",
    )  # fmt: skip
    assert refused["statusCode"] == 401


def test_a_withdrawn_link_answers_410_and_a_fresh_one_goes_to_the_contact(desk: Desk) -> None:
    ticket_id, token = _file(desk, COLLEAGUE, "Search is empty")
    assert _status(desk, ticket_id, **{"X-Customer-Token": token})["statusCode"] == 200
    path = f"/tickets/{ticket_id}/links/revoke"
    resource = "/tickets/{ticket_id}/links/revoke"
    revoked = desk.request(API, "POST", path, resource, {"reason": "forwarded"}, **ANNA)
    assert revoked["statusCode"] == 200 and _body(revoked)["link_version"] == 1
    gone = _status(desk, ticket_id, **{"X-Customer-Token": token})
    assert gone["statusCode"] == 410 and "withdrew" in _body(gone)["message"]
    wrong = _status(desk, ticket_id, **{"X-Customer-Token": "0" * 32})
    assert wrong["statusCode"] == 401

    body = {"ticket_id": ticket_id, "token": token}
    asked = desk.request(PORTAL, "POST", "/portal/fresh-link", "/portal/fresh-link", body)
    assert asked["statusCode"] == 202
    (mail,) = _sign_in_mails(desk)
    assert mail["To"] == COLLEAGUE
    assert f"&ticket={ticket_id}" in mail.get_body(("plain",)).get_content()
    forged = {"ticket_id": ticket_id, "token": "0" * 32}
    again = desk.request(PORTAL, "POST", "/portal/fresh-link", "/portal/fresh-link", forged)
    assert again["statusCode"] == 202 and len(_sign_in_mails(desk)) == 1


def test_the_sample_event_asks_for_a_sign_in_link(desk: Desk) -> None:
    """events/portal/sign_in.json, as `sam local invoke PortalFunction -e` takes it."""
    answer = desk.call(PORTAL, sample("portal/sign_in"))
    assert answer["statusCode"] == 202, answer
    assert [m["To"] for m in _sign_in_mails(desk)] == [AUTHORISED]
