"""The periodic reconciliation: for every open ticket, what should be (its timers, a pure
function of its events and policy; a workflow execution waiting at its stage) against what is
(the timers it keeps, the schedules that exist, where its execution waits), and the repairs.

It first sweeps the outbox for effects left undelivered, and leaves alone a ticket with effects
still on their way (a change in flight is not a difference). Repairs are ordinary changes:
saved with their effects through the outbox, so a repair survives failure too.

A large desk is reconciled in shards: the round lists the open tickets (nearest deadline first)
and, when there are more than one shard holds, hands each `shard_size` of them to a shard of
their own (`Shards.start`: on AWS the same function, invoked asynchronously), which checks those
tickets and nothing else. A small desk is checked in the round itself, as one shard.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from supportflow.domain.ticket.routing import OPEN_STAGES, Stage
from supportflow.domain.ticket.ticket import Ticket
from supportflow.domain.ticket.timers import plan_timers
from supportflow.services.outbox.dispatch import Dispatch
from supportflow.services.outbox.effects import (
    CancelTimer,
    CompleteStep,
    ScheduleTimer,
    StartWorkflow,
    timer_effects,
)
from supportflow.services.ports.external import Shards, Timers, Workflow
from supportflow.services.ports.outbox import Effect, Outbox
from supportflow.services.ports.queue import Queue
from supportflow.services.ports.tickets import Clock, Tickets, retrying
from supportflow.services.sla.deadlines import Deadlines

log = logging.getLogger(__name__)
CHECKED_STAGES = tuple(s.value for s in (*OPEN_STAGES, Stage.RESOLVED))
SETTLE = timedelta(minutes=1)  # how long a change may be in flight before it counts as lost
MAX_RUNS = 3  # workflow executions per ticket before a person must look (the alarm says so)
MARGIN = 20.0  # seconds a round keeps in hand to finish the ticket it is on


# Tickets per shard: ~26 ms each in `make bench`, ~0.1 s each with AWS's latencies (six calls a
# ticket): well within a shard's five minutes either way.
SHARD_SIZE = 1000


@dataclass
class Reconciled:
    checked: int = 0
    swept: int = 0  # outbox entries delivered by the sweep
    repairs: list[str] = field(default_factory=list)
    stuck: list[str] = field(default_factory=list)  # tickets a person must look at
    unfinished: int = 0  # tickets left unchecked: the round ran out of time
    shards: int = 0  # shards started (0: the round checked every ticket itself)


@dataclass(frozen=True)
class Reconcile:
    tickets: Tickets
    outbox: Outbox
    queue: Queue
    deadlines: Deadlines
    timers: Timers
    workflow: Workflow
    dispatch: Dispatch
    clock: Clock

    def __call__(
        self,
        time_left: Callable[[], float] | None = None,
        shards: Shards | None = None,
        shard_size: int = SHARD_SIZE,
    ) -> Reconciled:
        """One round. With `time_left` (seconds, the function's remaining time) the round
        stops between tickets while a ticket can still be finished: the queue is ordered by
        the nearest deadline, so what is left for the next round is what can wait longest.
        With `shards`, more open tickets than `shard_size` are handed to shards."""
        now = self.clock()
        report = Reconciled()

        def short() -> bool:
            return time_left is not None and time_left() < MARGIN

        stale = self.outbox.stale(now - SETTLE)
        swept = self.dispatch.deliver(e for e in stale if not short())
        report.swept = len(swept.done)
        listed = self.queue.open_ids(CHECKED_STAGES)
        if shards is not None and len(listed) > shard_size:
            for start in range(0, len(listed), shard_size):
                shards.start(listed[start : start + shard_size])
                report.shards += 1
            return report
        return self._check(listed, now, short, report)

    def shard(
        self, ticket_ids: Sequence[str], time_left: Callable[[], float] | None = None
    ) -> Reconciled:
        """A shard of a round: these tickets (an open ticket's due repair is the same as in the
        round; a ticket closed meanwhile has nothing to repair)."""

        def short() -> bool:
            return time_left is not None and time_left() < MARGIN

        return self._check(list(ticket_ids), self.clock(), short, Reconciled())

    def _check(
        self, ticket_ids: list[str], now: datetime, short: Callable[[], bool], report: Reconciled
    ) -> Reconciled:
        for n, ticket_id in enumerate(ticket_ids):
            if short():
                report.unfinished = len(ticket_ids) - n
                break
            report.checked += 1
            try:
                report.repairs += self.ticket(ticket_id, now)
            except Exception as exc:  # one ticket never stops the round
                log.warning("not reconciled", extra={"ticket_id": ticket_id})
                report.stuck.append(f"{ticket_id}: {type(exc).__name__}: {exc}")
        return report

    def ticket(self, ticket_id: str, now: datetime) -> list[str]:
        """Reconcile one ticket; what was repaired."""
        return retrying(lambda: self._ticket(ticket_id, now))

    def _ticket(self, ticket_id: str, now: datetime) -> list[str]:
        ticket = self.tickets.get(ticket_id)
        if ticket.stage.value not in CHECKED_STAGES:  # closed since it was listed
            return []
        if self.outbox.pending(ticket_id):  # effects on their way: the dispatcher goes first
            return []
        repairs: list[str] = []
        effects = self._timers(ticket, now, repairs) + self._workflow(ticket, repairs)
        if repairs:
            self.tickets.save(ticket, effects)
            log.warning("repaired", extra={"ticket_id": ticket_id, "repairs": repairs})
        return [f"{ticket_id}: {r}" for r in repairs]

    def _timers(self, ticket: Ticket, now: datetime, repairs: list[str]) -> list[Effect]:
        state = self.deadlines.state(ticket, now)
        desired = plan_timers(ticket, state, self.deadlines.policy(ticket), now)
        changes = ticket.replan(desired)
        effects = timer_effects(changes)
        if effects:
            repairs.append(f"timers re-planned (+{len(changes.create)} -{len(changes.cancel)})")
        existing = self.timers.existing(f"{ticket.ticket_id}.")
        created = {t.name for t in changes.create}
        stamp = int(now.timestamp())
        for timer in desired:
            alive = any(_timer_of(s) == timer.name for s in existing)
            if timer.name not in created and not alive:  # the ticket keeps it, no schedule does
                effects.append(ScheduleTimer(timer, schedule=f"{timer.name}.r{stamp}"))
                repairs.append(f"lost timer {timer.name} scheduled again")
        wanted = {t.name for t in desired}
        for schedule in sorted(existing):
            if _timer_of(schedule) not in wanted and schedule not in changes.cancel:
                effects.append(CancelTimer(schedule))
                repairs.append(f"stray schedule {schedule} removed")
        return effects

    def _workflow(self, ticket: Ticket, repairs: list[str]) -> list[Effect]:
        state = self.workflow.state(ticket.execution)
        if state is None or not state.running:
            if ticket.runs >= MAX_RUNS:
                raise RuntimeError(f"its workflow ended {ticket.runs} times; look at it")
            why = "never started" if state is None else "ended"
            execution = ticket.restart_workflow()
            repairs.append(f"workflow {why}: started {execution}")
            return [StartWorkflow(ticket.ticket_id, execution)]
        if state.token is None or state.stage is None:
            return []  # between two steps
        waiting = ticket.waiting
        if waiting is not None and waiting.token == state.token:
            self.workflow.heartbeat(state.token)  # consistent: still wanted
            return []
        if state.stage == ticket.stage:
            ticket.park(Stage(state.stage), state.token)
            repairs.append(f"the {state.stage} step's token kept again")
            return []
        repairs.append(f"workflow waited at {state.stage}: sent on to {ticket.stage}")
        output = {"ticket_id": ticket.ticket_id, "next": ticket.stage.value}
        return [CompleteStep(state.token, output)]


def _timer_of(schedule: str) -> str:
    """The timer a schedule carries (a re-armed one has a `.r<n>` suffix)."""
    return re.sub(r"\.r\d+$", "", schedule)
