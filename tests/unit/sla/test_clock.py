"""The SLA clock: pauses, reopening, priority changes, root-cause start, breaches, escalation."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from supportflow.domain.common.timeutil import parse_instant
from supportflow.domain.policy.policy import Policy, load_policy_text
from supportflow.domain.policy.priority_rules import TicketAttributes
from supportflow.domain.sla.clock import compute_sla
from supportflow.domain.sla.priority import TicketError
from supportflow.domain.sla.sla_state import SlaState, TicketEvent
from supportflow.policies.registry import shipped

HOUR = 3600


def at(text: str) -> datetime:
    return parse_instant(text)


def run(
    policy: str | Policy,
    events: list[tuple[str, str] | tuple[str, str, str]],
    now: str,
    **ticket: Any,
) -> SlaState:
    pol = shipped().get(policy) if isinstance(policy, str) else policy
    evs = [TicketEvent(at(e[0]), e[1], e[2] if len(e) > 2 else None) for e in events]
    return compute_sla(pol, TicketAttributes(**ticket), evs, at(now))


def test_pause_and_resume_move_the_resolution_deadline() -> None:
    # web-agency medium, resolution 3 workdays = 25.5 h (R002-3), paused while waiting (R002-5).
    state = run(
        "web-agency",
        [
            ("2025-04-14T09:00:00+02:00", "opened"),
            ("2025-04-14T09:30:00+02:00", "responded"),
            ("2025-04-14T10:00:00+02:00", "waiting_on_customer"),
            ("2025-04-15T10:00:00+02:00", "customer_replied"),
        ],
        "2025-04-15T12:00:00+02:00",
        priority="medium",
    )
    response, resolution = state.metrics["response"], state.metrics["resolution"]
    assert response.state == "met" and response.met_at == at("2025-04-14T09:30:00+02:00")
    assert response.due == at("2025-04-15T09:00:00+02:00") and not response.breached
    # Running 1 h Monday; paused Mon 10:00-17:00 + Tue 08:30-10:00 = 8.5 h of open time;
    # 24.5 h remain from Tue 10:00: Tue 7 h, Wed 8.5, Thu 8.5 -> 0.5 h left; Fri 18 April is
    # Good Friday and Mon 21 Easter Monday -> Tue 22 April 09:00.
    assert resolution.paused_us == 8.5 * HOUR * 10**6
    assert resolution.elapsed_us == 3 * HOUR * 10**6
    assert resolution.due == at("2025-04-22T09:00:00+02:00")
    assert resolution.state == "running"


def test_while_paused_the_deadline_is_open_and_the_state_says_so() -> None:
    state = run(
        "web-agency",
        [
            ("2025-04-14T09:00:00+02:00", "opened"),
            ("2025-04-14T10:00:00+02:00", "waiting_on_customer"),
        ],
        "2025-04-15T12:00:00+02:00",
        priority="medium",
    )
    resolution = state.metrics["resolution"]
    assert resolution.state == "paused" and resolution.due is None
    assert resolution.remaining_us == (25.5 - 1) * HOUR * 10**6
    # Asking the customer counts as the first response.
    assert state.metrics["response"].state == "met"


def test_reopen_continues_from_where_it_stopped() -> None:
    # web-agency high: resolution 1 workday (8.5 h).
    state = run(
        "web-agency",
        [
            ("2025-04-07T09:00:00+02:00", "opened"),
            ("2025-04-07T09:15:00+02:00", "responded"),
            ("2025-04-07T11:00:00+02:00", "resolved"),
            ("2025-04-08T10:00:00+02:00", "reopened"),
        ],
        "2025-04-08T12:00:00+02:00",
        priority="high",
    )
    resolution = state.metrics["resolution"]
    # 2 h before it was resolved; the time it stood resolved does not count; 6.5 h remain.
    assert resolution.state == "running" and resolution.met_at is None
    assert resolution.due == at("2025-04-08T16:30:00+02:00")
    assert resolution.elapsed_us == 4 * HOUR * 10**6
    assert resolution.paused_us == 0


def test_resolved_in_time_and_resolved_late() -> None:
    events = [("2025-04-07T09:00:00+02:00", "opened"), ("2025-04-07T09:10:00+02:00", "responded")]
    on_time = run(
        "web-agency",
        [*events, ("2025-04-08T09:00:00+02:00", "resolved")],
        "2025-04-09T09:00:00+02:00",
        priority="high",
    )
    # 1 workday = 8.5 h: Mon 09:00-17:00 is 8 h, Tue 08:30 + 0.5 h -> Tue 09:00; met exactly then.
    assert on_time.metrics["resolution"].state == "met"
    assert on_time.metrics["resolution"].due == at("2025-04-08T09:00:00+02:00")
    late = run(
        "web-agency",
        [*events, ("2025-04-08T10:00:00+02:00", "resolved")],
        "2025-04-09T09:00:00+02:00",
        priority="high",
    )
    res = late.metrics["resolution"]
    assert res.state == "breached" and res.breached
    assert res.met_at == at("2025-04-08T10:00:00+02:00")


def test_running_past_the_deadline_is_a_breach() -> None:
    state = run(
        "integration-9x5",
        [("2025-03-31T09:00:00+02:00", "opened")],
        "2025-03-31T10:00:01+02:00",
        priority="top",
    )
    response = state.metrics["response"]
    assert response.due == at("2025-03-31T10:00:00+02:00")
    assert response.breached and response.state == "breached"
    exactly = run(
        "integration-9x5",
        [("2025-03-31T09:00:00+02:00", "opened")],
        "2025-03-31T10:00:00+02:00",
        priority="top",
    )
    assert not exactly.metrics["response"].breached  # due at 10:00 is not late at 10:00


def test_root_cause_starts_the_resolution_clock() -> None:
    events = [
        ("2025-03-31T09:00:00+02:00", "opened"),
        ("2025-03-31T09:20:00+02:00", "responded"),
    ]
    before = run("integration-9x5", events, "2025-03-31T12:00:00+02:00", priority="top")
    assert before.metrics["resolution"].state == "not_started"
    assert before.metrics["resolution"].due is None
    after = run(
        "integration-9x5",
        [*events, ("2025-03-31T13:00:00+02:00", "root_cause_found")],
        "2025-03-31T15:00:00+02:00",
        priority="top",
    )
    resolution = after.metrics["resolution"]
    # R004-4: 4 h from the root cause, Mon 13:00 -> 17:00.
    assert resolution.state == "running"
    assert resolution.started_at == at("2025-03-31T13:00:00+02:00")
    assert resolution.due == at("2025-03-31T17:00:00+02:00")
    assert resolution.elapsed_us == 2 * HOUR * 10**6


def test_root_cause_late_on_friday_runs_into_monday() -> None:
    state = run(
        "integration-9x5",
        [
            ("2025-03-27T10:00:00+01:00", "opened"),
            ("2025-03-27T10:30:00+01:00", "responded"),
            ("2025-03-28T16:00:00+01:00", "root_cause_found"),
        ],
        "2025-03-28T17:00:00+01:00",
        priority="high",
    )
    # 18 h from Fri 16:00: 1.5 h Friday, Mon 9 h, Tue 08:30 + 7.5 h -> Tue 16:00 CEST.
    assert state.metrics["resolution"].due == at("2025-04-01T16:00:00+02:00")


def test_priority_change_recomputes_from_the_start_by_default() -> None:
    events = [
        ("2025-03-31T09:00:00+02:00", "opened"),
        ("2025-03-31T09:30:00+02:00", "priority_changed", "top"),
    ]
    state = run("integration-9x5", events, "2025-03-31T09:40:00+02:00", priority="low")
    response = state.metrics["response"]
    # low 18 h -> top 1 h, counted from the opening: due 10:00 (elapsed is kept).
    assert state.priority == "top" and response.priority == "top"
    assert response.due == at("2025-03-31T10:00:00+02:00")
    assert response.elapsed_us == 40 * 60 * 10**6
    # An upgrade whose target is already used up is breached at once.
    late = run(
        "integration-9x5",
        [events[0], ("2025-03-31T11:00:00+02:00", "priority_changed", "top")],
        "2025-03-31T11:00:00+02:00",
        priority="low",
    )
    assert late.metrics["response"].breached
    assert late.metrics["response"].due == at("2025-03-31T10:00:00+02:00")


def test_priority_downgrade_gives_more_time() -> None:
    state = run(
        "integration-9x5",
        [
            ("2025-03-31T09:00:00+02:00", "opened"),
            ("2025-03-31T09:30:00+02:00", "priority_changed", "high"),
        ],
        "2025-03-31T09:40:00+02:00",
        priority="top",
    )
    # top 1 h -> high 9 h from the opening: Mon 09:00-17:30 is 8.5 h, Tue 08:30 + 0.5 h.
    assert state.metrics["response"].due == at("2025-04-01T09:00:00+02:00")


def _with_mode(mode: str) -> Policy:
    data = json.loads(shipped().get("integration-9x5").model_dump_json())
    data["on_priority_change"] = mode
    return Policy.model_validate(data)


def test_priority_change_modes_restart_and_keep() -> None:
    events = [
        ("2025-03-31T09:00:00+02:00", "opened"),
        ("2025-03-31T09:30:00+02:00", "priority_changed", "top"),
    ]
    restart = run(_with_mode("restart"), events, "2025-03-31T09:40:00+02:00", priority="low")
    assert restart.metrics["response"].due == at("2025-03-31T10:30:00+02:00")
    assert restart.metrics["response"].elapsed_us == 40 * 60 * 10**6
    keep = run(_with_mode("keep"), events, "2025-03-31T09:40:00+02:00", priority="low")
    # low keeps its 18 h: Mon 8.5 h, Tue 9 h, Wed 08:30 + 0.5 h.
    assert keep.metrics["response"].due == at("2025-04-02T09:00:00+02:00")


def test_a_met_metric_ignores_later_priority_changes() -> None:
    state = run(
        "integration-9x5",
        [
            ("2025-03-31T09:00:00+02:00", "opened"),
            ("2025-03-31T10:00:00+02:00", "responded"),
            ("2025-03-31T11:00:00+02:00", "priority_changed", "top"),
        ],
        "2025-03-31T12:00:00+02:00",
        priority="low",
    )
    response = state.metrics["response"]
    assert response.state == "met" and response.priority == "low" and not response.breached


def test_escalation_ladder_points() -> None:
    state = run(
        "integration-9x5",
        [("2025-03-31T09:00:00+02:00", "opened")],
        "2025-03-31T09:50:00+02:00",
        priority="top",
    )
    points = [(p.notify, p.due, p.status) for p in state.metrics["response"].escalations]
    assert points == [
        ("support_coordinator", at("2025-03-31T09:45:00+02:00"), "reached"),
        ("service_support_manager", at("2025-03-31T10:00:00+02:00"), "pending"),
        # R004-7: the CTO 4 support hours after the breach.
        ("cto", at("2025-03-31T14:00:00+02:00"), "pending"),
    ]
    met = run(
        "integration-9x5",
        [("2025-03-31T09:00:00+02:00", "opened"), ("2025-03-31T09:55:00+02:00", "responded")],
        "2025-03-31T11:00:00+02:00",
        priority="top",
    )
    assert [p.status for p in met.metrics["response"].escalations] == [
        "reached",
        "cancelled",
        "cancelled",
    ]


def test_a_ticket_without_priority_has_no_targets() -> None:
    state = run(
        "integration-9x5",
        [("2025-03-31T09:00:00+02:00", "opened")],
        "2025-04-30T09:00:00+02:00",
        type="information",
    )
    assert state.priority is None
    response = state.metrics["response"]
    assert response.due is None and not response.breached and response.state == "running"
    assert response.escalations == ()


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([("2025-03-31T09:00:00+02:00", "responded")], "first event must be 'opened'"),
        (
            [("2025-03-31T09:00:00+02:00", "opened"), ("2025-03-31T08:00:00+02:00", "responded")],
            "earlier than the event before",
        ),
        (
            [("2025-03-31T09:00:00+02:00", "opened"), ("2025-03-31T09:10:00+02:00", "exploded")],
            "unknown type",
        ),
        (
            [
                ("2025-03-31T09:00:00+02:00", "opened"),
                ("2025-03-31T09:10:00+02:00", "priority_changed", "p9"),
            ],
            "unknown priority",
        ),
        (
            [("2025-03-31T09:00:00+02:00", "opened"), ("2025-03-31T13:00:00+02:00", "responded")],
            "after now",
        ),
        (
            [("2025-03-31T09:00:00+02:00", "opened"), ("2025-03-31T09:00:00+02:00", "opened")],
            "opened only once",
        ),
    ],
)
def test_bad_event_streams(events: list[tuple[str, ...]], message: str) -> None:
    with pytest.raises(TicketError, match=message):
        run("integration-9x5", events, "2025-03-31T12:00:00+02:00", priority="top")  # type: ignore[arg-type]


def test_a_custom_policy_with_pause_on_the_response_clock() -> None:
    text = """
id: custom
name: Custom
version: 1
effective_from: 2024-01-01
calendars:
  office:
    timezone: Europe/Amsterdam
    hours: {mon: ["09:00-17:00"], tue: ["09:00-17:00"]}
priorities: {levels: [{id: p1}], default: p1}
metrics:
  response:
    stop: [responded]
    pause: [waiting_on_customer]
    resume: [customer_replied]
targets: {p1: {response: 2h}}
"""
    policy = load_policy_text(text, "custom.yaml")
    state = run(
        policy,
        [
            ("2025-03-31T09:00:00+02:00", "opened"),
            ("2025-03-31T10:00:00+02:00", "waiting_on_customer"),
            ("2025-03-31T16:00:00+02:00", "customer_replied"),
        ],
        "2025-03-31T16:30:00+02:00",
    )
    response = state.metrics["response"]
    # 1 h, paused 6 h, then 1 h more: Mon 16:00-17:00 -> due 17:00.
    assert response.due == at("2025-03-31T17:00:00+02:00")
    assert response.paused_us == 6 * HOUR * 10**6
