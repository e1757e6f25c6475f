"""The portal's list: the tickets a signed-in contact may see (access.py), open and closed, the
newest first, a page at a time, each with where it stands in plain words.

It reads the customer's index page by page (never the table), and for a contact who sees only
their own tickets reads at most `MAX_READ` of the customer's tickets per request: a page may
then hold fewer rows than asked, with a `next` to read on from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from supportflow.domain.common.timeutil import format_instant
from supportflow.domain.ticket.routing import Stage
from supportflow.domain.ticket.ticket import Ticket
from supportflow.services.desk.views import local_text
from supportflow.services.portal.access import Viewer
from supportflow.services.ports.queue import Queue
from supportflow.services.sla.deadlines import Deadlines

Status = Literal["open", "closed", "any"]
PAGE, MAX_PAGE, MAX_READ = 25, 100, 500

# Where a ticket stands, as its customer reads it (the status page and the portal).
STATUS = {
    Stage.TRIAGE.value: "working",
    Stage.FIRST_LINE.value: "working",
    Stage.SECOND_LINE.value: "working",
    Stage.WAITING_ON_CUSTOMER.value: "waiting",
    Stage.RESOLVED.value: "solved",
    Stage.CLOSED.value: "closed",
}
STATUS_WORDS = {
    "working": "We are working on it",
    "waiting": "Waiting for your answer",
    "solved": "Solved — please confirm",
    "closed": "Closed",
}


def status_of(stage: str) -> str:
    return STATUS.get(stage, "working")


@dataclass(frozen=True)
class PortalTickets:
    lists: Queue
    deadlines: Deadlines

    def page(
        self,
        viewer: Viewer,
        *,
        status: Status = "any",
        before: str | None = None,
        limit: int = PAGE,
    ) -> dict[str, Any]:
        """A page of the tickets `viewer` may see, the newest first; `before` is the `next`
        of the page before (null: the last page)."""
        limit = max(1, min(limit, MAX_PAGE))
        customer = viewer.contract.customer_id
        rows: list[dict[str, Any]] = []
        position, more, read = before or None, True, 0
        while more and len(rows) <= limit and read < MAX_READ:
            page, more = self.lists.customer_page(customer, position, min(limit + 1, 100))
            for pos, ticket in page:
                position, read = pos, read + 1
                if viewer.may_see(ticket) and _fits(ticket, status):
                    rows.append({**self._row(ticket, viewer), "position": pos})
                    if len(rows) > limit:
                        break
            if not page:
                break
        if len(rows) > limit:  # one more fitting ticket was seen: the next page starts after it
            rows, following = rows[:limit], rows[limit - 1]["position"]
        else:
            following = position if more and read >= MAX_READ else None
        return {
            "customer_id": customer,
            "customer": viewer.contract.name,
            "language": viewer.contract.language,
            "contact": viewer.email,
            "sees": "all" if viewer.role == "authorised" else "own",
            "status": status,
            "tickets": [{k: v for k, v in r.items() if k != "position"} for r in rows],
            "next": following,
        }

    def _row(self, ticket: Ticket, viewer: Viewer) -> dict[str, Any]:
        zone = self.deadlines.policy(ticket).calendar().zone
        opened = ticket.opened_at.astimezone(zone)
        status = status_of(ticket.stage)
        return {
            "ticket_id": ticket.ticket_id,
            "subject": ticket.subject,
            "contact_email": ticket.contact_email,
            "mine": ticket.contact_email.casefold() == viewer.email.casefold(),
            "opened_at": format_instant(opened),
            "opened_text": local_text(opened),
            "zone": str(zone),  # the page writes its times in the contract's zone
            "open": ticket.stage != Stage.CLOSED,
            "status": status,
            "status_text": STATUS_WORDS[status],
        }


def _fits(ticket: Ticket, status: Status) -> bool:
    """Open: anything not closed (a solved ticket waits for its customer's word)."""
    if status == "any":
        return True
    return (ticket.stage != Stage.CLOSED) == (status == "open")
