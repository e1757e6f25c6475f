"""Who did what: an index of the desk's agents' actions on tickets, kept from the table's stream
(never a scan), so an admin lists one agent's actions over a period."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class AgentAction:
    """One event of a ticket's log an agent caused: who, when, which ticket, what."""

    agent: str
    at: datetime
    ticket_id: str
    customer_id: str
    seq: int
    type: str


class ActionsIndex(Protocol):
    def keep(self, ticket_id: str, actions: Sequence[AgentAction], seq: int) -> int:
        """Index the ticket's agent actions up to its event `seq` (those at or below the seq
        kept before are not written again); how many were written."""

    def of(
        self, agent: str, since: datetime, until: datetime, after: str | None = None
    ) -> Iterator[tuple[str, AgentAction]]:
        """One agent's actions in [since, until), oldest first, read lazily, each with its
        position (`after`: a position a page ended at)."""
