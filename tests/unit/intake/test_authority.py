"""Who may ask for what (R000-7): an account transfer, cancellation or permission change only
from the account owner's known address (by mail) or the in-app chat (with the form key);
otherwise held for an agent to verify; a cancellation by phone is not valid; an accepted
cancellation is confirmed in writing within 5 workdays (its resolution target)."""

from __future__ import annotations

import hashlib
from email.message import EmailMessage
from typing import Any

import pytest

from supportflow.adapters.memory.fakes import InMemoryMailStore
from supportflow.contracts.demo_data import demo
from supportflow.contracts.directory import ContractDirectory
from supportflow.domain.sla.priority import TicketError
from supportflow.policies.registry import shipped
from supportflow.services.intake.authority import classify, judge
from supportflow.services.intake.open_ticket import Held, Opened
from supportflow.services.intake.phone import PhoneNote
from tests.unit.desk.test_desk import form, make_world

BEST_EFFORT = shipped().get("best-effort")
OWNER = "eigenaar@delinde.example"  # the demo contract's first authorised contact


def _judge(**kw: Any) -> Any:
    base = {"category": "cancellation", "channel": "email", "sender": OWNER,
            "sender_verified": True, "with_form_key": False}  # fmt: skip
    return judge(BEST_EFFORT, demo().get("cliendo-zorg"), **{**base, **kw})


def test_the_rule_as_a_table() -> None:
    assert _judge().decision == "accept"  # the owner's address, by mail
    assert _judge(sender="assistent@delinde.example").decision == "hold"
    assert _judge(sender_verified=False).decision == "hold"  # a web form's claimed address
    assert _judge(channel="chat", with_form_key=True, sender="x@y.example").decision == "accept"
    assert _judge(channel="chat", with_form_key=False, sender_verified=False).decision == "hold"
    with pytest.raises(TicketError, match="cancellation by phone is not valid"):
        _judge(channel="phone")
    phone = {"channel": "phone", "sender_verified": False}  # a caller is not a verified sender
    assert _judge(category="permission_change", **phone).decision == "hold"
    assert _judge(category="incident", sender="x@y.example").decision == "accept"


def test_mail_is_classified_by_the_packs_keywords() -> None:
    assert classify(BEST_EFFORT, "Opzegging abonnement", "") == "cancellation"
    assert classify(BEST_EFFORT, "Vraag", "Graag de rechten van Piet aanpassen") == (
        "permission_change"
    )
    assert classify(BEST_EFFORT, "Agenda laadt niet", "sinds vanochtend") is None


def _mail(sender: str, subject: str) -> bytes:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = sender, "support@supportflow.example", subject
    m["Message-ID"] = f"<{hashlib.sha256((sender + subject).encode()).hexdigest()[:12]}@x.example>"
    m.set_content("Hierbij zeg ik ons abonnement op per 1 mei.")
    return bytes(m)


def _world_with_mail() -> Any:
    desk, clock, timers, mailer, workflow = make_world()
    assistant = {"other_contacts": ["assistent@delinde.example"]}  # known, not the owner
    contracts = ContractDirectory(
        [
            c.model_copy(update=assistant) if c.customer_id == "cliendo-zorg" else c
            for c in demo().all()
        ]
    )
    desk.use_contracts(contracts)
    store = InMemoryMailStore()
    desk.__dict__["mail_store"] = store
    return desk, clock, store


def test_a_cancellation_by_mail_from_the_owner_opens_with_a_5_workday_confirmation() -> None:
    desk, clock, store = _world_with_mail()
    store.objects["inbound/1"] = _mail(OWNER, "Opzegging")
    received = desk.receive_mail()("inbound/1")
    assert received.outcome == "opened"
    ticket = desk.tickets.get(received.ticket_id)
    assert ticket.attributes["category"] == "cancellation"
    state = desk.deadlines.state(ticket, clock())
    # Monday 09:00, before the 10:00 opening: 5 workdays of 7 h are Mon-Fri -> Fri 4 April 17:00
    assert state.metrics["resolution"].due.isoformat() == "2025-04-04T17:00:00+02:00"


def test_a_cancellation_from_anyone_else_is_held() -> None:
    desk, clock, store = _world_with_mail()
    store.objects["inbound/2"] = _mail("assistent@delinde.example", "Opzegging")
    received = desk.receive_mail()("inbound/2")
    assert received.outcome == "held" and "R000-7" in received.reason
    (held,) = desk.filings.held()
    assert held.form["category"] == "cancellation"


def test_web_form_and_phone() -> None:
    desk, clock, _, _, _ = make_world()
    web = form(customer="cliendo-zorg", contact_email=OWNER, category="cancellation",
               urgency=None, impact=None, channel="email")  # fmt: skip
    assert isinstance(desk.open_ticket()(web, None), Held)  # a claimed address proves nothing
    chat = form(customer="cliendo-zorg", contact_email=OWNER, category="cancellation",
                urgency=None, impact=None, channel="web")  # fmt: skip
    assert isinstance(desk.open_ticket()(chat, None), Held)
    plain = form(customer="cliendo-zorg", contact_email=OWNER, urgency=None, impact=None,
                 channel="email")  # fmt: skip
    assert isinstance(desk.open_ticket()(plain, None), Opened)
    note = PhoneNote(
        customer="cliendo-zorg",
        caller_name="Eigenaar",
        caller_phone="0612345678",
        subject="Opzeggen",
        description="wil opzeggen",
        category="cancellation",
    )
    with pytest.raises(TicketError, match="by phone is not valid"):
        desk.file_call()(note, "anna", None)
