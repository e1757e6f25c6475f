"""The SLA clock: one pure function from (policy, ticket, events, now) to the state of every metric.

Each metric (first response, resolution) is driven by the ticket's events as the policy says:
start, stop, pause, resume, reopen. Its running stretches are measured on the metric's business
calendar; its deadline is the earliest instant at which the running time reaches the target of
the priority in force (by default recomputed from the metric's start after a priority change,
keeping elapsed and paused time). Nothing here reads a clock: `now` is a parameter.

One metric's clock is in metric_clock.py, the states it answers with in sla_state.py and the
escalation ladder in ladder.py; this module re-exports the names callers import from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from supportflow.domain.common.timeutil import format_instant, to_us
from supportflow.domain.common.vocabulary import EVENT_TYPES, LOG_ONLY_EVENTS, METRICS
from supportflow.domain.policy.policy import Policy
from supportflow.domain.policy.priority_rules import TicketAttributes
from supportflow.domain.sla.metric_clock import PriorityHistory, metric_state
from supportflow.domain.sla.priority import TicketError, check_priority, decide_priority
from supportflow.domain.sla.sla_state import (
    SlaState,
    TicketEvent,
)


def compute_sla(
    policy: Policy,
    ticket: TicketAttributes,
    events: Sequence[TicketEvent],
    now: datetime,
) -> SlaState:
    """The state of every metric of a ticket at `now`."""
    if not events:
        raise TicketError("a ticket needs at least its 'opened' event")
    _check_events(policy, events, now)
    opened_us = to_us(events[0].at)
    ticket = ticket.model_copy(update={"opened_during": policy.open_calendars_at(opened_us)})
    decision = decide_priority(policy, ticket)
    history: PriorityHistory = [(events[0].at, decision.priority, decision.reason)]
    for event in events:
        if event.type == "priority_changed":
            reason = str(event.data.get("reason") or "priority changed")
            history.append((event.at, event.priority, reason))
    now_us = to_us(now)
    metrics = {
        name: metric_state(policy, ticket, name, events, history, now_us) for name in METRICS
    }
    return SlaState(
        policy=policy,
        ticket=ticket,
        priority=history[-1][1],
        priority_reason=history[-1][2],
        priority_history=tuple(history),
        opened=events[0].at,
        now=now,
        metrics=metrics,
        events=tuple(events),
    )


def _check_events(policy: Policy, events: Sequence[TicketEvent], now: datetime) -> None:
    if events[0].type != "opened":
        raise TicketError(f"the first event must be 'opened', not {events[0].type!r}")
    previous = None
    for n, event in enumerate(events):
        if event.type not in EVENT_TYPES and event.type not in LOG_ONLY_EVENTS:
            raise TicketError(
                f"event {n}: unknown type {event.type!r} (one of {', '.join(EVENT_TYPES)})"
            )
        if n and event.type == "opened":
            raise TicketError(f"event {n}: a ticket is opened only once")
        at = to_us(event.at)
        if previous is not None and at < previous:
            raise TicketError(f"event {n} ({event.type}) is earlier than the event before it")
        previous = at
        if at > to_us(now):
            raise TicketError(f"event {n} ({event.type}) is after now ({format_instant(now)})")
        if event.type == "priority_changed":
            if event.priority is None:
                raise TicketError(f"event {n}: priority_changed needs 'priority'")
            check_priority(policy, event.priority)
