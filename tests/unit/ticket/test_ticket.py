"""The ticket's routing: which action is allowed where, and where it takes the ticket."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from supportflow.domain.ticket.routing import ActionError, Stage, apply_action

NOW = datetime(2025, 4, 14, 9, 0, tzinfo=UTC)


def act(
    stage: Stage, action: str, return_to: Stage = Stage.FIRST_LINE, role: str = "agent", **data: str
) -> tuple[Stage, Stage, str]:
    t = apply_action(stage, return_to, action, actor="a@desk", role=role, at=NOW, seq=7, data=data)
    return t.stage_after, t.return_to, t.event.type


def test_the_first_line_path() -> None:
    assert act(Stage.FIRST_LINE, "take") == (Stage.FIRST_LINE, Stage.FIRST_LINE, "taken")
    assert act(Stage.FIRST_LINE, "respond", message="hi") == (
        Stage.FIRST_LINE,
        Stage.FIRST_LINE,
        "responded",
    )
    assert act(Stage.FIRST_LINE, "resolve", message="fixed") == (
        Stage.RESOLVED,
        Stage.FIRST_LINE,
        "resolved",
    )
    assert act(Stage.RESOLVED, "confirm", role="customer") == (
        Stage.CLOSED,
        Stage.FIRST_LINE,
        "closed",
    )


def test_waiting_on_the_customer_returns_to_the_line_it_came_from() -> None:
    stage, back, event = act(Stage.SECOND_LINE, "ask_customer", message="which browser?")
    assert (stage, back, event) == (
        Stage.WAITING_ON_CUSTOMER,
        Stage.SECOND_LINE,
        "waiting_on_customer",
    )
    assert act(stage, "customer_reply", back, role="customer", message="Firefox")[:2] == (
        Stage.SECOND_LINE,
        Stage.SECOND_LINE,
    )


def test_second_line_and_reopen() -> None:
    assert act(Stage.FIRST_LINE, "hand_to_second_line")[:2] == (
        Stage.SECOND_LINE,
        Stage.SECOND_LINE,
    )
    stage, back, _ = act(Stage.SECOND_LINE, "resolve", message="patched")
    assert act(stage, "reopen", back, role="customer")[:2] == (Stage.SECOND_LINE, Stage.SECOND_LINE)


@pytest.mark.parametrize(
    ("stage", "action", "role", "data", "message"),
    [
        (
            Stage.CLOSED,
            "resolve",
            "agent",
            {"message": "x"},
            "cannot resolve a ticket that is closed",
        ),
        (Stage.SECOND_LINE, "hand_to_second_line", "agent", {}, "cannot hand to second line"),
        (Stage.FIRST_LINE, "confirm", "agent", {}, "an agent cannot confirm"),
        (Stage.FIRST_LINE, "resolve", "customer", {"message": "x"}, "a customer cannot resolve"),
        (Stage.FIRST_LINE, "change_priority", "agent", {"priority": "high"}, "needs 'reason'"),
        (Stage.FIRST_LINE, "dance", "agent", {}, "unknown action"),
    ],
)
def test_actions_that_do_not_fit(
    stage: Stage, action: str, role: str, data: dict[str, str], message: str
) -> None:
    with pytest.raises(ActionError, match=message):
        act(stage, action, role=role, **data)
