"""No spurious conflicts (issue 20): an agent's action sent without If-Match is applied to the
ticket as it is now, while the ticket's own timers fire and write to it at the same moment
(escalations up the ladder): every action succeeds once, every timer's write stands. Run over
many tickets and rounds, through the real functions on the embedded AWS."""

from __future__ import annotations

import threading

import pytest

from tests.workflow.conftest import Desk, signed_in
from tests.workflow.review.test_review import _file

ANNA = signed_in("anna@desk.example", "first_line")
ROUNDS = 3


@pytest.mark.parametrize("run", range(2))
def test_actions_without_if_match_succeed_while_the_tickets_timers_write(
    desk: Desk, run: int
) -> None:
    ids = [_file(desk, "down", f"race-{run}-{n}") for n in range(6)]  # top: a ladder each
    desk.clock.advance(hours=30)  # every rung of every ladder is due now
    start = threading.Barrier(2, timeout=30)
    answers: list[int] = []
    fired: list[object] = []

    def agent() -> None:
        start.wait()
        for round_ in range(ROUNDS):
            for ticket_id in ids:
                note = {"message": f"ronde {round_}: nog bezig"}
                answers.append(desk.agent(ticket_id, "note", note, **ANNA)["statusCode"])

    def timers() -> None:
        start.wait()
        fired.extend(desk.pump.fire_due(desk.clock()))

    threads = [threading.Thread(target=agent), threading.Thread(target=timers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert answers == [200] * (ROUNDS * len(ids))  # no 409 "changed meanwhile"
    assert fired and all(f.error is None for f in fired)  # type: ignore[attr-defined]
    desk.settle()
    for ticket_id in ids:
        # the timers' writes stand beside the actions (an escalation is the workflow's next
        # step after the timer's: under load it comes a moment later)
        desk.wait_for(lambda t=ticket_id: "escalated" in _types(desk, t), timeout=60)
        assert _types(desk, ticket_id).count("note") == ROUNDS  # each action once


def _types(desk: Desk, ticket_id: str) -> list[str]:
    return [e.type for e in desk.tickets.get(ticket_id).events]
