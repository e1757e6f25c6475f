"""History and search: the words a ticket is found by, the index's merge of several words, and
the desk's search and customer history over the in-memory adapters."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import pytest

from supportflow.adapters.memory.stores import InMemorySearchIndex
from supportflow.domain.ticket.search_terms import fold, query_terms, ticket_terms, words
from supportflow.services.desk.search import NoSuchCustomer, SearchError
from supportflow.services.ports.search import IndexedTicket, intersect
from tests.unit.desk.test_desk import act, form


def test_words_are_folded_as_people_type_them() -> None:
    assert fold("Café ÉÉN Straße") == "cafe een strasse"
    assert words("De printer op de 2e verdieping print NIET") == [
        "printer",
        "2e",
        "verdieping",
        "print",
    ]
    # an address, an id and a file name: whole, and by their parts
    assert words("mail jan@acme.example about T-01ABCDEFGH and log_2026.txt") == [
        "mail",
        "jan@acme.example",
        "jan",
        "acme",
        "example",
        "about",
        "t-01abcdefgh",
        "01abcdefgh",
        "log_2026.txt",
        "log",
        "2026",
        "txt",
    ]
    assert words("x" * 41 + " ok") == ["ok"]  # a hash or a pasted blob is no word


def test_a_search_asks_for_compound_words_whole() -> None:
    assert query_terms("Jan@ACME.example  printer De") == ["jan@acme.example", "printer"]
    assert query_terms("de het the") == []


def test_the_merge_finds_exactly_what_every_word_holds() -> None:
    rng = random.Random(7)
    for _ in range(300):
        sets = [
            {f"{rng.randrange(60):03d}" for _ in range(rng.randrange(0, 40))}
            for _ in range(rng.randrange(1, 4))
        ]
        streams = [iter(sorted(((p, "c") for p in s), reverse=True)) for s in sets]
        found = [p for p, _ in intersect(streams)]
        assert found == sorted(set.intersection(*sets), reverse=True)


def _indexed(ticket_id: str, day: int, terms: set[str], customer: str = "c1") -> IndexedTicket:
    return IndexedTicket(ticket_id, customer, datetime(2026, 1, day, tzinfo=UTC), frozenset(terms))


def test_the_index_holds_exactly_the_words_kept_last() -> None:
    index = InMemorySearchIndex()
    assert index.keep(_indexed("T-1", 1, {"printer", "paper"}), 1) == 2
    assert index.keep(_indexed("T-1", 1, {"printer", "paper"}), 1) == 0  # again: nothing
    assert index.keep(_indexed("T-1", 1, {"printer", "toner"}), 3) == 2
    assert index.keep(_indexed("T-1", 1, {"printer"}), 2) == 0  # an older log: ignored
    assert [t for _, t in index.matches(["toner"])] == ["T-1"]
    assert list(index.matches(["paper"])) == []
    index.keep(_indexed("T-2", 2, {"printer"}, "c2"), 1)
    assert [t for _, t in index.matches(["printer"])] == ["T-2", "T-1"]  # newest first
    assert [t for _, t in index.matches(["printer"], "c1")] == ["T-1"]
    position = next(index.matches(["printer"]))[0]
    assert [t for _, t in index.matches(["printer"], before=position)] == ["T-1"]


def _close_with_conversation(desk: Any, clock: Any, message: str, **overrides: Any) -> str:
    ticket = desk.open_ticket()(form(**overrides), None).ticket
    tid = ticket.ticket_id
    act(desk, tid, "take", actor="anna", role="agent", data={}, now=clock.now)
    act(desk, tid, "respond", actor="anna", role="agent", data={"message": message}, now=clock.now)
    act(desk, tid, "close", actor="anna", role="agent", data={}, now=clock.now)
    return tid


def _index_all(desk: Any, *ticket_ids: str) -> None:
    keep = desk.keep_search_words()
    for tid in ticket_ids:
        keep.keep(desk.tickets.get(tid))


def test_a_closed_ticket_is_found_by_a_word_of_its_conversation(world: Any) -> None:
    desk, clock, *_ = world
    closed = _close_with_conversation(desk, clock, "De zaakkoppeling is hersteld na een herstart.")
    clock.advance(minutes=20)
    still_open = desk.open_ticket()(form(subject="Herstart nodig van de server"), None).ticket
    _index_all(desk, closed, still_open.ticket_id)
    search = desk.search_tickets()

    found = search.search("HERSTART")
    assert [r["ticket_id"] for r in found["tickets"]] == [still_open.ticket_id, closed]
    assert found["next"] is None
    closed_row = search.search("zaakkoppeling")["tickets"][0]
    assert closed_row["ticket_id"] == closed and closed_row["open"] is False
    assert closed_row["customer"] and closed_row["outcome"]["response"] == "met"
    assert [r["ticket_id"] for r in search.search("herstart", status="open")["tickets"]] == [
        still_open.ticket_id
    ]
    assert [r["ticket_id"] for r in search.search("herstart", status="closed")["tickets"]] == [
        closed
    ]
    # every word must be found; the contact's address finds it too
    assert search.search("herstart zaakkoppeling")["tickets"][0]["ticket_id"] == closed
    assert search.search("herstart nergens")["tickets"] == []
    assert len(search.search("servicedesk@noord.example")["tickets"]) == 2
    with pytest.raises(SearchError):
        search.search("de het")


def test_search_and_history_page_without_repeats(world: Any) -> None:
    desk, clock, *_ = world
    made = []
    for n in range(7):
        clock.advance(minutes=11)
        made.append(desk.open_ticket()(form(subject=f"Printer storing {n}"), None).ticket.ticket_id)
    _index_all(desk, *made)
    search = desk.search_tickets()
    seen, after = [], None
    while True:
        page = search.search("printer", limit=3, after=after)
        seen += [r["ticket_id"] for r in page["tickets"]]
        assert len(page["tickets"]) <= 3
        if page["next"] is None:
            break
        after = page["next"]
    assert seen == made[::-1]

    history, before = [], None
    while True:
        page = search.customer("integratie-noord", limit=2, before=before)
        history += [r["ticket_id"] for r in page["tickets"]]
        if page["next"] is None:
            break
        before = page["next"]
    assert history == made[::-1]
    with pytest.raises(NoSuchCustomer):
        search.customer("nobody-here")


def test_a_ticket_keeps_its_words_as_its_conversation_grows(world: Any) -> None:
    desk, clock, *_ = world
    ticket = desk.open_ticket()(form(), None).ticket
    tid = ticket.ticket_id
    _index_all(desk, tid)
    assert desk.search_tickets().search("kwartaalafsluiting")["tickets"] == []
    clock.advance(minutes=5)
    act(
        desk,
        tid,
        "note",
        actor="anna",
        role="agent",
        data={"message": "Gebeld: het gaat om de kwartaalafsluiting"},
        now=clock.now,
    )
    _index_all(desk, tid)
    assert [r["ticket_id"] for r in desk.search_tickets().search("kwartaalafsluiting")["tickets"]]
    assert "kwartaalafsluiting" in ticket_terms(desk.tickets.get(tid))


def test_canned_replies_come_in_the_contracts_language_notes_in_the_desks() -> None:
    from supportflow.policies.registry import shipped
    from supportflow.services.desk.views import canned_replies

    packs = shipped()
    best_effort = canned_replies(packs.get("best-effort"), "nl")
    four_w = next(r for r in best_effort if r["id"] == "four_w")
    assert four_w["action"] == "ask_customer" and four_w["rule"] == "R000-4"
    assert "Wat" in four_w["text"] and "Wanneer" in four_w["text"]
    english = canned_replies(packs.get("hosting-standby"), "en")  # hosting-acme: an en contract
    assert {r["id"] for r in english if r["action"] != "note"} == {"received", "solved"}
    assert all("Dear" in r["text"] for r in english if r["action"] != "note")
    assert [r["id"] for r in english if r["action"] == "note"] == ["call_note"]  # desk's own
    # a contract language the pack has no text in: the pack's own language
    dutch_on_a_german_pack = canned_replies(packs.get("saas-basic"), "nl")
    assert {r["id"] for r in dutch_on_a_german_pack} == {"received", "solved"}
    assert all(r["text"].startswith("Sehr geehrte") for r in dutch_on_a_german_pack)


def test_a_canned_reply_is_a_checked_part_of_the_pack() -> None:
    from pydantic import ValidationError

    from supportflow.domain.policy.sections import CannedReply

    with pytest.raises(ValidationError):
        CannedReply.model_validate({"id": "x", "title": "t", "language": "fr", "text": "..."})
    with pytest.raises(ValidationError):
        CannedReply.model_validate({"id": "x", "title": "t", "language": "nl", "text": ""})
