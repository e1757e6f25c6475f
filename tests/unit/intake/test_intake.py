"""Intake that cannot be abused: who may file, what repeats give away, how much mail a flood
gets, and what text is refused."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from pydantic import ValidationError

from supportflow.contracts.contract import Contract
from supportflow.contracts.directory import ContractDirectory
from supportflow.services.intake.filing import NewTicket
from supportflow.services.intake.filings import FilingNotFound
from supportflow.services.intake.open_ticket import Held, Opened
from tests.unit.desk.test_desk import form


def test_unknown_customers_and_unknown_senders_are_held_alike(world: Any) -> None:
    desk, clock, timers, mailer, workflow = world
    stranger = desk.open_ticket()(form(contact_email="attacker@evil.example"), None)
    nobody = desk.open_ticket()(form(customer="no-such-customer"), None)
    assert isinstance(stranger, Held) and isinstance(nobody, Held)
    assert mailer.sent == [] and workflow.started == set()
    assert desk.tickets.queue(["triage", "first_line"]) == []
    held = desk.held_filings().list()["filings"]
    assert {(f["customer"], f["known_customer"]) for f in held} == {
        ("integratie-noord", True),
        ("no-such-customer", False),
    }


def test_an_agent_accepts_or_rejects_a_held_filing(world: Any) -> None:
    desk, clock, timers, mailer, workflow = world
    held = desk.open_ticket()(form(contact_email="colleague@noord.example"), None)
    assert isinstance(held, Held)
    opened = desk.held_filings().accept(held.filing_id)
    assert opened.created and desk.tickets.get(opened.ticket.ticket_id).stage == "first_line"
    (confirmation,) = mailer.sent
    assert confirmation["To"] == "colleague@noord.example"  # the agent vouched for it
    with pytest.raises(FilingNotFound):
        desk.held_filings().accept(held.filing_id)
    other = desk.open_ticket()(form(contact_email="spam@evil.example", subject="buy"), None)
    assert isinstance(other, Held)
    desk.held_filings().reject(other.filing_id)
    assert desk.held_filings().list()["filings"] == [] and len(mailer.sent) == 1


def test_a_form_key_lets_a_customers_own_form_file_for_anyone(world: Any) -> None:
    desk, clock, timers, mailer, workflow = world
    base = desk.contracts.get("integratie-noord").model_dump()
    keyed = Contract.model_validate(
        {**base, "form_keys": [hashlib.sha256(b"noord-form-secret").hexdigest()]}
    )
    desk.use_contracts(ContractDirectory([keyed]))
    assert isinstance(
        desk.open_ticket()(form(contact_email="burger@mail.example", form_key="wrong"), None), Held
    )
    opened = desk.open_ticket()(
        form(contact_email="burger@mail.example", form_key="noord-form-secret"), None
    )
    assert isinstance(opened, Opened) and opened.created


def test_a_flood_gets_tickets_but_a_bounded_number_of_mails(world: Any) -> None:
    desk, clock, timers, mailer, workflow = world
    opened = [desk.open_ticket()(form(subject=f"storing {n}"), None) for n in range(25)]
    assert all(isinstance(o, Opened) and o.created for o in opened)
    assert len(mailer.sent) == 20  # MAILS_PER_CUSTOMER_HOUR
    clock.advance(hours=1)
    desk.open_ticket()(form(subject="the next hour"), None)
    assert len(mailer.sent) == 21


@pytest.mark.parametrize(
    "field, value",
    [
        ("subject", "\x07\x00"),  # nothing left once the invisible is left out
        ("contact_email", "a\x01@b.example"),
        ("contact_email", "a@b.example\r\nBcc: x@y.example"),
        ("contact_email", "a b@c.example"),
        ("contact_email", "<a@b.example>"),
    ],
)
def test_text_that_headers_and_pages_cannot_carry_is_refused(field: str, value: str) -> None:
    with pytest.raises(ValidationError):
        form(**{field: value})


@pytest.mark.parametrize(
    "field, value, kept",
    [
        ("subject", "two\u2028lines", "two lines"),
        ("subject", "two\u2029lines", "two lines"),
        ("subject", "next\x85line", "next line"),
        ("subject", "tab\x0bbed", "tab bed"),
        ("subject", "bell\x07", "bell"),
        ("subject", "a\r\nBcc: x@y.example", "a Bcc: x@y.example"),  # never a second header
        ("description", "nul\x00byte", "nulbyte"),
        ("description", "esc\x1b[31m", "esc[31m"),
        ("description", "from Word\u2028next line\u2029new paragraph\x0cpage", (
            "from Word\nnext line\nnew paragraph\npage")),
    ],
)  # fmt: skip
def test_pasted_separators_are_line_breaks_and_invisible_controls_left_out(
    field: str, value: str, kept: str
) -> None:
    from supportflow.domain.common.text import LINE_BREAKS, invisible_count

    ticket = form(**{field: value})
    assert getattr(ticket, field) == kept
    if field == "subject":
        assert not set(ticket.subject) & LINE_BREAKS
    assert invisible_count("esc\x1b[31m\x00") == 2


def test_ordinary_text_is_kept() -> None:
    ticket = form(subject="Koppeling ligt eruit — 😟", description="regel 1\r\nregel 2\tend")
    assert ticket.description == "regel 1\nregel 2\tend"
    assert NewTicket.model_validate(ticket.model_dump()) == ticket


def test_a_web_forms_receipt_repeats_none_of_the_filers_words(world: Any) -> None:
    """A web form only claims its contact's address: anyone could make the desk mail a contract
    address their own subject and links. The receipt names the ticket and the promise only; a
    mail from the address itself, a call typed up by an agent, may be repeated."""
    desk, clock, timers, mailer, workflow = world
    lure = "Invoice 3 overdue: click http://evil.example/3"
    opened = desk.open_ticket()(form(subject=lure, description="Pay at http://evil.example/"), None)
    assert isinstance(opened, Opened)
    (receipt,) = mailer.sent
    text = receipt.get_body(("plain",)).get_content()
    assert "evil" not in str(receipt["Subject"]) and "evil" not in text
    assert str(receipt["Subject"]) == f"Uw melding is ontvangen [{opened.ticket.ticket_id}]"
    assert opened.ticket.ticket_id in text and "Uiterlijke reactie" in text  # the promise


def test_a_receipt_may_repeat_the_words_of_a_filer_who_is_known(world: Any) -> None:
    from supportflow.services.intake.filing import Filing, MailFiling

    desk, clock, timers, mailer, workflow = world
    contract = desk.contracts.get("integratie-noord")
    by_mail = MailFiling(form(subject="Koppeling ligt eruit"), "mail:1", mail_id="<1@x.example>")
    assert by_mail.proven and not Filing(form()).proven
    desk.open_ticket().open(by_mail, contract, clock())
    assert "Koppeling ligt eruit" in str(mailer.sent[-1]["Subject"])
