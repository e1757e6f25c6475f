"""The conversation: a mail to the customer for every public step (never for an internal note),
threaded under the ticket, in the contract's language and local time, copied to an authorised
contact where the policy says so (R001-4), and a customer who may write at any stage."""

from __future__ import annotations

from typing import Any

import pytest

from supportflow.domain.common.timeutil import parse_instant
from supportflow.domain.ticket import conversation
from supportflow.domain.ticket.events import LoggedEvent
from supportflow.domain.ticket.routing import ActionError, Stage, customer_message_action
from tests.unit.desk.test_desk import act, form, make_world

AT = parse_instant("2025-03-31T09:00:00+02:00")


def _open(desk: Any, **changes: Any) -> str:
    return str(desk.open_ticket()(form(**changes), None).ticket.ticket_id)


def _kinds(mailer: Any) -> list[str]:
    return [str(m["Message-ID"]).split("@")[0].split(".", 1)[1] for m in mailer.sent]


def test_every_public_step_is_mailed_and_notes_never_are() -> None:
    desk, clock, _, mailer, _ = make_world()
    tid = _open(desk)
    for action, data in [
        ("take", {}),
        ("note", {"message": "intern: klant belt vaak"}),
        ("respond", {"message": "We kijken ernaar."}),
        ("hand_to_second_line", {}),
        ("ask_customer", {"message": "Welke versie draait u?"}),
    ]:
        act(desk, tid, action, actor="a", role="agent", data=data, now=clock.advance(minutes=5))
    act(desk, tid, "customer_message", actor="customer", role="customer",
        data={"message": "versie 4.2"}, now=clock.advance(minutes=5))  # fmt: skip
    act(desk, tid, "resolve", actor="a", role="agent", data={"message": "Hersteld."},
        now=clock.advance(minutes=5))  # fmt: skip
    assert _kinds(mailer) == ["confirmation", "answer.4", "question.6", "resolved.8"]
    texts = [m.get_body(("plain",)).get_content() for m in mailer.sent]
    assert not any("intern" in t for t in texts)
    assert "Welke versie draait u?" in texts[2] and "Beantwoord deze e-mail" in texts[2]
    assert "/status#/tickets/" in texts[3] and "token=" in texts[3]  # confirm or reopen
    ticket = desk.tickets.get(tid)
    assert ticket.stage == "resolved"
    assert [e.type for e in ticket.events][6] == "customer_replied"  # resumed the clock


def test_mails_thread_under_the_ticket_with_date_and_local_time() -> None:
    desk, clock, _, mailer, _ = make_world()
    tid = _open(desk)
    act(desk, tid, "respond", actor="a", role="agent", data={"message": "Bezig."},
        now=clock.advance(minutes=5))  # fmt: skip
    confirmation, answer = mailer.sent
    root = f"<{tid}.confirmation@supportflow.example>"
    assert confirmation["Message-ID"] == root
    assert answer["In-Reply-To"] == root and answer["References"] == root
    assert answer["Subject"] == f"Re: Koppeling met zaaksysteem ligt eruit [{tid}]"
    assert answer["Date"] == "Mon, 31 Mar 2025 09:05:00 +0200"  # the contract's zone
    assert answer["Auto-Submitted"] == "auto-generated"


def test_the_customer_mail_threads_as_its_reply() -> None:
    events = [
        LoggedEvent(1, AT, "opened", "c@x.example", {"message_id": "<abc@mail.example>"}),
        LoggedEvent(2, AT, "responded", "a", {}),
        LoggedEvent(3, AT, "customer_message", "c@x.example", {"message_id": "<def@mail.example>"}),
    ]
    thread = conversation.thread("T-0123456789", events, "desk.example")
    assert thread.in_reply_to == "<def@mail.example>"
    assert thread.references == ("<abc@mail.example>", "<def@mail.example>")


@pytest.mark.parametrize(
    "in_reply_to, references, subject, expected",
    [
        ("<T-0123456789.answer.4@desk.example>", "", "Re: x", "T-0123456789"),
        (
            "<other@gmail.example>",
            "<a@b> <T-0123456789.confirmation@desk.example>",
            "",
            "T-0123456789",
        ),
        ("<T-0123456789.answer.4@evil.example>", "", "Re: x", None),  # not our domain
        ("", "", "Re: storing [T-ABCDEF0123]", "T-ABCDEF0123"),
        ("", "", "Re: storing T-ABCDEF0123", None),
    ],
)
def test_an_incoming_mail_finds_its_ticket(
    in_reply_to: str, references: str, subject: str, expected: str | None
) -> None:
    assert conversation.ticket_in_reply(in_reply_to, references, subject, ["desk.example"]) == (
        expected
    )


def test_saas_basic_a_critical_case_from_another_contact_is_other_and_copied() -> None:
    """R001-4: only authorised contacts file critical cases; anyone else known to the customer
    files at "other" (the reason logged), and answers are copied to an authorised contact."""
    desk, clock, _, mailer, _ = make_world()
    filed = {"customer": "verband-digital", "urgency": None, "impact": None,
             "category": "service_downtime"}  # fmt: skip
    other = desk.open_ticket()(form(**filed, contact_email="redaktion@verband.example"), None)
    owner = desk.open_ticket()(form(**filed, contact_email="it@verband.example", subject="b"), None)
    assert desk.tickets.get(owner.ticket.ticket_id).sla["priority"] == "critical"
    ticket = desk.tickets.get(other.ticket.ticket_id)
    assert ticket.sla["priority"] == "other"
    (change,) = [e for e in ticket.events if e.type == "priority_changed"]
    assert "authorised contacts" in change.data["reason"]
    for tid in (other.ticket.ticket_id, owner.ticket.ticket_id):
        act(desk, tid, "respond", actor="a", role="agent", data={"message": "On it."},
            now=clock.advance(minutes=5))  # fmt: skip
    to_other, to_owner = mailer.sent[-2:]
    assert (to_other["To"], to_other["Cc"]) == ("redaktion@verband.example", "it@verband.example")
    assert (to_owner["To"], to_owner["Cc"]) == ("it@verband.example", None)
    assert "Es gibt eine Antwort" in to_other.get_body(("plain",)).get_content()  # German


def test_a_customer_message_is_what_fits_the_stage() -> None:
    assert customer_message_action(Stage.WAITING_ON_CUSTOMER, reopen_on_reply=True) == (
        "customer_reply"
    )
    assert customer_message_action(Stage.RESOLVED, reopen_on_reply=True) == "reopen"
    assert customer_message_action(Stage.RESOLVED, reopen_on_reply=False) == "customer_message"
    assert customer_message_action(Stage.SECOND_LINE, reopen_on_reply=True) == "customer_message"
    with pytest.raises(ActionError, match="closed; please file a new ticket"):
        customer_message_action(Stage.CLOSED, reopen_on_reply=True)


def test_the_same_mail_twice_is_logged_once() -> None:
    desk, clock, _, mailer, _ = make_world()
    tid = _open(desk)
    data = {"message": "nog iets", "message_id": "<m1@x.example>"}
    for _ in range(2):
        act(desk, tid, "customer_message", actor="servicedesk@noord.example", role="customer",
            data=data, now=clock.advance(minutes=1))  # fmt: skip
    events = [e.type for e in desk.tickets.get(tid).events]
    assert events.count("customer_message") == 1
