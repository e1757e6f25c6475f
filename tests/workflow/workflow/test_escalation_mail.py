"""The manager's escalation mail through the real functions (issue 21): the coordinator's 75%
warning is titled as a warning; the service support manager's escalation at the breach names
who holds the ticket, its line and stage, the last activity and when, the customer's contact
and the deadline's basis, and links to the ticket (R004-6, R004-7)."""

from __future__ import annotations

from tests.workflow.conftest import Desk, signed_in
from tests.workflow.review.test_review import _file

ANNA = signed_in("anna@desk.example", "first_line")


def test_the_escalation_mail_names_owner_stage_and_last_activity(desk: Desk) -> None:
    ticket_id = _file(desk, "down", "escalation-mail")  # top: a first response within 1 h
    assert desk.agent(ticket_id, "take", {}, **ANNA)["statusCode"] == 200
    desk.clock.advance(minutes=10)
    note = {"message": "Logs opgevraagd bij de leverancier"}
    assert desk.agent(ticket_id, "note", note, **ANNA)["statusCode"] == 200
    desk.clock.advance(minutes=36)  # 75% of the hour
    desk.pump.fire_due(desk.clock())  # the workflow's escalation step mails it

    def mailed(to: str) -> list[object]:
        return [m for m in desk.sent_mail() if to in str(m["To"])]

    desk.wait_for(lambda: bool(mailed("coordinator@")))
    warned = mailed("coordinator@")
    assert len(warned) == 1
    assert (
        str(warned[0]["Subject"]) == f"[Waarschuwing] {ticket_id}: 75% van de reactietijd gebruikt"
    )

    desk.clock.advance(minutes=20)  # past the deadline
    desk.pump.fire_due(desk.clock())
    desk.wait_for(lambda: bool(mailed("j.blanke@")))
    (escalated,) = mailed("j.blanke@")
    assert str(escalated["Subject"]).startswith(f"[Escalatie 2] {ticket_id}: reactietijd")
    text = escalated.get_body(("plain",)).get_content()
    assert "Bij: anna@desk.example · lijn: eerste lijn · fase: eerste lijn." in text
    assert "Laatste activiteit: interne notitie door anna@desk.example" in text
    assert "Contact bij de klant: servicedesk@noord.example." in text
    assert "Waarom deze deadline: 1h reactietijd" in text
    assert f"/agent#/tickets/{ticket_id}" in text
