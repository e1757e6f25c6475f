"""A callback step of the workflow (.waitForTaskToken) begins: keep its token on the ticket until
an action or a timer completes it. If the ticket moved on meanwhile, complete the step at once."""

from __future__ import annotations

from dataclasses import dataclass

from supportflow.domain.ticket.routing import Stage
from supportflow.services.outbox.effects import CompleteStep
from supportflow.services.ports.outbox import Effect
from supportflow.services.ports.tickets import Tickets, retrying


@dataclass(frozen=True)
class Parked:
    ticket_id: str
    parked: bool
    stage: str
    effects: tuple[Effect, ...] = ()


@dataclass(frozen=True)
class Park:
    tickets: Tickets

    def __call__(self, ticket_id: str, stage: Stage, token: str) -> Parked:
        return retrying(lambda: self._attempt(ticket_id, stage, token))

    def _attempt(self, ticket_id: str, stage: Stage, token: str) -> Parked:
        ticket = self.tickets.get(ticket_id)
        if not ticket.park(stage, token):
            # The ticket moved on while the workflow caught up: let it follow at once.
            effects = (CompleteStep(token, {"ticket_id": ticket_id, "next": ticket.stage}),)
            self.tickets.save(ticket, effects)
            return Parked(ticket_id, False, ticket.stage, effects)
        self.tickets.save(ticket)
        return Parked(ticket_id, True, stage)
