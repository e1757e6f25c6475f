"""The search index and the paged reads, on both adapters: the in-memory ones the unit tests use
and the DynamoDB ones (under moto, on the table template.yaml defines) give the same answers,
across Query pages, with the same positions."""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from local.serial import serialized
from local.stack import MOTO_CONFIG, REGION, create_table
from moto import mock_aws

from supportflow.adapters.dynamodb import search as dynamo_search
from supportflow.adapters.dynamodb.models import bind_models
from supportflow.adapters.dynamodb.search import DynamoSearchIndex
from supportflow.adapters.dynamodb.tickets import DynamoTickets
from supportflow.adapters.memory.stores import InMemorySearchIndex
from supportflow.adapters.memory.tickets import InMemoryTickets
from supportflow.services.ports.search import IndexedTicket
from supportflow.services.ports.tickets import IntakeKey
from tests.integration.test_ticket_repository import AT, _new

WORDS = ["printer", "toner", "vpn", "wachtwoord", "koppeling", "storing", "factuur"]


@pytest.fixture(params=["memory", "dynamodb"])
def stores(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Any, Any]]:
    if request.param == "memory":
        yield InMemoryTickets(), InMemorySearchIndex()
        return
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setattr(dynamo_search, "PAGE", 7)  # a word's list spans many Query pages
    monkeypatch.setattr(dynamo_search, "FIRST_PAGE", 3)
    with mock_aws(config=copy.deepcopy(MOTO_CONFIG)), serialized():
        create_table(boto3.client("dynamodb", region_name=REGION), "tickets")
        bind_models("tickets", REGION)
        yield DynamoTickets(), DynamoSearchIndex()


def _entry(n: int, terms: set[str]) -> IndexedTicket:
    customer = "c-even" if n % 2 == 0 else "c-odd"
    opened = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=n)
    return IndexedTicket(f"T-{n:010d}", customer, opened, frozenset(terms))


def test_a_search_agrees_with_set_arithmetic(stores: tuple[Any, Any]) -> None:
    _, index = stores
    rng = random.Random(3)
    kept = {n: {w for w in WORDS if rng.random() < 0.4} for n in range(60)}
    for n, terms in kept.items():
        index.keep(_entry(n, terms), 1)
    for n in range(0, 60, 5):  # a later log adds and drops words
        kept[n] = (kept[n] - {"printer"}) | {"escalatie"}
        assert index.keep(_entry(n, kept[n]), 2) >= 1
    for query in (["printer"], ["printer", "toner"], ["vpn", "storing", "factuur"], ["escalatie"]):
        for customer in (None, "c-odd"):
            want = [
                f"T-{n:010d}"
                for n in sorted(kept, reverse=True)
                if set(query) <= kept[n] and (customer is None or (n % 2 == 1))
            ]
            assert [t for _, t in index.matches(query, customer)] == want
            # paging: from the position of the third, the rest
            found = list(index.matches(query, customer))
            if len(found) > 3:
                rest = [t for _, t in index.matches(query, customer, found[2][0])]
                assert rest == want[3:]


def test_keeping_the_same_words_again_writes_nothing(stores: tuple[Any, Any]) -> None:
    _, index = stores
    assert index.keep(_entry(1, {"printer", "toner"}), 4) == 2
    assert index.keep(_entry(1, {"printer", "toner"}), 5) == 0
    assert index.keep(_entry(1, {"vpn"}), 3) == 0  # older than what is kept
    assert [t for _, t in index.matches(["toner"])] == ["T-0000000001"]


def test_the_queue_and_a_customers_tickets_come_a_page_at_a_time(stores: tuple[Any, Any]) -> None:
    tickets, _ = stores
    made = []
    for n in range(9):
        ticket = _new(f"T-{n:010d}", customer="integratie-noord" if n % 3 else "other")
        ticket = replace(ticket, opened_at=AT + timedelta(minutes=n))
        due = AT + timedelta(hours=(n * 7) % 9)
        ticket.stage = "first_line" if n % 2 else "second_line"  # type: ignore[assignment]
        ticket.next_due = None if n == 4 else due.isoformat()
        made.append(tickets.add(ticket, IntakeKey(f"k{n}", f"f{n}", None), (), AT)[0])
    want = sorted(
        made,
        key=lambda t: (t.next_due is None, t.next_due and datetime.fromisoformat(t.next_due)),
    )
    seen, after = [], None
    while True:
        page, more = tickets.queue_page(("first_line", "second_line"), after, 4)
        seen += [t.ticket_id for _, t in page]
        if not more:
            break
        after = page[-1][0]
    assert seen == [t.ticket_id for t in want]

    mine = [t.ticket_id for t in made if t.customer_id == "integratie-noord"][::-1]
    history, before = [], None
    while True:
        page, more = tickets.customer_page("integratie-noord", before, 2)
        history += [t.ticket_id for _, t in page]
        if not more:
            break
        before = page[-1][0]
    assert history == mine
    wanted = [made[5].ticket_id, "T-9999999999", made[0].ticket_id]
    assert [t.ticket_id for t in tickets.summaries(wanted)] == [wanted[0], wanted[2]]
