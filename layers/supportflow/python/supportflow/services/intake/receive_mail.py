"""A mail to the desk (R003-1 "e-mail is turned into a ticket automatically"; R000-1; R001-2).

A reply threads onto its ticket (our Message-ID in In-Reply-To/References, else `[T-...]` in the
subject) as the customer's message: on a paused ticket it resumes the clock, on a resolved one it
reopens it when the policy says so. A new mail from a customer's known contact opens a ticket on
that customer's contract (channel `email`). Machines (auto-replies, bounces, lists) are never
answered and never open tickets; mail from a sender no contract knows, or that the receiving
service distrusts, is held for an agent to verify, never dropped. The same mail delivered twice
does one thing.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Literal

from pydantic import ValidationError

from supportflow.contracts.contract import Contract
from supportflow.contracts.directory import ContractDirectory
from supportflow.domain.ticket.conversation import ticket_in_reply
from supportflow.domain.ticket.routing import ActionError, Stage
from supportflow.domain.ticket.ticket import Ticket
from supportflow.services.desk.record_action import RecordAction
from supportflow.services.intake.authority import classify, judge
from supportflow.services.intake.filing import MailFiling, NewTicket
from supportflow.services.intake.open_ticket import OpenTicket
from supportflow.services.mail.inbound import InboundMail, parse
from supportflow.services.ports.external import MailStore
from supportflow.services.ports.stores import Filings, HeldFiling
from supportflow.services.ports.tickets import Clock, TicketNotFound, Tickets

log = logging.getLogger(__name__)
Outcome = Literal["opened", "threaded", "held", "ignored", "repeat"]
NO_TEXT = "(no text; see the attachments)"


@dataclass(frozen=True)
class Received:
    outcome: Outcome
    ticket_id: str | None = None
    filing_id: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class ReceiveMail:
    contracts: ContractDirectory
    tickets: Tickets
    open_ticket: OpenTicket
    record_action: RecordAction
    filings: Filings
    store: MailStore
    clock: Clock
    desk_domains: frozenset[str] = frozenset()

    def __call__(self, key: str) -> Received:
        raw = self.store.raw(key)
        mail = parse(raw)
        mail_id = mail.message_id or f"<{hashlib.sha256(raw).hexdigest()[:32]}@unknown>"
        if mail.automatic:
            log.info("machine mail ignored", extra={"reason": mail.automatic})
            return Received("ignored", reason=mail.automatic)
        domains = self.desk_domains | self.contracts.desk_domains()
        if mail.sender.rsplit("@", 1)[-1].casefold() in domains:
            return Received("ignored", reason="sent by the desk itself (a loop)")
        if mail.suspicious:
            return self._hold(mail, mail_id, key, None, mail.suspicious)
        ticket_id = ticket_in_reply(mail.in_reply_to, mail.references, mail.subject, domains)
        if ticket_id is not None:
            threaded = self._thread(ticket_id, mail, mail_id, key)
            if threaded is not None:
                return threaded
        contract = self.contracts.of_contact(mail.sender)
        if contract is None:
            guess = self.contracts.of_domain(mail.sender)
            return self._hold(mail, mail_id, key, guess, "the sender is not a known contact")
        return self._open(contract, mail, mail_id, key)

    # ----- a reply ----------------------------------------------------------------------------

    def _thread(self, ticket_id: str, mail: InboundMail, mail_id: str, key: str) -> Received | None:
        try:
            ticket = self.tickets.get(ticket_id)
        except TicketNotFound:
            return None  # a stale or made-up reference: read it as a new mail
        contract = self.contracts.find(ticket.customer_id)
        if contract is None or not _may_write(ticket, contract, mail.sender):
            return self._hold(mail, mail_id, key, contract, f"not a contact of {ticket_id}")
        if ticket.stage == Stage.CLOSED:  # a closed ticket takes no more: a new one, linked
            return self._open(contract, mail, mail_id, key, follow_up=ticket_id)
        files = self._keep_attachments(mail, mail_id)
        data = {"message": mail.text or NO_TEXT, "message_id": mail_id, "raw": key}
        if files:
            data["attachments"] = list(files)  # type: ignore[assignment]
        try:
            self.record_action(
                ticket_id, "customer_message", actor=mail.sender, role="customer", data=data
            )
        except ActionError:
            return self._open(contract, mail, mail_id, key, follow_up=ticket_id)
        return Received("threaded", ticket_id)

    # ----- a new conversation -----------------------------------------------------------------

    def _open(
        self,
        contract: Contract,
        mail: InboundMail,
        mail_id: str,
        key: str,
        follow_up: str | None = None,
    ) -> Received:
        text = mail.text or NO_TEXT
        if follow_up:
            text = f"(a reply to the closed ticket {follow_up})\n\n{text}"
        policy = self.open_ticket.deadlines.policies.get(contract.policy, self.clock())
        category = classify(policy, mail.subject, mail.text)
        try:
            form = NewTicket(
                customer=contract.customer_id,
                contact_email=mail.sender,
                subject=mail.subject or "(no subject)",
                description=text,
                channel="email",
                category=category,
            )
        except ValidationError as exc:
            reason = "; ".join(str(e["msg"]) for e in exc.errors())[:300]
            return self._hold(mail, mail_id, key, contract, f"cannot be read as a ticket: {reason}")
        verdict = judge(
            policy,
            contract,
            category=category,
            channel="email",
            sender=mail.sender,
            sender_verified=True,  # SES checked SPF/DKIM; a failed verdict was held above
            with_form_key=False,
        )
        if verdict.decision == "hold":
            return self._hold(mail, mail_id, key, contract, verdict.reason, category)
        files = self._keep_attachments(mail, mail_id)
        filed = MailFiling(form, f"mail:{mail_id}", mail_id=mail_id, stored=files, raw=key)
        opened = self.open_ticket.open(filed, contract, self.clock())
        outcome: Outcome = "opened" if opened.created else "repeat"
        return Received(outcome, opened.ticket.ticket_id)

    def _keep_attachments(self, mail: InboundMail, mail_id: str) -> tuple[str, ...]:
        folder = hashlib.sha256(mail_id.encode()).hexdigest()[:24]
        return tuple(
            self.store.keep(f"attachments/{folder}/{n}-{a.name}", a.data, a.content_type)
            for n, a in enumerate(mail.attachments, start=1)
        )

    # ----- held for an agent ------------------------------------------------------------------

    def _hold(
        self,
        mail: InboundMail,
        mail_id: str,
        key: str,
        contract: Contract | None,
        reason: str,
        category: str | None = None,
    ) -> Received:
        filing_id = "F-" + hashlib.sha256(f"mail|{mail_id}".encode()).hexdigest()[:10].upper()
        form = {
            "customer": contract.customer_id if contract else "unknown",
            "contact_email": mail.sender,
            "subject": mail.subject or "(no subject)",
            "description": mail.text or NO_TEXT,
            "channel": "email",
            **({"category": category} if category else {}),
        }
        extra = {"reason": reason, "raw": key, "message_id": mail_id}
        self.filings.hold(HeldFiling(filing_id, self.clock(), {**form, "held": extra}, None))
        log.info("mail held", extra={"filing_id": filing_id, "reason": reason})
        return Received("held", filing_id=filing_id, reason=reason)


def _may_write(ticket: Ticket, contract: Contract, sender: str) -> bool:
    """The ticket's own contact, or anyone the customer's contract knows."""
    return sender.casefold() == ticket.contact_email.casefold() or contract.knows(sender)
