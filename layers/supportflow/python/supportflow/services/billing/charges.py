"""A ticket's charges worked out again whenever an event that bills changes them (R002-6, R003-4,
R003-5, R001-5): the differences against what its log has charged are logged as `charged`
events (a credit when something is no longer owed). Registered as an action hook."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from supportflow.contracts.contract import Contract
from supportflow.contracts.directory import ContractDirectory
from supportflow.domain.billing.charge_rules import ticket_charges
from supportflow.domain.billing.charges import Charge
from supportflow.domain.policy.priority_rules import TicketAttributes
from supportflow.domain.sla.sla_state import SlaState
from supportflow.domain.ticket.events import SYSTEM
from supportflow.domain.ticket.ticket import Acted, Ticket
from supportflow.services.ports.outbox import Effect
from supportflow.services.sla.deadlines import Deadlines

BILLING_EVENTS = (
    "work_logged",
    "investigation_accepted",
    "investigation_declined",
    "priority_changed",
)


@dataclass(frozen=True)
class Billing:
    contracts: Callable[[], ContractDirectory]
    deadlines: Deadlines

    def contract_of(self, ticket: Ticket) -> Contract:
        return self.contracts().version_of(ticket.customer_id, ticket.contract_version).contract

    def charges(self, ticket: Ticket, priority: str | None) -> list[Charge]:
        """What the ticket costs by now, line by line."""
        return ticket_charges(
            self.deadlines.policy(ticket),
            self.contract_of(ticket).terms(),
            TicketAttributes(**ticket.attributes),
            ticket.clock_events(),
            priority,
        )

    # ----- its part in an action (an ActionHook): the charges worked out again ---------------

    def before(
        self, ticket: Ticket, action: str, data: Mapping[str, Any], actor: str, now: datetime
    ) -> Sequence[Effect]:
        return ()

    def after(
        self, ticket: Ticket, acted: Acted, state: SlaState, data: Mapping[str, Any], now: datetime
    ) -> None:
        if acted.event.type in BILLING_EVENTS:
            self.update(ticket, state.priority, now)

    def update(self, ticket: Ticket, priority: str | None, at: datetime) -> list[Charge]:
        """Log the differences between what the ticket costs and what its log has charged."""
        logged: dict[tuple[str, str], tuple[Decimal, Decimal | None]] = {}
        for event in ticket.events:
            if event.type == "charged":
                line = Charge.from_event(event.as_clock_event())
                amount, hours = logged.get((line.rule, line.code), (Decimal(0), None))
                if line.hours is not None:
                    hours = (hours or Decimal(0)) + line.hours
                logged[(line.rule, line.code)] = (amount + line.amount, hours)
        added = []
        for charge in self.charges(ticket, priority):
            amount, hours = logged.pop((charge.rule, charge.code), (Decimal(0), None))
            if charge.amount != amount:
                delta_hours = None if charge.hours is None else charge.hours - (hours or 0)
                added.append(
                    Charge(
                        charge.rule, charge.code, delta_hours, charge.rate, charge.amount - amount
                    )
                )
        for (rule, code), (amount, hours) in logged.items():  # no longer owed: credited
            if amount:
                added.append(
                    Charge(rule, code, None if hours is None else -hours, Decimal(0), -amount)
                )
        for charge in added:
            ticket.log("charged", SYSTEM, charge.event_data(), at)
        return added
