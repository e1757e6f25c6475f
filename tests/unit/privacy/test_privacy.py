"""Privacy over in-memory adapters (issue 22): a person's export holds their tickets, messages and
files and nobody else's; erasing them leaves nothing of their address, name, phone or words in
any store while every deadline stays as it was; retention erases exactly the tickets past their
period and none under a legal hold; repeating any of it is harmless."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from supportflow.adapters.memory.fakes import InMemoryMailStore
from supportflow.adapters.memory.portal import InMemorySignInCodes
from supportflow.adapters.memory.stores import InMemoryBookings, InMemoryErasureLog
from supportflow.bootstrap import Container
from supportflow.domain.privacy.redaction import (
    ERASED,
    Person,
    Pseudonyms,
    erase_ticket,
    is_pseudonym,
)
from supportflow.services.intake.filing import NewTicket
from supportflow.services.intake.open_ticket import Opened
from supportflow.services.privacy.erase import NothingToErase
from tests.unit.desk.test_desk import Clock, make_world

ANNA, BERT = "it@verband.example", "redaktion@verband.example"  # Verband Digital's contacts
NAME, PHONE = "Anna Schmidt", "+49 30 1234 5678"
SCREEN = "attachments/filed/2025-03-31/abc/anna-screen.png"


@pytest.fixture
def world() -> Any:
    desk, clock, timers, mailer, workflow = make_world()
    desk.__dict__["sign_in_codes"] = InMemorySignInCodes()
    desk.__dict__["real_time"] = Clock("2025-03-31T07:00:00+00:00")
    desk.__dict__["mail_store"] = store = InMemoryMailStore()
    desk.__dict__["erasure_log"] = InMemoryErasureLog()
    desk.__dict__["bookings"] = InMemoryBookings()
    store.keep(SCREEN, b"\x89PNG anna's screen", "image/png")
    return desk, clock, mailer, store


def file(desk: Container, contact: str, subject: str, description: str, customer: str) -> str:
    opened = desk.open_ticket()(
        NewTicket(
            customer=customer,
            contact_email=contact,
            subject=subject,
            description=description,
            channel="web",
        ),
        None,
    )
    assert isinstance(opened, Opened)
    return opened.ticket.ticket_id


def act(desk: Container, ticket_id: str, action: str, actor: str, role: str, **data: Any) -> None:
    desk.record_action()(ticket_id, action, actor=actor, role=role, data=data)


def scene(desk: Container, clock: Clock) -> tuple[str, str, str]:
    """Anna's ticket (her words, her phone, her screenshot, the desk's answers to her), her
    message on Bert's ticket, and another customer's ticket."""
    anna = file(
        desk, ANNA, "Newsletter for Anna breaks", f"Call {NAME} at {PHONE}.", "verband-digital"
    )
    bert = file(desk, BERT, "Search finds nothing", "Any word, no results.", "verband-digital")
    other = file(
        desk,
        "servicedesk@noord.example",
        "Koppeling ligt eruit",
        "Sinds 08:50.",
        "integratie-noord",
    )
    clock.advance(minutes=10)
    act(desk, anna, "take", "anna@desk.example", "agent")
    act(
        desk,
        anna,
        "ask_customer",
        "anna@desk.example",
        "agent",
        message=f"Dear {NAME}, a screenshot?",
    )
    clock.advance(minutes=10)
    reference = f"memory://{SCREEN}"
    act(
        desk,
        anna,
        "customer_reply",
        ANNA,
        "customer",
        message="Here it is.",
        attachments=[reference],
    )
    act(desk, bert, "customer_message", ANNA, "customer", message=f"Same for me. {NAME}")
    clock.advance(minutes=10)
    act(desk, anna, "resolve", "anna@desk.example", "agent", message=f"Fixed, {NAME}.")
    act(desk, anna, "confirm", ANNA, "customer")
    indexed(desk, anna, bert, other)
    return anna, bert, other


def indexed(desk: Container, *ticket_ids: str) -> None:
    """The search index kept, as the table's stream keeps it after every change."""
    for ticket_id in ticket_ids:
        desk.keep_search_words().keep(desk.tickets.get(ticket_id))


def sla(desk: Container, ticket: Any) -> Any:
    """Every deadline and state of the ticket, and why (all but the events' texts)."""
    state = desk.deadlines.state(ticket, desk.clock())
    return replace(state, events=()), state.as_dict()


def everything(desk: Container, mailer: Any, store: InMemoryMailStore) -> str:
    """Every store's contents as text (the grep of the acceptance)."""
    tickets: Any = desk.tickets
    parts = [
        repr(tickets._tickets),
        repr(tickets._events),
        repr(tickets._outbox),
        repr(vars(desk.search_index)),
        repr(vars(desk.sign_in_codes)),
        repr(desk.contract_store.all_versions()),
        repr(desk.filings.held(1000)),
        repr(list(store.objects)),
        b"".join(store.objects.values()).decode("latin-1"),
        "\n".join(m.as_string() for m in mailer.sent),
    ]
    return "\n".join(parts).casefold()


def test_erasing_one_ticket_keeps_its_clock_and_takes_its_words(world: Any) -> None:
    desk, clock, mailer, store = world
    anna, _, _ = scene(desk, clock)
    ticket = desk.tickets.get(anna)
    erased = erase_ticket(ticket, Person.of(ANNA), Pseudonyms())
    assert erased.whole and erased.changed
    done = erased.ticket
    assert (done.subject, done.description) == (ERASED, ERASED)
    assert is_pseudonym(done.contact_email)
    assert [(e.seq, e.at, e.type) for e in done.events] == [
        (e.seq, e.at, e.type) for e in ticket.events
    ]
    assert [(c.at, c.type, c.priority) for c in done.clock_events()] == [
        (c.at, c.type, c.priority) for c in ticket.clock_events()
    ]
    assert f"memory://{SCREEN}" in erased.files
    assert NAME.casefold() not in repr(done).casefold() and ANNA not in repr(done)
    # the same deadlines, to the microsecond
    assert sla(desk, done) == sla(desk, ticket)


def test_export_is_the_persons_and_nobody_elses(world: Any) -> None:
    desk, clock, mailer, store = world
    anna, bert, other = scene(desk, clock)
    export = desk.export_personal_data()(ANNA, by="admin@desk.example")
    document = export.document
    tickets = {t["ticket_id"]: t for t in document["tickets"]}
    assert set(tickets) == {anna, bert}  # not the other customer's
    mine = tickets[anna]
    assert mine["yours"] and mine["subject"] == "Newsletter for Anna breaks"
    assert any(e.get("message") == "Here it is." and e["by"] == "you" for e in mine["conversation"])
    assert any(e.get("message") == f"Dear {NAME}, a screenshot?" for e in mine["conversation"])
    theirs = tickets[bert]
    assert not theirs["yours"] and "subject" not in theirs and "description" not in theirs
    assert [e["by"] for e in theirs["conversation"]] == ["you"]  # only her own message
    text = json.dumps(document)
    assert BERT not in text and "Any word, no results" not in text and "Koppeling" not in text
    assert document["contracts"] == [
        {"customer": "Verband Digital e.V.", "listed_as": "authorised contact"}
    ]
    archive = zipfile.ZipFile(io.BytesIO(export.archive()))
    names = archive.namelist()
    assert names[0] == "export.json"
    (screen,) = [n for n in names if n.endswith("anna-screen.png")]
    assert archive.read(screen) == b"\x89PNG anna's screen"
    assert export.archive() == export.archive()  # the same data, the same bytes
    again = desk.export_personal_data()(ANNA, by="admin@desk.example")
    assert again.document["tickets"] == document["tickets"]  # an export changes nothing


def test_erasing_a_person_leaves_nothing_of_them_and_every_deadline(world: Any) -> None:
    desk, clock, mailer, store = world
    anna, bert, other = scene(desk, clock)
    desk.portal_sign_in().ask(ANNA)  # a sign-in code mailed to her
    assert ANNA in everything(desk, mailer, store) and NAME.casefold() in everything(
        desk, mailer, store
    )
    before = {t: sla(desk, desk.tickets.get(t)) for t in (anna, bert, other)}
    other_before = desk.tickets.get(other)

    record = desk.erase_personal_data().person(
        ANNA, ground="art. 17(1)(a), asked by it@verband.example on 6 Dec",
        requested_by="the person", by="admin@desk.example",
    )  # fmt: skip
    assert set(record.tickets) == {anna, bert} and record.files == 1 and record.sign_ins == 1
    assert record.contracts >= 1  # her address pseudonymised in the contract's versions
    assert ANNA not in record.ground and "[erased]" in record.ground

    text = everything(desk, mailer, store)
    for trace in (ANNA, NAME, "1234 5678", "Newsletter for Anna", "anna-screen", "Here it is"):
        assert trace.casefold() not in text, trace
    # the SLA history stands: every deadline and state as before
    assert {t: sla(desk, desk.tickets.get(t)) for t in before} == before
    # Bert's ticket keeps Bert's words; the other customer's ticket is untouched
    kept = desk.tickets.get(bert)
    assert kept.subject == "Search finds nothing" and kept.contact_email == BERT
    mine = [e for e in kept.events if e.type == "customer_message"]
    assert mine[0].data["message"] == ERASED and is_pseudonym(mine[0].actor)
    assert desk.tickets.get(other).events == other_before.events
    assert any(m["To"] == BERT for m in mailer.sent)  # Bert's mails about his ticket stay
    # the contract and the ticket name her by the same pseudonym
    pseudonym = desk.tickets.get(anna).contact_email
    contract = [v for v in desk.contract_store.all_versions() if v.customer_id == "verband-digital"]
    assert all(pseudonym in v.contract.contacts for v in contract)
    # searching for her finds nothing; the erasure is on record, without her
    assert desk.search_tickets().search(ANNA)["tickets"] == []
    (logged,) = desk.erasure_log.recent()
    assert logged.erasure_id == record.erasure_id and ANNA not in repr(logged)
    # again: nothing more to erase, nothing changes
    versions = {t: desk.tickets.get(t).version for t in (anna, bert)}
    again = desk.erase_personal_data().person(
        ANNA, ground="again", requested_by="the person", by="admin@desk.example"
    )
    assert again.tickets == () and again.files == 0
    assert {t: desk.tickets.get(t).version for t in (anna, bert)} == versions


def test_erasing_a_customer_erases_every_ticket_of_it(world: Any) -> None:
    desk, clock, mailer, store = world
    anna, bert, other = scene(desk, clock)
    record = desk.erase_personal_data().customer(
        "verband-digital", ground="contract ended 2025-03-31", requested_by="the customer",
        by="admin@desk.example",
    )  # fmt: skip
    assert set(record.tickets) == {anna, bert}
    text = everything(desk, mailer, store)
    for trace in (ANNA, BERT, NAME, "Search finds nothing", "Any word"):
        assert trace.casefold() not in text, trace
    assert desk.tickets.get(other).subject == "Koppeling ligt eruit"
    with pytest.raises(NothingToErase):
        desk.erase_personal_data().customer(
            "no-such-customer", ground="x y z", requested_by="x", by="a"
        )


def test_retention_erases_the_tickets_past_their_period_and_none_under_a_hold(world: Any) -> None:
    desk, clock, mailer, store = world
    anna, bert, other = scene(desk, clock)  # anna's closes now
    for ticket_id in (bert, other):
        desk.record_action()(ticket_id, "close", actor="a@desk", role="agent", data={})
    held = file(desk, BERT, "Contested invoice", "About invoice 3.", "verband-digital")
    desk.record_action()(held, "close", actor="a@desk", role="agent", data={})
    desk.legal_holds().set(held, hold=True, reason="invoice dispute", by="admin@desk.example")
    clock.advance(days=700)
    late = file(desk, BERT, "Closed later", "Still young.", "verband-digital")
    desk.record_action()(late, "close", actor="a@desk", role="agent", data={})

    clock.advance(days=29)  # 729 days after the first closings: none is past 730
    assert desk.apply_retention().run().erased == []
    clock.advance(days=2)
    run = desk.apply_retention().run()
    assert sorted(run.erased) == sorted([anna, bert, other]) and run.held == [held]
    assert desk.tickets.get(anna).subject == ERASED
    assert desk.tickets.get(held).subject == "Contested invoice"
    assert desk.tickets.get(late).subject == "Closed later"
    assert desk.apply_retention().run().erased == []  # again: nothing more
    # the hold lifted: the next run erases it
    desk.legal_holds().set(held, hold=False, reason="settled", by="admin@desk.example")
    assert desk.apply_retention().run().erased == [held]
    clock.advance(days=timedelta(days=730).days)
    assert desk.apply_retention().run().erased == [late]


def test_who_did_what_lists_an_agents_actions_and_no_customer(world: Any) -> None:
    from supportflow.adapters.memory.stores import InMemoryActionsIndex
    from supportflow.services.desk.audit import AuditError

    desk, clock, mailer, store = world
    desk.__dict__["actions_index"] = InMemoryActionsIndex()
    anna, bert, other = scene(desk, clock)
    for ticket_id in (anna, bert, other):
        assert desk.keep_agent_actions().keep(desk.tickets.get(ticket_id)) >= 0
        assert desk.keep_agent_actions().keep(desk.tickets.get(ticket_id)) == 0  # once
    since, until = clock() - timedelta(days=1), clock() + timedelta(days=1)
    listed = desk.agent_actions().list("anna@desk.example", since, until)
    assert [(a["ticket_id"], a["type"]) for a in listed["actions"]] == [
        (anna, "taken"),
        (anna, "waiting_on_customer"),
        (anna, "resolved"),
    ]
    assert desk.agent_actions().list(ANNA, since, until)["actions"] == []  # a customer: none
    first = desk.agent_actions().list("anna@desk.example", since, until, limit=2)
    rest = desk.agent_actions().list("anna@desk.example", since, until, after=first["next"])
    assert [a["type"] for a in first["actions"] + rest["actions"]] == [
        "taken",
        "waiting_on_customer",
        "resolved",
    ]
    with pytest.raises(AuditError):
        desk.agent_actions().list("anna@desk.example", until, since)


def test_an_erasure_out_of_time_stops_between_tickets_and_goes_on_when_sent_again(
    world: Any,
) -> None:
    desk, clock, mailer, store = world
    anna, bert, other = scene(desk, clock)
    left = iter([100.0, 0.5])  # time for one ticket, then out of time
    first = desk.erase_personal_data().person(
        ANNA, ground="art. 17", requested_by="her", by="admin", time_left=lambda: next(left, 0.0)
    )
    assert not first.complete and len(first.tickets) == 1 and first.contracts == 0
    second = desk.erase_personal_data().person(ANNA, ground="art. 17", requested_by="her", by="a")
    assert second.complete and set(first.tickets) | set(second.tickets) == {anna, bert}
    assert ANNA not in everything(desk, mailer, store)


def test_files_go_first_so_an_interrupted_erasure_leaves_none_behind(world: Any) -> None:
    from supportflow.services.ports.tickets import TemporarilyUnavailable

    desk, clock, mailer, store = world
    anna, _, _ = scene(desk, clock)
    tickets: Any = desk.tickets
    real = tickets.rewrite
    calls = []

    def failing(ticket: Any, erased: Any) -> Any:
        if ticket.ticket_id == anna and not calls:
            calls.append(ticket.ticket_id)
            raise TemporarilyUnavailable("the table is busy")
        return real(ticket, erased)

    tickets.rewrite = failing
    with pytest.raises(TemporarilyUnavailable):
        desk.erase_personal_data().person(ANNA, ground="art. 17", requested_by="her", by="a")
    assert SCREEN not in store.objects  # the file went before the ticket was rewritten
    assert desk.tickets.get(anna).subject == "Newsletter for Anna breaks"  # not yet erased
    record = desk.erase_personal_data().person(ANNA, ground="art. 17", requested_by="her", by="a")
    assert anna in record.tickets and ANNA not in everything(desk, mailer, store)


def test_retention_goes_on_past_a_ticket_that_fails(world: Any) -> None:
    from supportflow.services.ports.tickets import ConcurrentUpdate

    desk, clock, mailer, store = world
    anna, bert, other = scene(desk, clock)
    for ticket_id in (bert, other):
        desk.record_action()(ticket_id, "close", actor="a@desk", role="agent", data={})
    clock.advance(days=731)
    tickets: Any = desk.tickets
    real = tickets.rewrite

    def failing(ticket: Any, erased: Any) -> Any:
        if ticket.ticket_id == bert:
            raise ConcurrentUpdate("changed meanwhile")
        return real(ticket, erased)

    tickets.rewrite = failing
    run = desk.apply_retention().run()
    assert sorted(run.erased) == sorted([anna, other]) and run.failed == [bert]
    tickets.rewrite = real
    assert desk.apply_retention().run().erased == [bert]  # the next night


def test_a_booking_that_names_her_is_exported_and_loses_her_name(world: Any) -> None:
    from supportflow.domain.billing.bookings import Booking

    desk, clock, mailer, store = world
    scene(desk, clock)
    start = clock() + timedelta(days=4)
    booking = Booking("B-1", start, 60, clock(), booked_by="anna@desk.example",
                      subject=f"Schulung mit {NAME} ({ANNA})")  # fmt: skip
    assert desk.bookings.add("verband-digital", booking)
    exported = desk.export_personal_data()(ANNA, by="admin@desk.example").document
    assert [b["subject"] for b in exported["bookings"]] == [booking.subject]
    record = desk.erase_personal_data().person(
        ANNA, ground="art. 17", requested_by="her", by="a", names=[NAME]
    )
    assert record.bookings == 1
    (kept,) = desk.bookings.of_customer("verband-digital")
    assert kept.subject == "Schulung mit [erased] ([erased])" and kept.minutes == 60


def test_the_desks_own_records_lose_only_what_they_copied_of_her(world: Any) -> None:
    desk, clock, mailer, store = world
    anna, _, _ = scene(desk, clock)
    mine = desk.tickets.get(anna)
    problem = replace(
        mine,
        ticket_id="T-PROBLEM001",
        attributes={**mine.attributes, "type": "problem"},
        subject=f"Problem: {mine.subject}",
        description="Recurring: the newsletter editor hangs (R004-8).",
    )
    person = Person.of(ANNA).with_texts([mine.subject])
    erased = erase_ticket(problem, person, Pseudonyms())
    assert not erased.whole  # the desk's record stays the desk's
    assert erased.ticket.subject == "Problem: [erased]"
    assert erased.ticket.description == problem.description
    assert is_pseudonym(erased.ticket.contact_email)


def test_an_export_out_of_time_says_which_tickets_it_left_out(world: Any) -> None:
    desk, clock, mailer, store = world
    anna, bert, _ = scene(desk, clock)
    left = iter([100.0, 1.0])
    document = desk.export_personal_data()(
        ANNA, by="admin", time_left=lambda: next(left, 0.0)
    ).document
    assert not document["complete"] and len(document["tickets"]) == 1
    assert {t["ticket_id"] for t in document["tickets"]} | set(document["missing"]) == {anna, bert}
    assert desk.export_personal_data()(ANNA, by="admin").document["complete"]
