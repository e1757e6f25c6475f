"""Finding everything the desk holds about one person, from indexes (never a table scan): the
search index's entries for their address (every ticket whose contact, messages or notes name
it), and the customer index of each customer whose contract knows them (or whose domain their
address is at). What the indexes point to is then checked against the ticket itself."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice

from supportflow.contracts.contract import people_of
from supportflow.contracts.directory import ContractDirectory
from supportflow.domain.privacy.redaction import Person
from supportflow.domain.ticket.search_terms import query_terms, ticket_texts
from supportflow.domain.ticket.ticket import Ticket
from supportflow.services.ports.queue import Queue
from supportflow.services.ports.search import SearchIndex
from supportflow.services.ports.tickets import TicketNotFound, Tickets

MAX_TICKETS = 5000  # per person: a bound on one request's reading


class TooMany(RuntimeError):
    """More tickets than one request reads: narrow it (API 422)."""


def involves(ticket: Ticket, person: Person) -> bool:
    """The ticket is about the person or carries something of theirs."""
    if person.is_them(ticket.contact_email):
        return True
    if any(person.is_them(e.actor) for e in ticket.events):
        return True
    texts = [t.casefold() for t in ticket_texts(ticket)]
    texts += [str(e.data.get("reason", "")).casefold() for e in ticket.events]
    needles = [*person.addresses, *(n.casefold() for n in person.names)]
    return any(n in t for n in needles for t in texts)


@dataclass(frozen=True)
class FindPerson:
    contracts: Callable[[], ContractDirectory]
    index: SearchIndex
    lists: Queue
    tickets: Tickets

    def customers_of(self, person: Person) -> list[str]:
        directory = self.contracts()
        found = [c.customer_id for c in directory.all() if people_of(c) & person.addresses]
        for address in person.addresses:
            by_domain = directory.of_domain(address)
            if by_domain is not None and by_domain.customer_id not in found:
                found.append(by_domain.customer_id)
        return found

    def ticket_ids(self, person: Person) -> list[str]:
        ids: dict[str, None] = {}
        for address in sorted(person.addresses):
            terms = query_terms(address)
            if terms:
                for _, ticket_id in islice(self.index.matches(terms), MAX_TICKETS + 1):
                    ids.setdefault(ticket_id, None)
        for customer_id in self.customers_of(person):
            for ticket in self._customer(customer_id):
                if person.is_them(ticket.contact_email):
                    ids.setdefault(ticket.ticket_id, None)
        if len(ids) > MAX_TICKETS:
            raise TooMany(f"more than {MAX_TICKETS} tickets name this person: ask per customer")
        return list(ids)

    def tickets_of(self, person: Person) -> list[Ticket]:
        """The person's tickets (as contact) and those carrying something of theirs, oldest
        first, each with its log."""
        found = []
        for ticket_id in self.ticket_ids(person):
            try:
                ticket = self.tickets.get(ticket_id)
            except TicketNotFound:
                continue  # the index lags a ticket that is gone
            if involves(ticket, person):
                found.append(ticket)
        return sorted(found, key=lambda t: (t.opened_at, t.ticket_id))

    def customer_ids(self, customer_id: str) -> list[str]:
        return [t.ticket_id for t in self._customer(customer_id)]

    def _customer(self, customer_id: str) -> Iterator[Ticket]:
        position: str | None = None
        while True:
            page, more = self.lists.customer_page(customer_id, position, 100)
            for position, ticket in page:  # noqa: B007 (the next page starts after the last)
                yield ticket
            if not more or not page:
                return
