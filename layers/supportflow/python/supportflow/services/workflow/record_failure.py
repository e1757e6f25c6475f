"""The visible end of the workflow's failure path: the ticket says what went wrong."""

from __future__ import annotations

from dataclasses import dataclass

from supportflow.services.ports.tickets import Tickets, retrying


@dataclass(frozen=True)
class FailureRecorded:
    ticket_id: str
    failure: str | None


@dataclass(frozen=True)
class RecordFailure:
    tickets: Tickets

    def __call__(self, ticket_id: str, error: str, cause: str) -> FailureRecorded:
        def attempt() -> FailureRecorded:
            ticket = self.tickets.get(ticket_id)
            ticket.fail(f"{error}: {cause}")
            self.tickets.save(ticket)
            return FailureRecorded(ticket_id, ticket.failure)

        return retrying(attempt)
