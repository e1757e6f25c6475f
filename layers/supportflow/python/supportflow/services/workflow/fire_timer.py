"""A timer went off. It re-reads the ticket and recomputes the SLA state from the events: a stale
timer (paused, met, moved, duplicated, late after the fact) does nothing and says why; a due
escalation rung releases the waiting workflow step to the escalation step; a due auto-close
closes the ticket."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from supportflow.domain.ticket.events import SYSTEM
from supportflow.domain.ticket.planned import PlannedTimer
from supportflow.domain.ticket.routing import Stage
from supportflow.domain.ticket.ticket import Busy, Ticket
from supportflow.domain.ticket.timers import AUTO_CLOSE, reached_at, whole_second_up
from supportflow.services.desk.record_action import RecordAction
from supportflow.services.outbox.effects import CompleteStep, ScheduleTimer
from supportflow.services.ports.outbox import Effect
from supportflow.services.ports.tickets import Clock, TicketNotFound, Tickets, retrying
from supportflow.services.sla.deadlines import Deadlines
from supportflow.services.workflow.steps import TimerPayload

OutcomeKind = Literal["stale", "escalating", "closed", "rearmed"]
MAX_BACKOFF = timedelta(minutes=5)


@dataclass(frozen=True)
class TimerOutcome:
    kind: OutcomeKind
    reason: str
    effects: tuple[Effect, ...] = ()

    def __str__(self) -> str:
        return f"stale: {self.reason}" if self.kind == "stale" else self.reason


def _stale(reason: str) -> TimerOutcome:
    return TimerOutcome("stale", reason)


@dataclass(frozen=True)
class FireTimer:
    deadlines: Deadlines
    tickets: Tickets
    act: RecordAction
    clock: Clock

    def __call__(self, timer: TimerPayload) -> TimerOutcome:
        return retrying(lambda: self._attempt(timer))

    def _attempt(self, timer: TimerPayload) -> TimerOutcome:
        try:
            ticket = self.tickets.get(timer.ticket_id)
        except TicketNotFound:
            return _stale(f"no ticket {timer.ticket_id}")
        if timer.name not in ticket.timers:
            return _stale(f"timer {timer.name} is no longer planned (done, moved or cancelled)")
        now = self.clock()
        try:
            if timer.kind == AUTO_CLOSE:
                return self._close(ticket)
            return self._escalate(ticket, timer, now)
        except Busy:  # the workflow is between two steps: try again shortly, never drop it
            backoff = min(timedelta(seconds=2**timer.attempt), MAX_BACKOFF)
            return self._rearm(ticket, timer, now + backoff, "the ticket is between steps")

    def _close(self, ticket: Ticket) -> TimerOutcome:
        if ticket.stage != Stage.RESOLVED:
            return _stale(f"ticket is {ticket.stage}, not resolved")
        done = self.act(
            ticket.ticket_id,
            "close",
            actor=SYSTEM,
            role="agent",
            data={"reason": "confirmation window passed"},
        )
        return TimerOutcome("closed", "closed", done.effects)

    def _escalate(self, ticket: Ticket, timer: TimerPayload, now: datetime) -> TimerOutcome:
        metric, rung = str(timer.metric), timer.rung
        owed = {r for (m, r) in ticket.owed if m == metric}
        state = self.deadlines.state(ticket, now)
        points = state.metrics[metric].escalations if metric in state.metrics else ()
        escalated = ticket.escalated
        lower = {r for r in owed if r < rung} | {
            p.rung
            for p in points
            if p.rung < rung and p.status == "reached" and (metric, p.rung) not in escalated
        }
        if rung in owed:  # reached before a priority change moved it: sent all the same
            if lower:
                return self._rearm(ticket, timer, now + timedelta(seconds=2), "a lower rung first")
            return self._release(ticket, timer, metric, rung)
        point = next((p for p in points if p.rung == rung), None)
        fixed = point is not None and point.status == "unscheduled" and point.due is not None
        if (
            point is None
            or point.due is None
            or (point.status not in ("pending", "reached") and not fixed)
        ):
            return _stale(f"{metric} rung {rung} is {'gone' if point is None else point.status}")
        if (metric, rung) in ticket.escalated:
            return _stale(f"{metric} rung {rung} was escalated already")
        if point.status == "pending" or fixed:  # fired before its instant (a skewed clock)
            return self._rearm(ticket, timer, reached_at(point), "it fired before its deadline")
        if lower:  # rungs go out in order
            return self._rearm(ticket, timer, now + timedelta(seconds=2), "a lower rung goes first")
        return self._release(ticket, timer, metric, rung)

    def _release(self, ticket: Ticket, timer: TimerPayload, metric: str, rung: int) -> TimerOutcome:
        """Hand the waiting workflow step to the escalation step for this rung."""
        token = ticket.release_for_escalation()
        ticket.forget_timer(timer.name)
        output = {
            "ticket_id": ticket.ticket_id,
            "next": "escalate",
            "metric": metric,
            "rung": rung,
            "return_to": ticket.stage,
        }
        effects = (CompleteStep(token, output),)
        self.tickets.save(ticket, effects)
        return TimerOutcome("escalating", f"escalating {metric} rung {rung}", effects)

    def _rearm(self, ticket: Ticket, timer: TimerPayload, at: datetime, why: str) -> TimerOutcome:
        """Schedule the same timer again under a new schedule name (the one that fired is being
        deleted); a duplicate delivery of this firing makes the same name, so one re-arm."""
        attempt = timer.attempt + 1
        payload = {**timer.model_dump(exclude_none=True), "attempt": attempt}
        soonest = self.clock() + timedelta(seconds=1)  # a schedule in the past would never fire
        planned = PlannedTimer(timer.name, whole_second_up(max(at, soonest)), payload)
        effects = (ScheduleTimer(planned, schedule=f"{timer.name}.r{attempt}"),)
        self.tickets.save(ticket, effects)
        return TimerOutcome("rearmed", f"re-armed for {planned.at.isoformat()}: {why}", effects)
