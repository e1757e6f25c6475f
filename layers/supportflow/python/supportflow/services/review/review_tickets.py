"""The SLA review for each ticket whose log grew (the table's stream; functions/review_tickets):
its verdicts kept (keep_verdicts), the early warnings they tip mailed (early_warnings), and
problem management's watch (problems), from one read of the ticket and one computation of its
verdicts; and, from the same read, the desk's search index (desk.search: a stream shard has room
for two readers, the dispatcher and this). Safe to repeat: a record delivered twice or late does
no harm."""

from __future__ import annotations

from dataclasses import dataclass, field

from supportflow.services.desk.audit import KeepAgentActions
from supportflow.services.desk.search import KeepSearchWords
from supportflow.services.ports.tickets import TicketNotFound, Tickets
from supportflow.services.review.early_warnings import EarlyWarnings
from supportflow.services.review.keep_verdicts import KeepVerdicts
from supportflow.services.review.problems import Problems, Watched


@dataclass(frozen=True)
class Reviewed:
    kept: bool = False
    warned: int = 0
    watched: Watched = field(default_factory=Watched)
    indexed: int = 0  # word entries of the search index written or removed


@dataclass(frozen=True)
class ReviewTickets:
    """What the SLA review does for each ticket whose log grew (the table's stream): its
    verdicts kept, the early warnings they tip mailed, and problem management's watch, from
    one read of the ticket and one computation of its verdicts."""

    keep: KeepVerdicts
    warn: EarlyWarnings
    problems: Problems
    tickets: Tickets
    search: KeepSearchWords  # the desk's search index, kept from the same read
    actions: KeepAgentActions  # who did what: the agents' actions, from the same read

    def __call__(self, ticket_id: str) -> Reviewed:
        try:
            ticket = self.tickets.get(ticket_id)
        except TicketNotFound:
            return Reviewed()
        indexed = self.search.keep(ticket)
        self.actions.keep(ticket)
        kept, rows = self.keep.keep(ticket)
        return Reviewed(
            kept, self.warn.after(ticket, rows), self.problems.watch_ticket(ticket), indexed
        )
