"""An agent withdraws every link of a ticket (one was forwarded to the wrong person, a contact
left): `links_revoked` is logged with the reason, the links' version moves on, and every earlier
link answers that it was withdrawn (410). The desk's next mail on the ticket carries a link of
the new version; the contact may also ask for a fresh one from the old link's page (sign_in.py)."""

from __future__ import annotations

from dataclasses import dataclass

from supportflow.domain.ticket.links import REVOKED, link_version
from supportflow.services.ports.tickets import Clock, Tickets, retrying


@dataclass(frozen=True)
class RevokeLinks:
    tickets: Tickets
    clock: Clock

    def __call__(self, ticket_id: str, agent: str, reason: str) -> int:
        """Withdraw the ticket's links; the version of the links mailed from now on."""

        def once() -> int:
            ticket = self.tickets.get(ticket_id)
            version = link_version(ticket) + 1
            ticket.log(REVOKED, agent, {"reason": reason, "version": version}, self.clock())
            self.tickets.save(ticket)
            return version

        return retrying(once)
