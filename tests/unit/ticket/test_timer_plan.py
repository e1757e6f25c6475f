"""`plan_timers` on its own: the timers a ticket should have, for random histories."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportflow.domain.common.timeutil import parse_instant
from supportflow.domain.policy.priority_rules import TicketAttributes
from supportflow.domain.sla.clock import compute_sla
from supportflow.domain.ticket.routing import ActionError, Stage
from supportflow.domain.ticket.ticket import Busy, Ticket
from supportflow.domain.ticket.timers import AUTO_CLOSE, ESCALATION, plan_timers
from supportflow.policies.registry import shipped

POLICY = shipped().get("integration-9x5")
START = parse_instant("2025-03-31T08:00:00+02:00")
STEPS = [
    ("respond", {"message": "m"}),
    ("ask_customer", {"message": "which version?"}),
    ("customer_reply", {"message": "4.2"}),
    ("hand_to_second_line", {}),
    ("record_root_cause", {"message": "cause"}),
    ("change_priority", {"priority": "top", "reason": "r"}),
    ("change_priority", {"priority": "low", "reason": "r"}),
    ("resolve", {"message": "fixed"}),
    ("reopen", {}),
    ("escalate", {}),
]


def _ticket(urgency: str, impact: str) -> Ticket:
    ticket = Ticket.open(
        ticket_id="T-0123456789",
        customer_id="integratie-noord",
        policy_id=POLICY.id,
        policy_version=POLICY.version,
        attributes={"urgency": urgency, "impact": impact, "channel": "portal", "type": "incident"},
        subject="s",
        description="d",
        contact_email="a@b.example",
        channel="portal",
        at=START,
    )
    ticket.triage()
    ticket.park(ticket.stage, "t0")
    return ticket


def _state(ticket: Ticket, now: datetime) -> Any:
    attributes = TicketAttributes(**ticket.attributes)
    return compute_sla(POLICY, attributes, ticket.clock_events(), max(now, ticket.last_at))


def _play(ticket: Ticket, steps: list[tuple[int, int]]) -> datetime:
    now = START
    for n, (gap, step) in enumerate(steps):
        now += timedelta(minutes=gap)
        action, data = STEPS[step]
        if action == "escalate":
            state = _state(ticket, now)
            for name, metric in state.metrics.items():
                for point in metric.escalations:
                    if point.status == "reached":
                        ticket.escalate(name, point.rung, role="r", to="x@y.example", at=now)
            continue
        role = "customer" if action == "customer_reply" else "agent"
        try:
            ticket.act(action, actor="a", role=role, data=data, at=now)
        except (ActionError, Busy):
            continue
        ticket.park(ticket.stage, f"t{n + 1}")
    return now


histories = st.lists(
    st.tuples(st.integers(0, 600), st.integers(0, len(STEPS) - 1)), min_size=0, max_size=12
)
kinds = st.sampled_from([("down", "several_users"), ("degraded", "one_user"), ("down", "one_user")])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=kinds, steps=histories, later=st.integers(0, 3 * 24 * 60))
def test_the_plan_is_unique_due_and_deterministic(
    kind: tuple[str, str], steps: list[tuple[int, int]], later: int
) -> None:
    ticket = _ticket(*kind)
    now = _play(ticket, steps) + timedelta(minutes=later)
    state = _state(ticket, now)
    plan = plan_timers(ticket, state, POLICY, now)
    names = [t.name for t in plan]
    assert len(names) == len(set(names))
    assert plan == plan_timers(copy.deepcopy(ticket), _state(ticket, now), POLICY, now)
    escalated = ticket.escalated
    for timer in plan:
        assert timer.at >= now and timer.payload["name"] == timer.name
        if timer.payload["kind"] == AUTO_CLOSE:
            assert ticket.stage == Stage.RESOLVED
            continue
        assert timer.payload["kind"] == ESCALATION
        metric = state.metrics[timer.payload["metric"]]
        (point,) = [p for p in metric.escalations if p.rung == timer.payload["rung"]]
        assert (metric.name, point.rung) not in escalated
        assert metric.state != "not_started" and point.due is not None
        if metric.state in ("met", "paused") or metric.met_at is not None:
            # only what is owed already (reached before the pause or the met target), or a
            # rung whose instant the pause does not move
            assert point.status in ("reached", "unscheduled")
        else:  # (a breached metric may stand paused: its rungs after the breach stay fixed)
            assert point.status in ("pending", "reached", "unscheduled")
        assert timer.at >= point.due


def test_a_rung_reached_before_the_target_was_met_is_still_owed() -> None:
    """Its timer may arrive after the answer (a late delivery): the warning still goes out."""
    ticket = _ticket("down", "several_users")
    now = START + timedelta(minutes=100)  # 09:40: the warning (09:15) and breach (09:30) passed
    ticket.act("respond", actor="a", role="agent", data={"message": "m"}, at=now)
    plan = plan_timers(ticket, _state(ticket, now), POLICY, now)
    assert [
        (t.payload["metric"], t.payload["rung"])
        for t in plan
        if t.payload.get("metric") == "response"
    ] == [("response", 0)]
    ticket.escalate("response", 0, role="r", to="x@y.example", at=now)
    plan = plan_timers(ticket, _state(ticket, now), POLICY, now)
    assert [t.payload["rung"] for t in plan if t.payload.get("metric") == "response"] == [1]
    ticket.act("close", actor="a", role="agent", data={}, at=now)
    assert plan_timers(ticket, _state(ticket, now), POLICY, now) == []  # not on a closed one


def test_a_met_target_and_an_escalated_rung_have_no_timers() -> None:
    ticket = _ticket("down", "several_users")
    now = START + timedelta(minutes=50)
    ticket.escalate("response", 0, role="r", to="x@y.example", at=now)
    rungs = {
        (t.payload["metric"], t.payload["rung"])
        for t in plan_timers(ticket, _state(ticket, now), POLICY, now)
    }
    assert ("response", 0) not in rungs and ("response", 1) in rungs
    ticket.act("respond", actor="a", role="agent", data={"message": "m"}, at=now)
    plan = plan_timers(ticket, _state(ticket, now), POLICY, now)
    assert [t for t in plan if t.payload.get("metric") == "response"] == []


def test_a_paused_ticket_has_no_timers_and_resolved_has_only_auto_close() -> None:
    ticket = _ticket("down", "several_users")
    now = START + timedelta(minutes=70)
    ticket.act("respond", actor="a", role="agent", data={"message": "m"}, at=now)
    ticket.act("record_root_cause", actor="a", role="agent", data={"message": "m"}, at=now)
    ticket.act("ask_customer", actor="a", role="agent", data={"message": "?"}, at=now)
    assert plan_timers(ticket, _state(ticket, now), POLICY, now) == []
    ticket.park(ticket.stage, "t9")
    ticket.act("resolve", actor="a", role="agent", data={"message": "ok"}, at=now)
    (closing,) = plan_timers(ticket, _state(ticket, now), POLICY, now)
    assert closing.payload["kind"] == AUTO_CLOSE
