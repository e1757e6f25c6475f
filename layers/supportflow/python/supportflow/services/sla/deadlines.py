"""A ticket's deadlines: the policy version it was opened under, its SLA state now (always
recomputed from the event log), and keeping its summary and timers in step after a change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from supportflow.domain.policy.policy import Policy
from supportflow.domain.policy.priority_rules import TicketAttributes
from supportflow.domain.sla.clock import compute_sla
from supportflow.domain.sla.sla_state import SlaState
from supportflow.domain.ticket.ticket import Ticket
from supportflow.domain.ticket.timers import plan_timers, sla_summary
from supportflow.policies.registry import PolicyRegistry
from supportflow.services.outbox.effects import timer_effects
from supportflow.services.ports.outbox import Effect


@dataclass(frozen=True)
class Deadlines:
    policies: PolicyRegistry

    def policy(self, ticket: Ticket) -> Policy:
        return self.policies.get(ticket.policy_id, version=ticket.policy_version)

    def state(self, ticket: Ticket, now: datetime) -> SlaState:
        return compute_sla(
            self.policy(ticket),
            TicketAttributes(**ticket.attributes),
            ticket.clock_events(),
            max(now, ticket.last_at),
        )

    def refresh(self, ticket: Ticket, now: datetime) -> tuple[SlaState, list[Effect]]:
        """Recompute after a change: the queue's summary, and the timers to create or cancel."""
        state = self.state(ticket, now)
        ticket.summarise(*sla_summary(state, now))
        changes = ticket.replan(plan_timers(ticket, state, self.policy(ticket), now))
        return state, timer_effects(changes)
