"""Reading across tickets: the queue of open tickets, and a customer's tickets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from supportflow.domain.ticket.ticket import Ticket


class Queue(Protocol):
    def queue(self, stages: Sequence[str]) -> list[Ticket]:
        """Tickets in these stages, nearest deadline first (their event logs not loaded)."""

    def open_ids(self, stages: Sequence[str]) -> list[str]:
        """The ids of the tickets in these stages, nearest deadline first (only the ids read:
        the reconciliation's listing of a large desk)."""

    def by_customer(self, customer_id: str) -> list[Ticket]: ...
