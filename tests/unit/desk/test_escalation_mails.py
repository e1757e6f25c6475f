"""Escalation and warning mails a manager can act on (issue 21): a rung before the deadline is a
warning titled as one ("75% of the response time used"), at or past it an escalation; each names
who holds the ticket, its line and stage, the last thing a person did and when, the customer's
contact, and why the deadline is where it is; internal mails in the desk's language."""

from __future__ import annotations

from typing import Any

from tests.unit.desk.test_desk import act, fire_due, form, make_world


def _text(message: Any) -> str:
    return str(message.get_body(("plain",)).get_content())


def test_the_warning_and_the_escalation_say_what_a_manager_needs() -> None:
    desk, clock, timers, mailer, workflow = make_world()
    tid = desk.open_ticket()(form(), None).ticket.ticket_id  # integration-9x5, top: 1 h
    clock.advance(minutes=20)
    act(desk, tid, "take", actor="anna@desk.example", role="agent", data={}, now=clock.now)
    act(desk, tid, "note", actor="anna@desk.example", role="agent",
        data={"message": "Logs opgevraagd"}, now=clock.now)  # fmt: skip
    assert fire_due(desk, timers, clock.advance(minutes=25)) == ["escalating response rung 0"]
    warning = mailer.sent[-1]
    assert str(warning["Subject"]) == f"[Waarschuwing] {tid}: 75% van de reactietijd gebruikt"
    text = _text(warning)
    assert "Van de reactietijd van melding" in text and "is 75% gebruikt" in text
    assert "Bij: anna@desk.example · lijn: eerste lijn · fase: eerste lijn." in text
    assert "Laatste activiteit: interne notitie door anna@desk.example, ma 31-03-2025 09:20" in text
    assert "Contact bij de klant: servicedesk@noord.example." in text
    assert "Waarom deze deadline: 1h reactietijd" in text and "geteld vanaf ma 31-03-2025" in text
    assert "/agent#/tickets/" + tid in text

    assert fire_due(desk, timers, clock.advance(minutes=15, seconds=1)) == [
        "escalating response rung 1"
    ]
    escalation = mailer.sent[-1]
    assert str(escalation["Subject"]).startswith(f"[Escalatie 2] {tid}: reactietijd overschreden")
    assert "Bij: anna@desk.example" in _text(escalation)


def test_internal_mails_follow_the_desks_language_setting() -> None:
    desk, clock, timers, mailer, workflow = make_world()
    desk.settings.__dict__["desk_language"] = "en"  # DESK_LANGUAGE=en on a Dutch desk's packs
    tid = desk.open_ticket()(form(), None).ticket.ticket_id
    fire_due(desk, timers, clock.advance(minutes=45))
    warning = mailer.sent[-1]
    assert str(warning["Subject"]) == f"[Warning] {tid}: 75% of the first response time used"
    assert "Held by: nobody (first line) · line: first line · stage: first line." in _text(warning)
    assert str(mailer.sent[0]["Subject"]).startswith("Uw melding")  # the customer's: Dutch
