"""A timer went off. It re-reads the ticket and recomputes the SLA state from the events: a stale
timer (paused, met, moved, duplicated, late after the fact) does nothing and says why; a due
escalation rung releases the waiting workflow step to the escalation step; a due auto-close
closes the ticket."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from supportflow.domain.events import SYSTEM
from supportflow.domain.ticket import Stage, Ticket
from supportflow.domain.timers import AUTO_CLOSE
from supportflow.services.actions import RecordAction
from supportflow.services.deadlines import Deadlines
from supportflow.services.effects import Commit, CompleteStep, Effect
from supportflow.services.ports import Clock, TicketNotFound
from supportflow.services.steps import TimerPayload

OutcomeKind = Literal["stale", "escalating", "closed"]


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
    commit: Commit
    act: RecordAction
    clock: Clock

    def __call__(self, timer: TimerPayload) -> TimerOutcome:
        try:
            ticket = self.commit.tickets.get(timer.ticket_id)
        except TicketNotFound:
            return _stale(f"no ticket {timer.ticket_id}")
        if timer.name not in ticket.timers:
            return _stale(f"timer {timer.name} is no longer planned (done, moved or cancelled)")
        if timer.kind == AUTO_CLOSE:
            return self._close(ticket)
        return self._escalate(ticket, timer)

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

    def _escalate(self, ticket: Ticket, timer: TimerPayload) -> TimerOutcome:
        metric, rung = str(timer.metric), timer.rung
        state = self.deadlines.state(ticket, self.clock())
        points = state.metrics[metric].escalations if metric in state.metrics else ()
        point = next((p for p in points if p.rung == rung), None)
        if point is None or point.status != "reached":
            return _stale(f"{metric} rung {rung} is {'gone' if point is None else point.status}")
        if (metric, rung) in ticket.escalated:
            return _stale(f"{metric} rung {rung} was escalated already")
        token = ticket.release_for_escalation()  # Busy while between steps: retried
        ticket.forget_timer(timer.name)
        output = {
            "ticket_id": ticket.ticket_id,
            "next": "escalate",
            "metric": metric,
            "rung": rung,
            "return_to": ticket.stage,
        }
        effects = (CompleteStep(token, output),)
        self.commit(ticket, effects)
        return TimerOutcome("escalating", f"escalating {metric} rung {rung}", effects)
