"""The organisation's ledger as the entitlement rules read it: its earlier tickets (R000-5), and
its volume against the average of all organisations on the same pack (R000-6). Both come from
the tickets themselves (the by-customer index), so nothing can drift from what was filed."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from supportflow.contracts.directory import ContractDirectory
from supportflow.domain.billing.assessment import DECISION_FLAGS
from supportflow.domain.billing.entitlements import PastTicket, action_flag, months_before
from supportflow.domain.policy.policy import Policy
from supportflow.domain.sla.sla_state import SlaState
from supportflow.domain.ticket.ticket import Acted, Ticket
from supportflow.services.ports.outbox import Effect
from supportflow.services.ports.queue import Queue
from supportflow.services.sla.deadlines import Deadlines

AVERAGE_FOR_SECONDS = 3600  # the average of all organisations moves slowly: kept for an hour


def past(ticket: Ticket) -> PastTicket:
    return PastTicket(
        opened=ticket.opened_at,
        priority=ticket.sla.get("priority", ticket.attributes.get("priority")),
        category=ticket.attributes.get("category"),
        type=str(ticket.attributes.get("type") or "incident"),
    )


@dataclass
class Ledger:
    queue: Queue
    _averages: dict[tuple[str, str], tuple[float, Decimal | None]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def history(self, customer_id: str, before: datetime, months: int = 12) -> list[PastTicket]:
        """The organisation's tickets opened in the `months` up to `before`."""
        since = months_before(before, months)
        return [
            past(t) for t in self.queue.by_customer(customer_id) if since < t.opened_at <= before
        ]

    def average(self, policy: Policy, contracts: ContractDirectory, at: datetime) -> Decimal | None:
        """R000-6: the average number of tickets per organisation on `policy`'s pack over its
        fair-use window before `at` (None without a fair-use rule or organisations)."""
        rule = policy.entitlements.fair_use
        if rule is None:
            return None
        key = (policy.id, at.strftime("%Y-%m-%d"))
        with self._lock:
            kept = self._averages.get(key)
            if kept is not None and time.monotonic() - kept[0] < AVERAGE_FOR_SECONDS:
                return kept[1]
        since = months_before(at, rule.window_months)
        customers = [c.customer_id for c in contracts.all() if c.policy == policy.id]
        if not customers:
            return None
        total = sum(
            1
            for customer in customers
            for t in self.queue.by_customer(customer)
            if since < t.opened_at <= at
        )
        average = Decimal(total) / len(customers)
        with self._lock:
            self._averages[key] = (time.monotonic(), average)
        return average


@dataclass(frozen=True)
class DecisionFlags:
    """An agent's decision that raises a flag (R001-5 consultancy, R004-1 outside standard
    support), logged with the agent's reason and the pack's rule: flagged, the ticket stays
    open. Registered as an action hook."""

    deadlines: Deadlines

    def before(
        self, ticket: Ticket, action: str, data: Mapping[str, Any], actor: str, now: datetime
    ) -> Sequence[Effect]:
        return ()

    def after(
        self, ticket: Ticket, acted: Acted, state: SlaState, data: Mapping[str, Any], now: datetime
    ) -> None:
        code = DECISION_FLAGS.get(acted.event.type)
        if code is not None:
            policy = self.deadlines.policy(ticket)
            flag = action_flag(policy, code, str(data.get("reason") or ""))
            ticket.log("entitlement_flagged", acted.event.actor, flag.as_dict(), now)
