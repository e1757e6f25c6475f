"""E-mails: real MIME with text and HTML parts, escaped user fields, no header injection."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from supportflow.domain.common.timeutil import parse_instant
from supportflow.services.intake.filing import NewTicket
from supportflow.services.mail import compose as mail

AMS = ZoneInfo("Europe/Amsterdam")


def _escalation(subject: str, language: str = "en") -> mail.EmailMessage:
    return mail.escalation(
        language=language,
        sender="desk@x.example",
        recipient="boss@x.example",
        ticket_id="T-1",
        customer="ACME <b>",
        subject=subject,
        priority="top",
        metric="resolution",
        rung=1,
        due=parse_instant("2025-03-31T10:00:00", AMS),
        now=parse_instant("2025-03-31T11:30:00+02:00"),
        link="https://desk.example/agent#/t/T-1",
    )


def test_escalation_has_text_and_html_and_escapes_user_fields() -> None:
    message = _escalation('<script>alert("x")</script> & more')
    assert message.get_content_type() == "multipart/alternative"
    html = message.get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html and "ACME &lt;b&gt;" in html
    text = message.get_body(("plain",)).get_content()
    assert "Deadline: Mon 31-03-2025 10:00 CEST (1h30m late)." in text
    assert message["Subject"] == "[Escalation 2] T-1: resolution breached"


def test_dutch_escalation() -> None:
    text = _escalation("Storing", "nl").get_body(("plain",)).get_content()
    assert "De oplostijd van melding T-1 (ACME <b>) is overschreden." in text


def test_header_fields_reject_line_breaks() -> None:
    with pytest.raises(mail.HeaderInjection):
        mail.render(
            mail.Letter(
                sender="a@b.example",
                recipient="c@d.example\r\nBcc: e@f.example",
                subject="hi",
                lines=["x"],
            )
        )
    with pytest.raises(mail.HeaderInjection):
        mail.render(
            mail.Letter(
                sender="a@b.example",
                recipient="c@d.example",
                subject="hi\nBcc: e@f.example",
                lines=["x"],
            )
        )


def test_intake_folds_a_multi_line_subject_and_rejects_a_bad_address() -> None:
    base = {
        "customer": "webshop-bakker",
        "contact_email": "a@b.example",
        "subject": "ok",
        "description": "d",
    }
    NewTicket.model_validate(base)
    folded = NewTicket.model_validate({**base, "subject": "hi\r\nBcc: x@y.example"})
    assert folded.subject == "hi Bcc: x@y.example"  # one line: never a header of its own
    with pytest.raises(ValidationError):
        NewTicket.model_validate({**base, "contact_email": "a@b.example\nBcc: x@y.example"})
    with pytest.raises(ValidationError):
        NewTicket.model_validate({**base, "attachments": ["javascript:alert(1)"]})


def test_a_german_contract_gets_german_mails() -> None:
    """issue 21: saas-basic's German customers read German (there were no German texts)."""
    from supportflow.services.mail.texts import EVENT_WORDS, PRIORITY_NAMES, TEXTS

    assert set(TEXTS["de"]) == set(TEXTS["en"]) == set(TEXTS["nl"])  # every text in each
    assert set(PRIORITY_NAMES["de"]) == set(PRIORITY_NAMES["en"])
    assert set(EVENT_WORDS["de"]) == set(EVENT_WORDS["en"])
    receipt = mail.confirmation(
        language="de",
        sender="desk@x.example",
        recipient="it@verband.example",
        ticket_id="T-1",
        subject=None,
        response_due=parse_instant("2025-03-31T10:00:00", AMS),
        link="https://desk.example/status#/tickets/T-1?token=t",
    )
    assert str(receipt["Subject"]) == "Ihre Meldung ist eingegangen [T-1]"
    text = receipt.get_body(("plain",)).get_content()
    assert "Erste Antwort spätestens: Mo 31-03-2025 10:00 CEST." in text
    escalated = _escalation("Portal", language="de")
    assert str(escalated["Subject"]) == "[Eskalation 2] T-1: Lösungszeit überschritten"
    assert "Frist: Mo 31-03-2025 10:00 CEST (1h30m überfällig)." in (
        escalated.get_body(("plain",)).get_content()
    )
