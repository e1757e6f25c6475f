"""What the customer hears from the desk: the confirmation when a ticket opens and a mail for
every public step after it (an answer, a question, the resolution with its confirm/reopen link,
a reopen, the close; R003-3, R002-1), in the contract's language and local time, threaded under
the ticket's conversation, and copied to an authorised contact where the policy says so (R001-4).
Internal notes, hand-overs and escalations never reach the customer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from supportflow.contracts.contract import Contract
from supportflow.contracts.directory import ContractDirectory
from supportflow.domain.review.problems import PROBLEM
from supportflow.domain.ticket import conversation
from supportflow.domain.ticket.events import LoggedEvent
from supportflow.domain.ticket.links import link_version
from supportflow.domain.ticket.ticket import Ticket
from supportflow.services.mail import compose as mail
from supportflow.services.mail.tokens import CustomerTokens, Links
from supportflow.services.outbox.effects import SendMail
from supportflow.services.sla.deadlines import Deadlines


@dataclass(frozen=True)
class CustomerMail:
    contracts: ContractDirectory
    deadlines: Deadlines
    tokens: CustomerTokens
    links: Links

    def confirmation(
        self, ticket: Ticket, contract: Contract, token: str, *, echo: bool = True
    ) -> SendMail:
        """The receipt; `echo`: it may repeat the filer's subject (a proven filer only)."""
        state = self.deadlines.state(ticket, ticket.opened_at)
        domain = mail.domain_of(contract.desk_address)
        message = mail.confirmation(
            language=contract.language,
            sender=contract.desk_address,
            recipient=ticket.contact_email,
            ticket_id=ticket.ticket_id,
            subject=ticket.subject if echo else None,
            response_due=state.metrics["response"].due,
            link=self.links.customer(ticket.ticket_id, token),
            thread=conversation.thread(ticket.ticket_id, ticket.events, domain),
            date=self._local(ticket, ticket.opened_at),
        )
        return SendMail(
            ticket.ticket_id, "mail:confirmation", message.as_bytes(), ticket.contact_email
        )

    def for_event(self, ticket: Ticket, event: LoggedEvent, role: str) -> SendMail | None:
        """The customer's mail for this event, or None (internal, or the customer's own doing)."""
        kind = conversation.update_for(event, role)
        if kind is None or ticket.attributes.get("type") == PROBLEM:  # R004-8: the desk's own
            return None
        contract = self.contracts.get(ticket.customer_id)
        domain = mail.domain_of(contract.desk_address)
        earlier = [e for e in ticket.events if e.seq < event.seq]
        key = f"{kind}.{event.seq}"
        step = mail.Update(
            kind=kind,
            key=key,
            message=_text(event),
            link=self.links.customer(ticket.ticket_id, self.token_of(ticket)),
            thread=conversation.thread(ticket.ticket_id, earlier, domain),
        )
        message = mail.update(
            language=contract.language,
            sender=contract.desk_address,
            recipient=ticket.contact_email,
            cc=self.copies(ticket, contract),
            ticket_id=ticket.ticket_id,
            subject=ticket.subject,
            step=step,
            date=self._local(ticket, event.at),
        )
        return SendMail(ticket.ticket_id, f"mail:{key}", message.as_bytes(), ticket.contact_email)

    def token_of(self, ticket: Ticket) -> str:
        """The token of the ticket's links as they stand (after a withdrawal, the next version)."""
        return self.tokens.sign(ticket.ticket_id, link_version(ticket))

    def copies(self, ticket: Ticket, contract: Contract) -> tuple[str, ...]:
        """R001-4: answers to someone who is not an authorised contact are copied to one."""
        if not self.deadlines.policy(ticket).conversation.copy_to_authorised:
            return ()
        authorised = [c for c in contract.contacts]
        if not authorised or ticket.contact_email.casefold() in {a.casefold() for a in authorised}:
            return ()
        return (authorised[0],)

    def _local(self, ticket: Ticket, at: datetime) -> datetime:
        return at.astimezone(self.deadlines.policy(ticket).calendar().zone)


def _text(event: LoggedEvent) -> str | None:
    value = event.data.get("message") or event.data.get("reason")
    return str(value) if value else None
