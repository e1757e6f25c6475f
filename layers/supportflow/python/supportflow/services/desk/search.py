"""History and search: closed tickets stay findable.

- `KeepSearchWords`: after any change to a ticket (the table's stream), the index holds exactly
  the words of its subject, description, contact, caller and conversation (search_terms). The
  words come from the log as it stands, so a record delivered twice or late does no harm.
- `SearchTickets`: the tickets holding every word asked for, open and closed, newest first, a
  page at a time; and a customer's tickets, open and closed, each with its SLA outcome.
Both read an index (the word entries; the customer index), never the whole table.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any, Literal

from supportflow.contracts.contract import ContractError
from supportflow.contracts.directory import ContractDirectory
from supportflow.domain.common.timeutil import format_instant
from supportflow.domain.ticket.routing import OPEN_STAGES
from supportflow.domain.ticket.search_terms import query_terms, ticket_terms
from supportflow.domain.ticket.ticket import Ticket
from supportflow.services.desk.views import local_text, metric_badge
from supportflow.services.ports.queue import Queue
from supportflow.services.ports.search import IndexedTicket, SearchIndex
from supportflow.services.ports.tickets import Clock
from supportflow.services.sla.deadlines import Deadlines

Status = Literal["open", "closed", "any"]
PAGE = 25
MAX_PAGE = 100
OPEN = frozenset(s.value for s in OPEN_STAGES)


class SearchError(ValueError):
    """A search that cannot be answered as asked (API 422)."""


class NoSuchCustomer(LookupError):
    """No contract for this customer (API 404)."""


@dataclass(frozen=True)
class KeepSearchWords:
    index: SearchIndex

    def keep(self, ticket: Ticket) -> int:
        """Index the ticket's words as its log stands; how many word entries changed."""
        entry = IndexedTicket(
            ticket.ticket_id, ticket.customer_id, ticket.opened_at, ticket_terms(ticket)
        )
        return self.index.keep(entry, ticket.events[-1].seq if ticket.events else 0)


@dataclass(frozen=True)
class SearchTickets:
    index: SearchIndex
    lists: Queue
    contracts: ContractDirectory
    deadlines: Deadlines
    clock: Clock

    def search(
        self,
        text: str,
        *,
        status: Status = "any",
        customer_id: str | None = None,
        after: str | None = None,
        limit: int = PAGE,
    ) -> dict[str, Any]:
        """The tickets with every word of `text` in their subject, description, contact, caller
        or conversation, newest first; `after` is the `next` of the page before."""
        terms = query_terms(text)
        if not terms:
            raise SearchError(
                "search for at least one word of two letters or more (common words such as "
                "'the' or 'de' are not searched)"
            )
        limit = max(1, min(limit, MAX_PAGE))
        found = self._hydrated(self.index.matches(terms, customer_id, after or None), limit)
        rows, position, more = self._take(found, status, limit)
        return {
            "search": text,
            "words": terms,
            "status": status,
            "tickets": rows,
            "next": position if more else None,
        }

    def customer(
        self,
        customer_id: str,
        *,
        status: Status = "any",
        before: str | None = None,
        limit: int = PAGE,
    ) -> dict[str, Any]:
        """A customer's tickets, open and closed, newest first, each with its SLA outcome."""
        try:
            contract = self.contracts.get(customer_id)
        except ContractError as exc:
            raise NoSuchCustomer(f"no customer {customer_id!r}") from exc
        limit = max(1, min(limit, MAX_PAGE))

        def pages() -> Iterator[tuple[str, Ticket]]:
            position, more = before or None, True
            while more:
                page, more = self.lists.customer_page(customer_id, position, limit + 1)
                yield from page
                if page:
                    position = page[-1][0]

        rows, position, more = self._take(pages(), status, limit)
        return {
            "customer_id": customer_id,
            "customer": contract.name,
            "status": status,
            "tickets": rows,
            "next": position if more else None,
        }

    def _hydrated(
        self, found: Iterator[tuple[str, str]], chunk: int
    ) -> Iterator[tuple[str, Ticket]]:
        """The matching tickets read in batches (one batch read a chunk of matches)."""
        while ids := list(islice(found, chunk + 1)):
            tickets = {t.ticket_id: t for t in self.lists.summaries([i for _, i in ids])}
            for position, ticket_id in ids:
                if ticket_id in tickets:  # an entry of a ticket since erased: passed over
                    yield position, tickets[ticket_id]

    def _take(
        self, found: Iterator[tuple[str, Ticket]], status: Status, limit: int
    ) -> tuple[list[dict[str, Any]], str | None, bool]:
        """A page of the tickets whose status fits: its rows, the position of its last row,
        and whether more follow (one more fitting ticket was seen)."""
        now = self.clock()
        names: dict[str, str] = {}
        rows: list[dict[str, Any]] = []
        position: str | None = None
        for pos, ticket in found:
            if not _status_fits(ticket, status):
                continue
            if len(rows) == limit:
                return rows, position, True
            rows.append(self._row(ticket, now, names))
            position = pos
        return rows, position, False

    def _row(self, ticket: Ticket, now: datetime, names: dict[str, str]) -> dict[str, Any]:
        if ticket.customer_id not in names:
            names[ticket.customer_id] = self.contracts.get(ticket.customer_id).name
        zone = self.deadlines.policy(ticket).calendar().zone
        opened = ticket.opened_at.astimezone(zone)
        metrics = {n: m for n, m in ticket.sla.items() if n in ("response", "resolution")}
        return {
            "ticket_id": ticket.ticket_id,
            "customer_id": ticket.customer_id,
            "customer": names[ticket.customer_id],
            "subject": ticket.subject,
            "contact_email": ticket.contact_email,
            "stage": ticket.stage,
            "open": ticket.stage in OPEN,
            "priority": ticket.sla.get("priority"),
            "assignee": ticket.assignee,
            "opened_at": format_instant(opened),
            "opened_text": local_text(opened),
            "outcome": {
                name: metric_badge(m, now) for name, m in metrics.items() if isinstance(m, dict)
            },
        }


def _status_fits(ticket: Ticket, status: Status) -> bool:
    if status == "any":
        return True
    return (ticket.stage in OPEN) == (status == "open")
