"""The customer portal over in-memory adapters: a sign-in code works once and for minutes, the
answer never tells who is a contact, who sees which of the organisation's tickets, sessions that
cannot be forged or outlive the contract, filing from the portal, and how long ticket links work
(expiry after closing, an agent's withdrawal, a fresh link to the ticket's contact)."""

from __future__ import annotations

import re
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest

from supportflow.adapters.memory.portal import InMemorySignInCodes
from supportflow.bootstrap import Container
from supportflow.contracts.contract import Contract
from supportflow.contracts.directory import ContractDirectory
from supportflow.domain.ticket.links import LinkState, link_state, link_version
from supportflow.services.intake.filing import NewTicket
from supportflow.services.intake.open_ticket import Opened
from supportflow.services.portal.access import LinkGone, LinkRefused, Viewer
from supportflow.services.portal.sessions import NotSignedIn
from supportflow.services.portal.sign_in import SignInRefused
from supportflow.services.ports.tickets import TicketNotFound
from tests.unit.desk.test_desk import Clock, make_world

AUTHORISED, COLLEAGUE, OTHER_AUTHORISED = (
    "it@verband.example",
    "redaktion@verband.example",
    "office@verband.example",
)


@pytest.fixture
def portal() -> Any:
    desk, clock, timers, mailer, workflow = make_world()
    desk.__dict__["sign_in_codes"] = InMemorySignInCodes()
    real = Clock("2025-03-31T07:00:00+00:00")
    desk.__dict__["real_time"] = real  # codes and sessions run in real time
    return desk, clock, real, mailer


def file(desk: Container, contact: str, subject: str, customer: str = "verband-digital") -> str:
    opened = desk.open_ticket()(
        NewTicket(
            customer=customer,
            contact_email=contact,
            subject=subject,
            description="Details.",
            channel="web",
        ),
        None,
    )
    assert isinstance(opened, Opened)
    return opened.ticket.ticket_id


def code_in(message: EmailMessage) -> str:
    found = re.search(r"#code=([A-Za-z0-9_-]{43})", message.get_body(("plain",)).get_content())
    assert found, message
    return found.group(1)


def sign_ins(mailer: Any) -> list[EmailMessage]:
    return [m for m in mailer.sent if "/portal#code=" in m.get_body(("plain",)).get_content()]


def signed_in(desk: Container, mailer: Any, address: str) -> str:
    desk.portal_sign_in().ask(address)
    return desk.portal_sign_in().exchange(code_in(sign_ins(mailer)[-1])).token


def viewer(desk: Container, session: str) -> Viewer:
    return desk.customer_access().viewer(f"Portal {session}")


def test_a_sign_in_code_works_once_and_only_for_minutes(portal: Any) -> None:
    desk, clock, real, mailer = portal
    assert desk.portal_sign_in().ask("IT@verband.example").sent == 1
    (mail,) = sign_ins(mailer)
    assert mail["To"] == AUTHORISED  # the address as the contract lists it
    assert "Verband Digital e.V." in str(mail["Subject"])
    text = mail.get_body(("plain",)).get_content()
    assert "Mo 31-03-2025 09:15 CEST" in text  # a German contract: a German mail
    assert "http://localhost:8080/portal#code=" in text
    code = code_in(mail)
    stored = desk.sign_in_codes.kept  # only the code's hash is kept
    assert code not in str(stored) and len(stored) == 1

    signed = desk.portal_sign_in().exchange(code)
    assert (signed.session.email, signed.session.customer_id) == (AUTHORISED, "verband-digital")
    assert signed.role == "authorised" and signed.customer == "Verband Digital e.V."
    assert signed.session.expires_at - signed.session.issued_at == timedelta(hours=8)
    with pytest.raises(SignInRefused, match="works once, for 15 minutes"):
        desk.portal_sign_in().exchange(code)  # a second use

    desk.portal_sign_in().ask(AUTHORISED)
    late = code_in(sign_ins(mailer)[-1])
    real.advance(minutes=15)
    with pytest.raises(SignInRefused):
        desk.portal_sign_in().exchange(late)  # expired, unused
    with pytest.raises(SignInRefused):
        desk.portal_sign_in().exchange("not-a-code")


def test_the_answer_never_tells_who_is_a_contact_and_asking_is_limited(portal: Any) -> None:
    desk, clock, real, mailer = portal
    assert desk.portal_sign_in().ask("stranger@evil.example").sent == 0
    assert desk.portal_sign_in().ask("servicedesk@noord.example").sent == 1
    assert sign_ins(mailer)[-1]["Subject"].startswith("Uw inloglink")  # the contract's language
    for _ in range(5):
        desk.portal_sign_in().ask(COLLEAGUE)
    limited = desk.portal_sign_in().ask(COLLEAGUE)  # the sixth this hour
    assert limited.limited and limited.sent == 0
    assert len([m for m in sign_ins(mailer) if m["To"] == COLLEAGUE]) == 5
    for _ in range(5):  # an unknown address counts alike (the same work either way)
        desk.portal_sign_in().ask("stranger2@evil.example")
    assert desk.portal_sign_in().ask("stranger2@evil.example").limited
    real.advance(hours=1)
    assert desk.portal_sign_in().ask(COLLEAGUE).sent == 1  # a new hour


def test_authorised_contacts_see_every_ticket_others_their_own(portal: Any) -> None:
    desk, clock, real, mailer = portal
    theirs = file(desk, COLLEAGUE, "Newsletter editor hangs")
    clock.advance(minutes=5)
    mine = file(desk, AUTHORISED, "Export to CSV is slow")
    file(desk, "servicedesk@noord.example", "Another customer's", customer="integratie-noord")

    it = viewer(desk, signed_in(desk, mailer, AUTHORISED))
    page = desk.portal_tickets().page(it)
    assert page["sees"] == "all" and page["customer"] == "Verband Digital e.V."
    assert [t["ticket_id"] for t in page["tickets"]] == [mine, theirs]  # newest first
    row = page["tickets"][1]
    assert row["contact_email"] == COLLEAGUE and not row["mine"]
    assert (row["status"], row["status_text"]) == ("working", "We are working on it")

    session = signed_in(desk, mailer, COLLEAGUE)
    own = desk.portal_tickets().page(viewer(desk, session))
    assert own["sees"] == "own" and [t["ticket_id"] for t in own["tickets"]] == [theirs]
    access = desk.customer_access()
    assert access.ticket(theirs, authorization=f"Portal {session}").ticket_id == theirs
    with pytest.raises(TicketNotFound):  # a colleague's ticket: as if there were none
        access.ticket(mine, authorization=f"Portal {session}")
    office = signed_in(desk, mailer, OTHER_AUTHORISED)
    assert access.ticket(theirs, authorization=f"Portal {office}").ticket_id == theirs
    assert access.actor(theirs, authorization=f"Portal {office}") == OTHER_AUTHORISED

    desk.record_action()(mine, "close", actor="anna", role="agent", data={})
    assert [t["ticket_id"] for t in desk.portal_tickets().page(it, status="open")["tickets"]] == [
        theirs
    ]
    closed = desk.portal_tickets().page(it, status="closed")["tickets"]
    assert [(t["ticket_id"], t["status_text"]) for t in closed] == [(mine, "Closed")]
    first = desk.portal_tickets().page(it, limit=1)
    assert [t["ticket_id"] for t in first["tickets"]] == [mine] and first["next"]
    rest = desk.portal_tickets().page(it, limit=1, before=first["next"])
    assert [t["ticket_id"] for t in rest["tickets"]] == [theirs] and rest["next"] is None


def test_sessions_cannot_be_forged_and_end(portal: Any) -> None:
    desk, clock, real, mailer = portal
    session = signed_in(desk, mailer, COLLEAGUE)
    access = desk.customer_access()
    payload, mac = session.split(".")
    changed = payload[:-2] + ("yy" if payload.endswith("xx") else "xx")  # never the payload itself
    for forged in (f"{payload}.{'A' * 43}", f"{changed}.{mac}", "", "Bearer x"):
        with pytest.raises(NotSignedIn):
            access.viewer(f"Portal {forged}")
    with pytest.raises(NotSignedIn):
        access.viewer(f"Bearer {session}")  # another scheme is no session
    # a ticket link's secret signs no session: a session's key is derived for that purpose
    assert desk.tokens.sign("T-0000000000") not in session

    desk.portal_sign_in().ask(COLLEAGUE)
    unused = code_in(sign_ins(mailer)[-1])
    base = desk.contracts.get("verband-digital").model_dump()
    dropped = Contract.model_validate({**base, "other_contacts": []})
    desk.use_contracts(ContractDirectory([dropped]))
    with pytest.raises(NotSignedIn, match="can no longer sign in"):
        desk.customer_access().viewer(f"Portal {session}")  # taken off the contract
    with pytest.raises(SignInRefused):  # a link mailed before does not sign them in
        desk.portal_sign_in().exchange(unused)
    assert desk.portal_sign_in().ask(COLLEAGUE).sent == 0  # and none is mailed


def test_a_session_of_eight_hours_ends(portal: Any) -> None:
    desk, clock, real, mailer = portal
    session = signed_in(desk, mailer, AUTHORISED)
    real.advance(hours=7, minutes=59)
    assert desk.customer_access().viewer(f"Portal {session}").email == AUTHORISED
    real.advance(minutes=1)
    with pytest.raises(NotSignedIn, match="ended"):
        desk.customer_access().viewer(f"Portal {session}")


def test_a_ticket_filed_from_the_portal_is_the_contacts_and_vouched(portal: Any) -> None:
    desk, clock, real, mailer = portal
    editor = viewer(desk, signed_in(desk, mailer, COLLEAGUE))
    claimed = NewTicket(
        customer="integratie-noord",  # the form's customer and address are not the session's
        contact_email="servicedesk@noord.example",
        subject="Images missing in the newsletter",
        description="Since today.",
    )
    opened = desk.portal_filing()(editor, claimed, "portal-1")
    assert isinstance(opened, Opened) and opened.created
    ticket = desk.tickets.get(opened.ticket.ticket_id)
    assert (ticket.customer_id, ticket.contact_email) == ("verband-digital", COLLEAGUE)
    assert ticket.events[0].data["channel"] == "portal"
    receipt = next(m for m in mailer.sent if "eingegangen" in str(m["Subject"]))  # German
    assert receipt["To"] == COLLEAGUE
    assert "Images missing in the newsletter" in str(receipt["Subject"])  # vouched: it echoes
    again = desk.portal_filing()(editor, claimed, "portal-1")
    assert isinstance(again, Opened) and not again.created


def test_ticket_links_expire_after_closing_and_can_be_withdrawn(portal: Any) -> None:
    desk, clock, real, mailer = portal
    ticket_id = file(desk, COLLEAGUE, "Login page slow")
    token = desk.tokens.sign(ticket_id)
    access = desk.customer_access()
    assert access.ticket(ticket_id, token=token).ticket_id == ticket_id
    assert access.actor(ticket_id, token=token) == "customer"
    with pytest.raises(LinkRefused):
        access.ticket(ticket_id, token=desk.tokens.sign("T-0000000000"))
    with pytest.raises(LinkRefused):
        access.ticket(ticket_id, token=token + "1")  # a version never signed

    assert desk.revoke_links()(ticket_id, "anna@desk.example", "forwarded by mistake") == 1
    with pytest.raises(LinkGone, match="withdrew"):
        access.ticket(ticket_id, token=token)
    ticket = desk.tickets.get(ticket_id)
    assert link_version(ticket) == 1 and ticket.events[-1].actor == "anna@desk.example"
    desk.record_action()(
        ticket_id, "respond", actor="anna", role="agent", data={"message": "Looking into it."}
    )
    answer = mailer.sent[-1].get_body(("plain",)).get_content()
    fresh = re.search(r"\?token=([0-9a-f]+)", answer)
    assert fresh and fresh.group(1) == desk.tokens.sign(ticket_id, 1) != token
    assert access.ticket(ticket_id, token=fresh.group(1)).ticket_id == ticket_id

    clock.advance(days=2)
    desk.record_action()(ticket_id, "close", actor="anna", role="agent", data={})
    clock.advance(days=29, hours=23)
    assert access.ticket(ticket_id, token=fresh.group(1))  # 30 days after closing: still
    clock.advance(hours=1)
    with pytest.raises(LinkGone, match="expired: the ticket closed on 2025-04-02"):
        access.ticket(ticket_id, token=fresh.group(1))
    closed = desk.tickets.get(ticket_id)
    assert link_state(closed, 1, clock(), timedelta(days=31)) is LinkState.VALID
    # the portal still shows it to its contact
    session = signed_in(desk, mailer, COLLEAGUE)
    assert access.ticket(ticket_id, authorization=f"Portal {session}").stage == "closed"


def test_a_fresh_link_goes_to_the_tickets_contact_only(portal: Any) -> None:
    desk, clock, real, mailer = portal
    ticket_id = file(desk, COLLEAGUE, "Search is empty")
    token = desk.tokens.sign(ticket_id)
    desk.revoke_links()(ticket_id, "anna@desk.example", "contact changed")
    before = len(sign_ins(mailer))
    forged = token[:-1] + ("1" if token.endswith("0") else "0")  # never the token itself
    assert desk.portal_sign_in().fresh_link(ticket_id, forged).sent == 0
    assert len(sign_ins(mailer)) == before
    assert desk.portal_sign_in().fresh_link(ticket_id, token).sent == 1
    mail = sign_ins(mailer)[-1]
    assert mail["To"] == COLLEAGUE
    assert f"&ticket={ticket_id}" in mail.get_body(("plain",)).get_content()
    signed = desk.portal_sign_in().exchange(code_in(mail))
    assert signed.ticket_id == ticket_id and signed.session.email == COLLEAGUE


def test_the_ticket_version_names_only_one_spelling(portal: Any) -> None:
    desk, clock, real, mailer = portal
    tokens = desk.tokens
    two = tokens.sign("T-ABCDEF0123", 2)
    assert tokens.version_of("T-ABCDEF0123", two) == 2
    assert tokens.version_of("T-ABCDEF0123", two[:32] + "02") is None
    assert tokens.version_of("T-ABCDEF0123", two[:32] + "-2") is None
    assert tokens.version_of("T-ABCDEF0123", tokens.sign("T-ABCDEF0123")) == 0
    assert tokens.check("T-ABCDEF0123", tokens.sign("T-ABCDEF0123"))
