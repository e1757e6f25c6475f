"""Who may see a ticket as its customer: the holder of the ticket's link (while the link works),
or a contact signed in to the portal whom the contract lets see it.

In the portal, the contract's authorised contacts (and the account owner, R000-7) see all of
their organisation's tickets, open and closed (R003-3: every stakeholder sees the status; R001-4:
they are the ones answers are copied to); any other known contact sees the tickets they filed.
The desk's own problem records (R004-8) are not the customer's. Whether a contact may see
anything is read from the contract in force at each request, never from the session alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from supportflow.contracts.contract import Contract
from supportflow.contracts.directory import ContractDirectory
from supportflow.domain.review.problems import PROBLEM
from supportflow.domain.ticket.links import LinkState, closed_at, link_state
from supportflow.domain.ticket.ticket import Ticket
from supportflow.services.mail.tokens import CustomerTokens
from supportflow.services.portal.sessions import (
    NotSignedIn,
    PortalSession,
    PortalSessions,
    session_token,
)
from supportflow.services.ports.tickets import Clock, TicketNotFound, Tickets

Role = Literal["authorised", "contact"]


class LinkRefused(Exception):
    """Not a link of this ticket: cut off, mistyped or made up (HTTP 401)."""


class LinkGone(Exception):
    """A genuine link that no longer works: withdrawn by an agent, or the ticket closed too long
    ago (HTTP 410; the status page offers to mail a fresh link to the ticket's contact)."""


def portal_role(contract: Contract, address: str) -> Role | None:
    """What a contact sees of the customer's tickets in the portal: all of them (an authorised
    contact, or the account owner), their own (another known contact), or nothing."""
    if contract.is_authorised(address) or contract.is_owner(address):
        return "authorised"
    return "contact" if contract.knows(address) else None


def known_spelling(contract: Contract, address: str) -> str:
    """The address as the contract writes it (addresses compare without case)."""
    for known in (*contract.contacts, *(contract.owner or "",), *contract.other_contacts):
        if known and known.casefold() == address.casefold():
            return known
    return address


@dataclass(frozen=True)
class Viewer:
    """A signed-in contact, their customer's contract as it stands, and what they may see."""

    session: PortalSession
    contract: Contract
    role: Role

    @property
    def email(self) -> str:
        return self.session.email

    def may_see(self, ticket: Ticket) -> bool:
        if ticket.customer_id != self.contract.customer_id:
            return False
        if ticket.attributes.get("type") == PROBLEM:  # the desk's own record (R004-8)
            return False
        return self.role == "authorised" or ticket.contact_email.casefold() == self.email.casefold()


@dataclass(frozen=True)
class CustomerAccess:
    tokens: CustomerTokens
    sessions: PortalSessions
    tickets: Tickets
    contracts: ContractDirectory
    clock: Clock  # the desk's clock: a ticket closed at an instant of it
    real_time: Clock  # sessions run out in real time (the local stack's clock may run faster)
    keep_after_close: timedelta = timedelta(days=30)

    def viewer(self, authorization: str | None) -> Viewer:
        """The contact an `Authorization: Portal <token>` header signs in, or NotSignedIn."""
        session = self.sessions.read(session_token(authorization), self.real_time())
        contract = self.contracts.find(session.customer_id)
        role = portal_role(contract, session.email) if contract is not None else None
        if contract is None or role is None:  # taken off the contract since signing in
            raise NotSignedIn("this address can no longer sign in to the portal")
        return Viewer(session, contract, role)

    def ticket(
        self, ticket_id: str, *, token: str | None = None, authorization: str | None = None
    ) -> Ticket:
        """The ticket, if its link (`token`) works now or the signed-in contact may see it."""
        if session_token(authorization) is not None:
            viewer = self.viewer(authorization)
            ticket = self.tickets.get(ticket_id)
            if not viewer.may_see(ticket):  # told as if it did not exist
                raise TicketNotFound(f"no ticket {ticket_id}")
            return ticket
        version = self.tokens.version_of(ticket_id, token)
        if version is None:
            raise LinkRefused("this link is not valid for this ticket")
        ticket = self.tickets.get(ticket_id)
        state = link_state(ticket, version, self.clock(), self.keep_after_close)
        if state is LinkState.REVOKED:
            raise LinkGone(
                "this link no longer works: the desk withdrew it; a fresh link can be mailed "
                "to the ticket's contact"
            )
        if state is LinkState.EXPIRED:
            closed = closed_at(ticket) or self.clock()
            raise LinkGone(
                f"this link has expired: the ticket closed on {closed.date().isoformat()} "
                f"and its links work for {self.keep_after_close.days} days after that; a "
                "fresh link can be mailed to the ticket's contact"
            )
        return ticket

    def actor(
        self, ticket_id: str, *, token: str | None = None, authorization: str | None = None
    ) -> str:
        """Who acts as the ticket's customer, once allowed (see `ticket`): the signed-in contact
        (their colleagues and the desk see who answered), or "customer" (a link's holder)."""
        self.ticket(ticket_id, token=token, authorization=authorization)
        if session_token(authorization) is not None:
            return self.viewer(authorization).email
        return "customer"
