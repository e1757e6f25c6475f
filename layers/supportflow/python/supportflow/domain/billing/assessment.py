"""One ticket judged under its contract: its priority (after R001-4's downgrade), its
entitlement flags and its charges so far. The `assess` command prints this; the desk records
the same flags and charges as events on the ticket."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from supportflow.domain.billing.charge_rules import ticket_charges
from supportflow.domain.billing.charges import Charge
from supportflow.domain.billing.entitlements import (
    Flag,
    PastTicket,
    Terms,
    action_flag,
    downgrade,
    opening_flags,
)
from supportflow.domain.common.money import cents, eur
from supportflow.domain.policy.policy import Policy
from supportflow.domain.policy.priority_rules import TicketAttributes
from supportflow.domain.sla.clock import compute_sla
from supportflow.domain.sla.sla_state import TicketEvent

# An agent's decision on the ticket -> the flag it raises.
DECISION_FLAGS = {
    "handled_as_consultancy": "consultancy",
    "left_standard_support": "outside_standard_support",
}


@dataclass(frozen=True)
class Assessment:
    priority: str | None
    flags: tuple[Flag, ...]
    charges: tuple[Charge, ...]

    @property
    def total(self) -> Decimal:
        return cents(sum((c.amount for c in self.charges), Decimal(0)))

    def as_dict(self) -> dict[str, Any]:
        return {
            "priority": self.priority,
            "flags": [f.as_dict() for f in self.flags],
            "charges": [c.as_dict() for c in self.charges],
            "total_eur": eur(self.total),
        }


def judged_attributes(
    policy: Policy, terms: Terms, ticket: TicketAttributes, opened: datetime
) -> TicketAttributes:
    """The ticket with what its contract adds to how it is classified: the agreed periods
    (standby) its opening fell in."""
    return ticket.model_copy(update={"agreed": terms.agreed_at(opened)})


def assess(
    policy: Policy,
    terms: Terms,
    ticket: TicketAttributes,
    events: Sequence[TicketEvent],
    history: Sequence[PastTicket],
    now: datetime,
    contact: str | None = None,
) -> Assessment:
    """The ticket's priority, flags and charges at `now`."""
    opened = events[0].at
    ticket = judged_attributes(policy, terms, ticket, opened)
    log = list(events)
    flags: list[Flag] = []
    at_open = compute_sla(policy, ticket, log[:1], opened).priority
    lowered = downgrade(policy, terms, at_open, contact)
    if lowered is not None:
        priority, flag = lowered
        log.insert(1, TicketEvent(opened, "priority_changed", priority, {"reason": flag.reason}))
        flags.append(flag)
    state = compute_sla(policy, ticket, log, now)
    flags += opening_flags(policy, terms, ticket, state.priority, opened, history)
    for event in log:
        code = DECISION_FLAGS.get(event.type)
        if code is not None and not any(f.code == code for f in flags):
            reason = str(event.data.get("reason") or "decided by an agent")
            flags.append(action_flag(policy, code, reason))
    charges = ticket_charges(policy, terms, ticket, log, state.priority)
    return Assessment(state.priority, tuple(flags), tuple(charges))
