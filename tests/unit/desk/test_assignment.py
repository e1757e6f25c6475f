"""Who holds a ticket (issue 20): take one nobody holds, take over a colleague's (the event
names them, so they can be told), assign to a named agent, hand to second line to a specialist
or to the line; the agent page offers the way that fits; the queue filters by line and owner."""

from __future__ import annotations

from typing import Any

import pytest

from supportflow.domain.ticket.routing import ActionError
from tests.unit.desk.test_desk import form, make_world


@pytest.fixture
def opened() -> tuple[Any, str]:
    desk, *_ = make_world()
    return desk, desk.open_ticket()(form(), None).ticket.ticket_id


def _act(desk: Any, ticket_id: str, action: str, actor: str, **data: Any) -> Any:
    return desk.record_action()(ticket_id, action, actor=actor, role="agent", data=data).ticket


def _actions(desk: Any, ticket_id: str, agent: str) -> list[str]:
    return list(desk.views().ticket(ticket_id, for_customer=False, agent=agent)["actions"])


def test_take_take_over_and_assign(opened: tuple[Any, str]) -> None:
    desk, ticket_id = opened
    assert "take" in _actions(desk, ticket_id, "anna") and "take_over" not in _actions(
        desk, ticket_id, "anna"
    )
    assert _act(desk, ticket_id, "take", "anna").assignee == "anna"
    assert _act(desk, ticket_id, "take", "anna").assignee == "anna"  # again: harmless
    with pytest.raises(ActionError, match="anna holds this ticket: take it over"):
        _act(desk, ticket_id, "take", "ben")  # never silently
    assert "take" not in _actions(desk, ticket_id, "ben")
    assert "take_over" in _actions(desk, ticket_id, "ben")
    assert not {"take", "take_over"} & set(_actions(desk, ticket_id, "anna"))
    ticket = _act(desk, ticket_id, "take_over", "ben")
    assert ticket.assignee == "ben"
    over = ticket.events[-1]
    assert (over.type, over.actor, over.data["from"]) == ("taken_over", "ben", "anna")
    with pytest.raises(ActionError, match="nobody else holds this ticket"):
        _act(desk, ticket_id, "take_over", "ben")
    assigned = _act(desk, ticket_id, "assign", "ben", agent="carla")
    assert assigned.assignee == "carla" and assigned.events[-1].data["from"] == "ben"
    with pytest.raises(ActionError, match="needs 'agent'"):
        _act(desk, ticket_id, "assign", "ben")


def test_second_line_goes_to_a_specialist_or_to_the_lines_queue(opened: tuple[Any, str]) -> None:
    desk, ticket_id = opened
    _act(desk, ticket_id, "take", "anna")
    _act(desk, ticket_id, "respond", "anna", message="We kijken ernaar.")
    first = desk.views().queue(group="first_line")["tickets"]
    assert [r["ticket_id"] for r in first] == [ticket_id] and first[0]["assignee"] == "anna"
    handed = _act(desk, ticket_id, "hand_to_second_line", "anna", agent="sam")
    assert (handed.stage, handed.group, handed.assignee) == ("second_line", "second_line", "sam")
    assert [r["ticket_id"] for r in desk.views().queue(owner="sam")["tickets"]] == [ticket_id]
    assert desk.views().queue(group="first_line")["tickets"] == []
    # Waiting on the customer, it stays in the second line's queue and with its holder.
    waiting = _act(desk, ticket_id, "ask_customer", "sam", message="Welke versie?")
    assert (waiting.group, waiting.assignee) == ("second_line", "sam")


def test_handed_to_the_line_nobody_holds_it_until_a_specialist_takes_it() -> None:
    desk, *_ = make_world()
    ticket_id = desk.open_ticket()(form(), None).ticket.ticket_id
    _act(desk, ticket_id, "take", "anna")
    handed = _act(desk, ticket_id, "hand_to_second_line", "anna")
    assert handed.assignee is None
    unassigned = desk.views().queue("unassigned", group="second_line")["tickets"]
    assert [r["ticket_id"] for r in unassigned] == [ticket_id]
    assert _act(desk, ticket_id, "take", "sam").assignee == "sam"


def test_the_page_offers_only_the_actions_the_pack_has_a_use_for() -> None:
    desk, *_ = make_world()
    noord = desk.open_ticket()(form(), None).ticket.ticket_id  # integration-9x5: R004-9, R004-10
    bakker = desk.open_ticket()(
        form(customer="webshop-bakker", contact_email="info@bakker.example", urgency="high",
             impact="large"), None,
    ).ticket.ticket_id  # fmt: skip
    on_noord, on_bakker = _actions(desk, noord, "anna"), _actions(desk, bakker, "anna")
    assert "escalate_to_vendor" in on_noord and "escalate_to_vendor" not in on_bakker
    assert "exclude_from_compliance" in on_noord
    assert "offer_investigation" in on_bakker and "offer_investigation" not in on_noord
    assert "handle_as_consultancy" not in on_noord + on_bakker  # saas-basic's (R001-5)
