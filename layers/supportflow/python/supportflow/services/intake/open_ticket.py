"""Opening a ticket: a filing by any channel (filing.py), stored once per
idempotency key with its first event, its workflow started and a confirmation mailed (R002-1)."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from supportflow.contracts.contract import Contract
from supportflow.contracts.directory import ContractDirectory
from supportflow.domain.billing.assessment import judged_attributes
from supportflow.domain.billing.entitlements import (
    Flag,
    Terms,
    downgrade,
    needs_history,
    opening_flags,
)
from supportflow.domain.policy.policy import Policy
from supportflow.domain.policy.priority_rules import TicketAttributes
from supportflow.domain.sla.priority import decide_priority
from supportflow.domain.ticket.events import SYSTEM
from supportflow.domain.ticket.ticket import Ticket
from supportflow.domain.ticket.uploads import UploadRefused
from supportflow.services.billing.entitlements import Ledger
from supportflow.services.desk.notices import on_call_notice
from supportflow.services.intake.authority import judge
from supportflow.services.intake.filing import Filing, NewTicket
from supportflow.services.intake.uploads import Uploads
from supportflow.services.mail.conversation import CustomerMail
from supportflow.services.mail.tokens import CustomerTokens, Links
from supportflow.services.outbox.effects import StartWorkflow
from supportflow.services.ports.outbox import Effect
from supportflow.services.ports.stores import Filings, HeldFiling, MailQuota
from supportflow.services.ports.tickets import Clock, IntakeKey, Tickets
from supportflow.services.sla.deadlines import Deadlines

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Held:
    """A filing kept for an agent to verify (see OpenTicket)."""

    filing_id: str


@dataclass(frozen=True)
class Opened:
    """A new ticket (with the customer's token), or the ticket this filing repeats (without:
    whoever repeats a key or content gets only the id; the link went to the contact by mail)."""

    ticket: Ticket
    created: bool
    customer_token: str | None
    status_url: str | None
    effects: tuple[Effect, ...]


def authorised(contract: Contract, form: NewTicket) -> bool:
    """From one of the contract's known contacts, or with one of its form keys."""
    return contract.knows(form.contact_email) or with_form_key(contract, form)


def with_form_key(contract: Contract, form: NewTicket) -> bool:
    if not form.form_key:
        return False
    given = hashlib.sha256(form.form_key.encode()).hexdigest().encode()
    return any(hmac.compare_digest(given, known.encode()) for known in contract.form_keys)


KEY_HOLDS = timedelta(hours=24)  # an Idempotency-Key
CONTENT_HOLDS = timedelta(minutes=10)  # the same content without a key


def new_ticket_id() -> str:
    return f"T-{secrets.token_hex(5).upper()}"


def intake_key(form: NewTicket, idempotency_key: str | None, now: datetime) -> IntakeKey:
    """What makes this filing the same as an earlier one (see IntakeKey)."""
    content = json.dumps(form.model_dump(exclude={"fingerprint", "form_key"}), sort_keys=True)
    fingerprint = hashlib.sha256(content.encode()).hexdigest()
    if idempotency_key:
        return IntakeKey(f"key|{form.customer}|{idempotency_key}", fingerprint, now + KEY_HOLDS)
    if form.channel == "monitoring":  # an alert: the same alert while its ticket is open
        alert = form.fingerprint or form.subject
        return IntakeKey(f"alert|{form.customer}|{alert}", "alert", None)
    return IntakeKey(f"content|{form.customer}|{fingerprint}", fingerprint, now + CONTENT_HOLDS)


@dataclass(frozen=True)
class OpenTicket:
    contracts: ContractDirectory
    deadlines: Deadlines
    tokens: CustomerTokens
    links: Links
    tickets: Tickets
    filings: Filings
    quota: MailQuota
    clock: Clock
    mails: CustomerMail
    mails_per_hour: int = 20  # confirmations per customer per hour; then the ticket is quiet
    new_id: Callable[[], str] = new_ticket_id
    ledger: Ledger | None = None
    uploads: Uploads | None = None  # the files a filing names (checked before it opens)

    def __call__(self, form: NewTicket, idempotency_key: str | None) -> Opened | Held:
        """A filing from a known contact (or with the customer's form key) opens a ticket; any
        other, and any for a customer the desk does not know, is held for an agent, unanswered
        (the two look alike to the sender)."""
        now = self.clock()
        if form.customer is None:  # the customer is the one whose contract knows the address
            known = self.contracts.of_contact(form.contact_email)
            form = form.model_copy(update={"customer": known.customer_id if known else "unknown"})
        contract = self.contracts.find(str(form.customer))
        if contract is None or not authorised(contract, form):
            return self._hold(form, idempotency_key, now)
        verdict = judge(
            self.deadlines.policies.get(contract.policy, now),
            contract,
            category=form.category,
            channel=form.channel,
            sender=form.contact_email,
            sender_verified=False,  # a form's address is only claimed
            with_form_key=with_form_key(contract, form),
        )
        if verdict.decision == "hold":
            return self._hold(form, idempotency_key, now, verdict.reason)
        return self.open(Filing(form, idempotency_key), contract, now)

    def _uploaded(self, keys: Sequence[str]) -> tuple[str, ...]:
        """The references of the files a filing names, once checked (UploadRefused: 422)."""
        if not keys:
            return ()
        if self.uploads is None:
            raise UploadRefused("this desk takes no uploads")
        return self.uploads.verify(keys)

    def _judge(
        self,
        ticket: Ticket,
        policy: Policy,
        terms: Terms,
        attributes: TicketAttributes,
        decided: str | None,
        contact: str,
    ) -> None:
        """Log the entitlement flags of a new ticket (R000-5, R000-6, R001-4, R001-5, R004-1:
        flagged, never refused), lowering its priority first where R001-4 says so. The
        organisation's ledger is read only when a rule of the pack needs it."""
        opened_at = ticket.opened_at
        flags: list[Flag] = []
        lowered = downgrade(policy, terms, decided, contact)
        if lowered is not None:
            ticket.set_priority(lowered[0], lowered[1].reason, opened_at)
            flags.append(lowered[1])
        priority = self.deadlines.state(ticket, opened_at).priority
        history = []
        if self.ledger is not None and needs_history(policy, priority):
            history = self.ledger.history(ticket.customer_id, opened_at)
            average = self.ledger.average(policy, self.contracts, opened_at)
            terms = replace(terms, average_tickets_per_org=average)
        flags += opening_flags(policy, terms, attributes, priority, opened_at, history)
        for flag in flags:
            ticket.log("entitlement_flagged", SYSTEM, flag.as_dict(), opened_at)

    def _confirmation(
        self, ticket: Ticket, contract: Contract, token: str, now: datetime, echo: bool
    ) -> tuple[Effect, ...]:
        if self.quota.take(contract.customer_id, now, self.mails_per_hour):
            return (self.mails.confirmation(ticket, contract, token, echo=echo),)
        # a flood from one customer: the desk sees every ticket, the mailbox does not
        log.warning("confirmation withheld", extra={"customer": contract.customer_id})
        return ()

    def _hold(
        self, form: NewTicket, idempotency_key: str | None, now: datetime, reason: str = ""
    ) -> Held:
        key = intake_key(form, idempotency_key, now)
        filing_id = "F-" + hashlib.sha256(key.value.encode()).hexdigest()[:10].upper()
        held = form.model_dump(exclude={"form_key"})
        if reason:
            held["held"] = {"reason": reason}
        self.filings.hold(HeldFiling(filing_id, now, held, idempotency_key))
        return Held(filing_id)

    def open(self, filing: Filing, contract: Contract, now: datetime) -> Opened:
        """One ticket, one execution, one mail per filing: a repeat (see `Filing`) gives the
        ticket it repeats. The ticket is judged and charged by the contract version in force at
        its opening (and that version's pack); what its channel adds comes from the filing."""
        form = filing.form
        details, opened_at = filing.first_event(now)
        key = intake_key(form, filing.idempotency_key, now)
        repeat = self.tickets.repeat_of(key, now)
        if repeat is not None:  # the common repeat, answered before anything is counted
            return Opened(repeat, False, None, None, ())
        uploaded = self._uploaded(form.uploads)
        version = self.contracts.as_of(contract.customer_id, opened_at)
        judged = version.contract
        policy = self.deadlines.policies.get(judged.policy, opened_at, judged.policy_version)
        terms = judged.terms()
        attributes = judged_attributes(policy, terms, form.attributes(), opened_at)
        decided = decide_priority(policy, attributes)  # unknown values: TicketError
        ticket = Ticket.open(
            ticket_id=self.new_id(),
            customer_id=contract.customer_id,
            policy_id=policy.id,
            policy_version=policy.version,
            contract_version=version.version,
            attributes=attributes.model_dump(exclude={"opened_during"}, exclude_none=True),
            subject=form.subject,
            description=form.description,
            contact_email=form.contact_email,
            attachments=[*form.attachments, *filing.files, *uploaded],
            channel=form.channel,
            at=opened_at,
            details=details,
            actor=filing.actor,
        )
        self._judge(ticket, policy, terms, attributes, decided.priority, form.contact_email)
        told = on_call_notice(ticket, judged, policy, decided.priority, self.links)
        return self._store(ticket, filing, key, contract, now, told)

    def _store(
        self,
        ticket: Ticket,
        filing: Filing,
        key: IntakeKey,
        contract: Contract,
        now: datetime,
        told: tuple[Effect, ...] = (),
    ) -> Opened:
        token = self.tokens.sign(ticket.ticket_id)
        effects = (StartWorkflow(ticket.ticket_id), *told, *filing.linked(ticket.ticket_id))
        if filing.confirmed:  # a record of the desk's own mails the customer nothing
            effects += self._confirmation(ticket, contract, token, now, filing.proven)
        stored, created = self.tickets.add(ticket, key, effects, now)
        if not created:
            return Opened(stored, False, None, None, ())
        return Opened(stored, True, token, self.links.customer(stored.ticket_id, token), effects)
