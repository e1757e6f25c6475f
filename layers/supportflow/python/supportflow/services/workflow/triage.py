"""The workflow's first step: priority and deadlines from the policy, timers planned, the agents
of its line told, and on to first line. A retried step changes nothing and says where the
ticket is."""

from __future__ import annotations

from dataclasses import dataclass

from supportflow.services.desk.notices import AgentNotices
from supportflow.services.ports.outbox import Effect
from supportflow.services.ports.tickets import Clock, Tickets, retrying
from supportflow.services.sla.deadlines import Deadlines


@dataclass(frozen=True)
class Routed:
    """Where the workflow goes next (`next` is a stage, or `escalate`)."""

    ticket_id: str
    next: str
    priority: str | None = None
    effects: tuple[Effect, ...] = ()


@dataclass(frozen=True)
class Triage:
    deadlines: Deadlines
    tickets: Tickets
    clock: Clock
    notices: AgentNotices | None = None  # the new ticket told to its line's agents

    def __call__(self, ticket_id: str) -> Routed:
        return retrying(lambda: self._attempt(ticket_id))

    def _attempt(self, ticket_id: str) -> Routed:
        ticket = self.tickets.get(ticket_id)
        if not ticket.triage():  # a retried task: triage happened already
            return Routed(ticket_id, ticket.stage)
        now = self.clock()
        state, effects = self.deadlines.refresh(ticket, now)
        if self.notices is not None:
            effects = [*effects, *self.notices.new_ticket(ticket, now)]
        ticket = self.tickets.save(ticket, effects)
        return Routed(ticket_id, ticket.stage, state.priority, tuple(effects))
