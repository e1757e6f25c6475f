"""Privacy through the real functions under moto (issue 22), each call checked against the
function's statements in template.yaml: a person's export holds their tickets, messages and
files and nobody else's; after erasing them nothing of their address, name, phone or words is
left in the table (every item, scanned), the mail bucket (every object) or the search index,
and the customer's monthly SLA report is byte-for-byte what it was; a retention run erases
exactly the tickets past their period and none under a legal hold; repeating any of it is
harmless."""

from __future__ import annotations

import io
import json
import zipfile
from email.message import EmailMessage
from typing import Any

import boto3
from local.stack import REGION

from supportflow.domain.common.timeutil import parse_instant
from tests.workflow.conftest import Desk, sample, signed_in

ADMIN = signed_in("admin@desk.example", "admins")
AGENT = signed_in("anna@desk.example")
PRIVACY, API = "PrivacyFunction", "TicketApiFunction"
ANNA, BERT = "it@verband.example", "redaktion@verband.example"  # Verband Digital's contacts
NAME, PHONE = "Annegret Schmidtke", "+49 30 1234 5678"
PNG = b"\x89PNG\r\n\x1a\n" + b"annegret's screen" * 20
TRACES = (
    ANNA, NAME, "Annegret", "1234 5678", "newsletter-versand", "annegret-screen",
    "Zweite Nachricht",
)  # fmt: skip


def _body(response: dict[str, Any]) -> Any:
    return json.loads(response["body"])


def _mail(subject: str, text: str, *, reply_to: str | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = f"{NAME} <{ANNA}>"
    message["To"] = "support@supportflow.example"
    message["Subject"] = subject
    message["Message-ID"] = f"<{abs(hash(subject + text))}@verband.example>"
    if reply_to:
        message["In-Reply-To"] = reply_to
    message.set_content(text)
    message.add_attachment(PNG, maintype="image", subtype="png", filename="annegret-screen.png")
    return bytes(message)


def _file(desk: Desk, contact: str, subject: str, customer: str = "verband-digital") -> str:
    answer = desk.request(
        "IntakeFunction", "POST", "/tickets", "/tickets",
        {"customer": customer, "contact_email": contact, "subject": subject,
         "description": "Seit heute Morgen.", "channel": "web"},
        **{"Idempotency-Key": subject.replace(" ", "-")},
    )  # fmt: skip
    assert answer["statusCode"] in (200, 201), answer
    ticket_id = str(_body(answer)["ticket_id"])
    desk.parked_at(ticket_id, "first_line")
    return ticket_id


def _keep(desk: Desk) -> None:
    """The table's stream delivered to the review (verdicts, the search index)."""
    pump = getattr(desk, "_verdict_pump", None) or desk.stack.verdict_pump()
    desk._verdict_pump = pump  # type: ignore[attr-defined]
    while pump.pump():
        pass


def _report(desk: Desk, fmt: str) -> str:
    answer = desk.request(
        API, "GET", "/customers/verband-digital/report", "/customers/{customer_id}/report",
        query={"period": "2025-03", "format": fmt}, **ADMIN,
    )  # fmt: skip
    assert answer["statusCode"] == 200, answer
    return str(answer["body"])


def _everything(desk: Desk) -> str:
    """Every item of the table and every object of the mail bucket, as text."""
    table = boto3.client("dynamodb", region_name=REGION)
    items = []
    for page in table.get_paginator("scan").paginate(TableName=desk.stack.table_name):
        items.extend(page["Items"])
    s3 = boto3.client("s3", region_name=REGION)
    bucket = desk.stack.env["MAIL_BUCKET"]
    objects = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for found in page.get("Contents", []):
            data = s3.get_object(Bucket=bucket, Key=found["Key"])["Body"].read()
            objects.append(found["Key"] + "\n" + data.decode("latin-1"))
    return (json.dumps(items, ensure_ascii=False) + "\n".join(objects)).casefold()


def _scene(desk: Desk) -> tuple[str, str, str]:
    """Anna's ticket by mail (her name, phone, a screenshot), the desk's answers to her, her
    mail on Bert's ticket; another customer's ticket."""
    opened = desk.mail_in(_mail("Newsletter-Versand hängt", f"Rufen Sie {NAME} an: {PHONE}."))
    assert opened["outcomes"] == ["opened"]
    (anna,) = [t.ticket_id for t in desk.tickets.by_customer("verband-digital")]
    desk.parked_at(anna, "first_line")
    bert = _file(desk, BERT, "Suche findet nichts")
    other = _file(desk, "servicedesk@noord.example", "Koppeling ligt eruit", "integratie-noord")
    desk.clock.advance(minutes=20)
    assert (
        desk.agent(anna, "respond", {"message": f"Hallo {NAME}, wir sehen nach."}, **AGENT)[
            "statusCode"
        ]
        == 200
    )
    threaded = desk.mail_in(_mail(f"Re: [{bert}] Suche", "Zweite Nachricht: bei mir auch."))
    assert threaded["outcomes"] == ["threaded"]
    # a colleague's ticket names her by first name only (the desk knows it from her mails)
    desk.clock.advance(minutes=1)
    noted = desk.agent(bert, "note", {"message": "Annegret hat auch angerufen."}, **AGENT)
    assert noted["statusCode"] == 200, noted
    desk.clock.advance(hours=1)
    assert desk.agent(anna, "resolve", {"message": "Behoben."}, **AGENT)["statusCode"] == 200
    _keep(desk)
    return anna, bert, other


def test_export_then_erase_a_person_and_the_report_stays_the_same(desk: Desk) -> None:
    anna, bert, other = _scene(desk)
    reports = {fmt: _report(desk, fmt) for fmt in ("json", "csv", "text", "html", "pdf")}
    found = _everything(desk)
    assert all(t.casefold() in found for t in TRACES)  # she is there to begin with

    # the export: hers and nobody else's
    exported = desk.request(PRIVACY, "POST", "/privacy/exports", "/privacy/exports",
                            {"email": ANNA}, **ADMIN)  # fmt: skip
    assert exported["statusCode"] == 200, exported
    document = _body(exported)["document"]
    tickets = {t["ticket_id"]: t for t in document["tickets"]}
    assert set(tickets) == {anna, bert}
    assert tickets[anna]["subject"] == "Newsletter-Versand hängt" and tickets[anna]["yours"]
    theirs = tickets[bert]
    assert [e["by"] for e in theirs["conversation"]] == ["you"] and "subject" not in theirs
    text = json.dumps(document, ensure_ascii=False)
    assert BERT not in text and "Koppeling" not in text and "Seit heute Morgen" not in text
    assert _body(exported)["files"] >= 3  # the screenshot, her two raw mails
    s3 = boto3.client("s3", region_name=REGION)
    bucket = desk.stack.env["MAIL_BUCKET"]
    (key,) = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="exports/")["Contents"]]
    archive = zipfile.ZipFile(io.BytesIO(s3.get_object(Bucket=bucket, Key=key)["Body"].read()))
    assert any(archive.read(n) == PNG for n in archive.namelist() if n.endswith(".png"))
    assert sum(n.endswith(".eml") for n in archive.namelist()) == 2

    # the erasure
    erased = desk.request(PRIVACY, "POST", "/privacy/erasures", "/privacy/erasures",
                          {"email": ANNA, "ground": "art. 17(1)(a): her request of 6 December",
                           "requested_by": "the person, by mail"}, **ADMIN)  # fmt: skip
    assert erased["statusCode"] == 200, erased
    record = _body(erased)
    assert set(record["tickets"]) == {anna, bert} and record["files"] >= 4
    _keep(desk)
    left = _everything(desk)
    for trace in TRACES:
        assert trace.casefold() not in left, trace
    assert "redaktion@verband.example" in left and "koppeling ligt eruit" in left  # others stay
    assert "hat auch angerufen" in left  # the colleague's ticket keeps the note, not her name
    # the SLA history stands: the month's report, byte for byte, in every format
    assert {fmt: _report(desk, fmt) for fmt in reports} == reports
    # searching for her finds nothing
    search = desk.request(API, "GET", "/search", "/search", query={"q": ANNA}, **AGENT)
    assert _body(search)["tickets"] == []
    # again: harmless, nothing more to erase; both on record, without her
    desk.clock.advance(minutes=5)
    again = desk.request(PRIVACY, "POST", "/privacy/erasures", "/privacy/erasures",
                         {"email": ANNA, "ground": "again", "requested_by": "the person"},
                         **ADMIN)  # fmt: skip
    assert _body(again)["tickets"] == [] and _body(again)["files"] == 0
    listed = desk.request(PRIVACY, "GET", "/privacy/erasures", "/privacy/erasures", **ADMIN)
    records = _body(listed)["erasures"]
    assert [r["erasure_id"] for r in records] == [_body(again)["erasure_id"], record["erasure_id"]]
    assert ANNA not in json.dumps(records) and records[1]["done_by"] == "admin@desk.example"
    # who did what stays provable: the agent's actions on her (erased) ticket, over a period
    actions = desk.request(
        API, "GET", "/agents/anna@desk.example/actions", "/agents/{email}/actions",
        query={"since": "2025-03-31T00:00:00+02:00", "until": "2025-04-01T00:00:00+02:00"},
        **ADMIN,
    )  # fmt: skip
    assert actions["statusCode"] == 200, actions
    done = [(a["ticket_id"], a["type"]) for a in _body(actions)["actions"]]
    assert done == [(anna, "responded"), (bert, "note"), (anna, "resolved")]
    assert ANNA not in actions["body"]  # the customers' people are not indexed
    # an agent without the admin role may do none of it
    refused = desk.request(PRIVACY, "POST", "/privacy/exports", "/privacy/exports",
                           {"email": BERT}, **AGENT)  # fmt: skip
    assert refused["statusCode"] == 403


def _close(desk: Desk, ticket_id: str) -> None:
    answer = desk.agent(ticket_id, "close", {}, **AGENT)
    assert answer["statusCode"] == 200, answer
    desk.wait_for(lambda: desk.tickets.get(ticket_id).stage == "closed")


def test_retention_erases_what_is_past_its_period_and_nothing_under_a_legal_hold(
    desk: Desk,
) -> None:
    old = _file(desk, BERT, "Alte Meldung")
    held = _file(desk, BERT, "Strittige Rechnung")
    young = _file(desk, ANNA, "Junge Meldung")
    for ticket_id in (old, held):
        _close(desk, ticket_id)
    hold = desk.request(PRIVACY, "PUT", f"/tickets/{held}/legal-hold",
                        "/tickets/{ticket_id}/legal-hold",
                        {"hold": True, "reason": "invoice dispute"}, **ADMIN)  # fmt: skip
    assert hold["statusCode"] == 200 and _body(hold)["legal_hold"]["reason"] == "invoice dispute"
    desk.clock.now = parse_instant("2026-12-01T09:00:00+01:00")
    _close(desk, young)
    desk.clock.now = parse_instant("2027-04-02T09:00:00+02:00")  # 732 days after the first two

    nightly = desk.call(PRIVACY, sample("privacy/nightly"))
    assert nightly["erased"] == [old] and nightly["held"] == [held], nightly
    assert desk.tickets.get(old).subject == "[erased]"
    assert desk.tickets.get(held).subject == "Strittige Rechnung"
    assert desk.tickets.get(young).subject == "Junge Meldung"
    assert desk.call(PRIVACY, sample("privacy/nightly"))["erased"] == []  # nothing twice
    lifted = desk.request(PRIVACY, "PUT", f"/tickets/{held}/legal-hold",
                          "/tickets/{ticket_id}/legal-hold",
                          {"hold": False, "reason": "settled"}, **ADMIN)  # fmt: skip
    assert _body(lifted)["legal_hold"] is None
    run = desk.request(PRIVACY, "POST", "/privacy/retention", "/privacy/retention", **ADMIN)
    assert _body(run)["erased"] == [held]
