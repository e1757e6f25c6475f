"""Reading across tickets: the queue of open tickets, a customer's tickets, tickets by id."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Protocol

from supportflow.domain.ticket.ticket import Ticket


class Queue(Protocol):
    def queue(self, stages: Sequence[str]) -> list[Ticket]:
        """Tickets in these stages, nearest deadline first (their event logs not loaded)."""

    def queue_page(
        self, stages: Sequence[str], after: str | None, limit: int
    ) -> tuple[list[tuple[str, Ticket]], bool]:
        """Up to `limit` tickets in these stages, nearest deadline first, after the position
        `after` (a position returned before), each with its position; and whether more follow.
        Reads about `limit` tickets per stage, however many the desk holds."""

    def open_ids(self, stages: Sequence[str]) -> list[str]:
        """The ids of the tickets in these stages, nearest deadline first (only the ids read:
        the reconciliation's listing of a large desk)."""

    def by_customer(self, customer_id: str) -> list[Ticket]: ...

    def customer_page(
        self, customer_id: str, before: str | None, limit: int
    ) -> tuple[list[tuple[str, Ticket]], bool]:
        """Up to `limit` of a customer's tickets, open and closed, the newest first, after the
        position `before`; each with its position; and whether more follow."""

    def closed_before(self, cutoff: datetime) -> Iterator[str]:
        """The ids of closed tickets that closed before `cutoff`, the oldest closing first,
        read lazily (those erased whole left out)."""

    def summaries(self, ticket_ids: Sequence[str]) -> list[Ticket]:
        """These tickets (those that exist, in the order asked; event logs not loaded)."""
