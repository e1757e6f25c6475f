"""Timers as a real scheduler delivers them: duplicated, early, late by hours, out of order, and
around pauses, met targets and priority changes. Whatever the delivery, the escalations sent are
the ones a perfect scheduler gives: none missing, none extra, each once, in rung order."""

from __future__ import annotations

import contextlib
import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportflow.domain.ticket.routing import ActionError
from supportflow.domain.ticket.ticket import Busy
from tests.unit.desk.test_desk import act, fire, form, make_world

ACTIONS = [
    ("respond", {"message": "we kijken"}, "agent"),
    ("ask_customer", {"message": "welke versie?"}, "agent"),
    ("customer_reply", {"message": "4.2"}, "customer"),
    ("record_root_cause", {"message": "certificaat"}, "agent"),
    ("change_priority", {"priority": "high", "reason": "minder erg"}, "agent"),
    ("change_priority", {"priority": "top", "reason": "toch erg"}, "agent"),
    ("change_priority", {"priority": "low", "reason": "een gebruiker"}, "agent"),
    ("resolve", {"message": "opgelost"}, "agent"),
    ("reopen", {}, "customer"),
]
steps = st.lists(
    st.tuples(st.integers(1, 240), st.one_of(st.none(), st.integers(0, len(ACTIONS) - 1))),
    min_size=1,
    max_size=8,
)


def _run(
    plan: list[tuple[int, int | None]], chaos: bool, seed: int
) -> tuple[list[tuple[str, int]], set[tuple[str, int]]]:
    """One ticket through `plan`; the rungs escalated, and every rung the SLA clock said was
    reached at some minute (the oracle: each of those is owed exactly one escalation)."""
    desk, clock, timers, mailer, workflow = make_world()
    rnd = random.Random(seed)
    tid = desk.open_ticket()(form(), None).ticket.ticket_id
    held: list[dict[str, Any]] = []  # deliveries the chaotic scheduler holds back (late)
    owed: set[tuple[str, int]] = set()
    for minutes, action in plan:
        for _ in range(minutes):
            clock.advance(minutes=1)
            owed |= _reached(desk, tid, clock.now)
            due = timers.due(clock.now)
            if chaos:
                due = _chaos(rnd, due, held, timers)
            for payload in due:
                fire(desk, payload)
        if action is not None:
            name, data, role = ACTIONS[action]
            with contextlib.suppress(ActionError, Busy):
                act(desk, tid, name, actor="a", role=role, data=data, now=clock.now)
    for _ in range(48 * 60 // 30):  # then hours pass: every held and pending timer arrives
        clock.advance(minutes=30)
        owed |= _reached(desk, tid, clock.now)
        for payload in [*held, *timers.due(clock.now)]:
            fire(desk, payload)
        held.clear()
    events = desk.tickets.get(tid).events
    return [(e.data["metric"], e.data["rung"]) for e in events if e.type == "escalated"], owed


def _reached(desk: Any, ticket_id: str, now: Any) -> set[tuple[str, int]]:
    state = desk.deadlines.state(desk.tickets.get(ticket_id), now)
    return {
        (name, point.rung)
        for name, metric in state.metrics.items()
        for point in metric.escalations
        if point.status == "reached"
    }


def _chaos(
    rnd: random.Random, due: list[dict[str, Any]], held: list[dict[str, Any]], timers: Any
) -> list[dict[str, Any]]:
    out = [*held]
    held.clear()
    for payload in due:
        if rnd.random() < 0.3:
            held.append(payload)  # late: delivered some minutes (or hours) later
            continue
        out.append(payload)
        if rnd.random() < 0.3:
            out.append(payload)  # a duplicate delivery
    if timers.pending and rnd.random() < 0.2:  # one fires before its time (a skewed clock)
        name = rnd.choice(sorted(timers.pending))
        out.append(timers.pending.pop(name)[1])
    rnd.shuffle(out)
    return out


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=steps, seed=st.integers(0, 2**16))
def test_chaotic_delivery_escalates_every_reached_rung_once(
    plan: list[tuple[int, int | None]], seed: int
) -> None:
    for chaos in (False, True):
        escalated, owed = _run(plan, chaos=chaos, seed=seed)
        assert sorted(escalated) == sorted(owed)  # none missed, none extra
        assert len(set(escalated)) == len(escalated)  # each once
        for metric in {m for m, _ in escalated}:
            rungs = [r for m, r in escalated if m == metric]
            assert rungs == sorted(rungs)  # in rung order


def test_a_breach_reached_before_a_downgrade_is_still_escalated() -> None:
    """The breach timer is late; meanwhile an agent lowers the priority, which moves the
    deadline to later (recompute): the breach that happened at 10:00 is still sent, saying so."""
    desk, clock, timers, mailer, workflow = make_world()
    tid = desk.open_ticket()(form(), None).ticket.ticket_id  # top: response due 10:00
    clock.advance(minutes=46)
    for payload in timers.due(clock.now):  # the 75% warning
        fire(desk, payload)
    clock.advance(minutes=15)  # 10:01: the breach timer is due, but delivered late
    late = timers.due(clock.now)
    act(desk, tid, "change_priority", actor="a", role="agent",
        data={"priority": "low", "reason": "een gebruiker"}, now=clock.now)  # fmt: skip
    ticket = desk.tickets.get(tid)
    assert list(ticket.owed) == [("response", 1)]
    for payload in [*late, *timers.due(clock.advance(seconds=2))]:
        fire(desk, payload)
    escalated = [(e.data["metric"], e.data["rung"]) for e in desk.tickets.get(tid).events
                 if e.type == "escalated"]  # fmt: skip
    assert escalated == [("response", 0), ("response", 1)]
    text = mailer.sent[-1].get_body(("plain",)).get_content()
    assert "Deadline: ma 31-03-2025 10:00 CEST (1m02s over tijd)." in text  # the old deadline
