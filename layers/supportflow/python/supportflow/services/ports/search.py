"""The search index: which tickets hold a word, kept from the table's stream (never a scan)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol


@dataclass(frozen=True)
class IndexedTicket:
    """What the index keeps of a ticket: its words, and what orders and narrows a search
    (newest first; one customer's)."""

    ticket_id: str
    customer_id: str
    opened_at: datetime
    terms: frozenset[str]


def position_of(ticket: IndexedTicket) -> str:
    """Where a ticket stands in a word's list: by when it was opened (UTC), then its id."""
    return f"{ticket.opened_at.astimezone(UTC):%Y-%m-%dT%H:%M:%S.%fZ}#{ticket.ticket_id}"


class SearchIndex(Protocol):
    def keep(self, ticket: IndexedTicket, seq: int) -> int:
        """Make the index hold exactly these words for the ticket (as of its event `seq`: an
        older `seq` than the one kept changes nothing); how many entries it wrote or removed.
        Safe to repeat, and to interrupt: the next call finishes the job."""

    def matches(
        self, terms: Sequence[str], customer_id: str | None = None, before: str | None = None
    ) -> Iterator[tuple[str, str]]:
        """The tickets holding every one of these words (of one customer, if given), newest
        first, read lazily: each as (its position, its id). `before` is a position a page
        ended at: the next page starts after it."""


def intersect(streams: Sequence[Iterator[tuple[str, str]]]) -> Iterator[tuple[str, str]]:
    """The entries every stream holds, from streams each ordered by position, newest (highest)
    first: a merge that reads each stream only as far as the others force it to, and stops
    when any one ends (nothing older can be in all of them)."""
    if not streams:
        return
    heads = [next(s, None) for s in streams]
    while all(h is not None for h in heads):
        lowest = min(h[0] for h in heads if h is not None)
        if all(h is not None and h[0] == lowest for h in heads):
            yield heads[0]  # type: ignore[misc]
            heads = [next(s, None) for s in streams]
            continue
        for i, stream in enumerate(streams):
            head = heads[i]
            while head is not None and head[0] > lowest:
                head = next(stream, None)
            heads[i] = head
