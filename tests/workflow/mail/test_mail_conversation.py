"""One ticket, one conversation, by mail, through the embedded AWS: a mail arrives (SES stores
it in S3, the bucket's notification invokes receive_mail), a ticket opens, the agent asks, the
customer's reply by mail threads onto it and resumes the paused clock, the agent resolves, the
customer confirms. Every outbound mail is checked: recipients, threading headers, language."""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import boto3

from tests.workflow.conftest import Desk

SAMPLES = Path(__file__).resolve().parents[3] / "events" / "receive_mail"


def _reply_to(message: EmailMessage, sender: str, text: str, message_id: str) -> bytes:
    """What a mail client sends when its user answers `message`."""
    reply = EmailMessage()
    reply["From"] = sender
    reply["To"] = str(message["From"])
    reply["Subject"] = "Re: " + str(message["Subject"])
    reply["Message-ID"] = message_id
    reply["In-Reply-To"] = str(message["Message-ID"])
    reply["References"] = f"{message['References'] or ''} {message['Message-ID']}".strip()
    quoted = "\n".join(
        "> " + line for line in message.get_body(("plain",)).get_content().split("\n")
    )
    reply.set_content(f"{text}\n\nOp ma 31 mrt 2025 schreef supportflow:\n{quoted}\n")
    return bytes(reply)


def test_a_conversation_by_mail(desk: Desk) -> None:
    raw = (SAMPLES / "new_plain.eml").read_bytes()
    assert desk.mail_in(raw)["outcomes"] == ["opened"]
    assert desk.mail_in(raw)["outcomes"] == ["repeat"]  # SES delivered it twice: one ticket
    (listed,) = desk.tickets.by_customer("integratie-noord")
    ticket_id = listed.ticket_id
    ticket = desk.tickets.get(ticket_id)
    first = dict(ticket.events[0].data)
    assert str(first.pop("raw")).startswith("inbound/")  # the raw mail it came as (privacy)
    assert first == {"channel": "email", "message_id": "<20250331090000.4711@noord.example>"}
    desk.parked_at(ticket_id, "first_line")
    (confirmation,) = desk.sent_mail()
    assert confirmation["To"] == "servicedesk@noord.example"
    assert confirmation["In-Reply-To"] == "<20250331090000.4711@noord.example>"
    assert confirmation["Subject"] == (
        f"Uw melding is ontvangen: Koppeling met zaaksysteem ligt eruit [{ticket_id}]"
    )
    assert (
        "Uiterlijke reactie: wo 02-04-2025 09:00 CEST."
        in confirmation.get_body(("plain",)).get_content()
    )

    desk.clock.advance(minutes=10)
    desk.agent(ticket_id, "record_root_cause", {"message": "certificaat"})  # R004-4: starts
    desk.agent(ticket_id, "ask_customer", {"message": "Welke omgeving?"})
    desk.parked_at(ticket_id, "waiting_on_customer")
    question = desk.sent_mail()[-1]
    assert question["In-Reply-To"] == "<20250331090000.4711@noord.example>"
    assert "Welke omgeving?" in question.get_body(("plain",)).get_content()
    assert "Beantwoord deze e-mail" in question.get_body(("plain",)).get_content()

    desk.clock.advance(hours=2)
    answer = _reply_to(question, "servicedesk@noord.example", "Productie.", "<r1@noord.example>")
    assert desk.mail_in(answer)["outcomes"] == ["threaded"]
    assert desk.mail_in(answer)["outcomes"] == ["threaded"]  # a redelivery: logged once
    desk.parked_at(ticket_id, "first_line")  # the reply resumed the clock
    view = desk.view(ticket_id)
    replies = [e for e in view["timeline"] if e["type"] == "customer_replied"]
    assert [r["message"] for r in replies] == ["Productie."]  # the quoted history cut off
    assert view["metrics"]["resolution"]["paused_business_seconds"] == 2 * 3600

    desk.agent(ticket_id, "note", {"message": "intern: oude certificaten"})
    desk.agent(ticket_id, "resolve", {"message": "Certificaat vernieuwd."})
    desk.parked_at(ticket_id, "resolved")
    resolved = desk.sent_mail()[-1]
    assert resolved["In-Reply-To"] == "<r1@noord.example>"  # under the customer's last mail
    assert "<20250331090000.4711@noord.example>" in resolved["References"]
    text = resolved.get_body(("plain",)).get_content()
    assert "Certificaat vernieuwd." in text and "Bevestig" in text and "token=" in text
    token = text.split("token=", 1)[1].split()[0]
    assert json.loads(desk.customer(ticket_id, "confirm", token)["body"])["stage"] == "closed"

    kinds = desk.mail_kinds()
    assert kinds == ["confirmation", "question", "resolved"]  # the note never left the desk
    for message in desk.sent_mail():
        assert message["To"] == "servicedesk@noord.example" and message["Date"]
        assert str(message["Message-ID"]).endswith("@supportflow.example>")
        assert "Re: " in str(message["Subject"]) or "ontvangen" in str(message["Subject"])


def test_machines_and_strangers_never_get_an_answer(desk: Desk) -> None:
    for name in ("auto_reply", "bounce"):
        assert desk.mail_in((SAMPLES / f"{name}.eml").read_bytes())["outcomes"] == ["ignored"]
    stranger = (
        (SAMPLES / "new_plain.eml")
        .read_bytes()
        .replace(b"servicedesk@noord.example", b"someone@elsewhere.example")
    )
    assert desk.mail_in(stranger)["outcomes"] == ["held"]
    assert desk.mail_in(stranger)["outcomes"] == ["held"]
    agent = {"Authorization": "Bearer local-agent-token"}
    listed = desk.request("TicketApiFunction", "GET", "/filings", "/filings", **agent)
    held = json.loads(listed["body"])["filings"]
    assert [(f["contact_email"], f["channel"], f["customer"]) for f in held] == [
        ("someone@elsewhere.example", "email", "unknown")
    ]
    assert desk.sent_mail() == []
    # The agent knows the sender: accepted under a customer, it opens as a mail ticket.
    accept = desk.request(
        "TicketApiFunction", "POST", f"/filings/{held[0]['filing_id']}/accept",
        "/filings/{filing_id}/{decision}", {"customer": "integratie-noord"}, **agent,
    )  # fmt: skip
    accepted = json.loads(accept["body"])
    ticket = desk.tickets.get(accepted["ticket_id"])
    assert ticket.contact_email == "someone@elsewhere.example"
    assert ticket.events[0].data["message_id"] == "<20250331090000.4711@noord.example>"
    desk.settle()
    (confirmation,) = desk.sent_mail()
    assert confirmation["In-Reply-To"] == "<20250331090000.4711@noord.example>"


def test_a_mails_attachments_are_kept_and_an_agent_can_open_them(desk: Desk) -> None:
    raw = (SAMPLES / "attachment.eml").read_bytes()  # from ops@acme.example, two files
    assert desk.mail_in(raw)["outcomes"] == ["opened"]
    (listed,) = desk.tickets.by_customer("hosting-acme")
    ticket = desk.tickets.get(listed.ticket_id)
    assert [a.rsplit("/", 1)[-1] for a in ticket.attachments] == [
        "1-error.log",
        "2-screen shot.png",
    ]
    assert all(
        a.startswith("s3://supportflow-123456789012-mail/attachments/") for a in ticket.attachments
    )

    def attachment(number: int, **headers: str) -> dict[str, Any]:
        return desk.request(
            "TicketApiFunction", "GET", f"/tickets/{ticket.ticket_id}/attachments/{number}",
            "/tickets/{ticket_id}/attachments/{number}",
            Authorization="Bearer local-agent-token", **headers,
        )  # fmt: skip

    found = attachment(1, Accept="application/json")
    url = json.loads(found["body"])["url"]
    assert url.startswith("http://localhost:8080/local/attachments/attachments/")
    assert url.endswith("1-error.log")
    redirect = attachment(2)
    location = (redirect.get("multiValueHeaders") or {}).get("Location") or [
        (redirect.get("headers") or {}).get("Location")
    ]
    assert redirect["statusCode"] == 302 and str(location[0]).endswith("shot.png")
    assert attachment(3)["statusCode"] == 404
    bucket, key = ticket.attachments[0].removeprefix("s3://").split("/", 1)
    body = boto3.client("s3", region_name="eu-west-1").get_object(Bucket=bucket, Key=key)["Body"]
    assert body.read().startswith(b"2025-04-04 09:00:01 ERROR")
