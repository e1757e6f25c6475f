"""Erasure (AVG/GDPR art. 17): one person's data, one customer's (its contract ended), or one
ticket's (its retention period is over), everywhere the desk keeps it:

- each ticket's record and every event of its log (domain/privacy/redaction.py: what goes, what
  stays so every deadline, verdict and report comes out the same), its pending mails dropped;
- the files and raw mails those point to, in the mail bucket;
- the search index's entries for the erased words (kept again right away; the table's stream
  keeps it too);
- held filings from the person (or for the customer), portal sign-in codes mailed to them;
- the contract's contact lists: the address becomes the same pseudonym the tickets got, in every
  stored version (the one exception to contracts' history never being rewritten);
- copies of sent mail the desk keeps (the local outbox).

A ticket under a legal hold is left alone and named in the record. Each erasure is recorded
(ErasureRecord: who asked, who did it, when, on what ground, what it touched) without the data.
Repeating an erasure is harmless: it finds nothing more to erase. A ticket that changes while it
is being erased is erased again from what it is then."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from email import policy
from email.parser import BytesParser
from email.utils import parseaddr
from typing import Any

from supportflow.contracts.contract import people_of
from supportflow.contracts.directory import ContractDirectory
from supportflow.domain.billing.bookings import Booking
from supportflow.domain.privacy.redaction import (
    ERASED,
    ERASED_EVENT,
    Person,
    Pseudonyms,
    Scrubber,
    erase_ticket,
    exports_of,
    legal_hold,
)
from supportflow.domain.ticket.events import SYSTEM
from supportflow.domain.ticket.ticket import Ticket
from supportflow.services.desk.search import KeepSearchWords
from supportflow.services.ports.external import MailStore
from supportflow.services.ports.portal import SignInCodes
from supportflow.services.ports.privacy import ErasureLog, ErasureRecord, KeptMail
from supportflow.services.ports.stores import BookingStore, ContractStore, Filings
from supportflow.services.ports.tickets import (
    Clock,
    ConcurrentUpdate,
    TicketNotFound,
    Tickets,
)
from supportflow.services.privacy.locate import FindPerson

log = logging.getLogger(__name__)
TRIES = 5
MARGIN_S = 3.0  # stop between tickets with this much time left (the record is still written)
TimeLeft = Callable[[], float]


def _ample() -> float:
    return float("inf")


class NothingToErase(LookupError):
    """No such customer or ticket (API 404)."""


@dataclass
class _Tally:
    tickets: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)
    deleted: set[str] = field(default_factory=set)  # files and raw mails deleted
    archives: int = 0  # export archives deleted
    words: set[str] = field(default_factory=set)  # for the kept mail: what names the erased
    complete: bool = True  # False: out of time; the same erasure again goes on

    @property
    def files(self) -> int:
        return len(self.deleted) + self.archives


@dataclass(frozen=True)
class ErasePersonalData:
    find: FindPerson
    tickets: Tickets
    files: MailStore
    filings: Filings
    sign_ins: SignInCodes
    contract_store: ContractStore
    bookings: BookingStore
    search: KeepSearchWords
    log: ErasureLog
    clock: Clock
    contracts: Callable[[], ContractDirectory]
    kept_mail: KeptMail | None = None

    # ----- the three scopes ---------------------------------------------------------------------

    def person(
        self,
        address: str,
        *,
        ground: str,
        requested_by: str,
        by: str,
        names: Iterable[str] = (),
        phones: Iterable[str] = (),
        time_left: TimeLeft = _ample,
    ) -> ErasureRecord:
        """Everything of one person: the tickets they filed whole, their part of others. Out
        of time (`time_left`, in seconds), it stops between two tickets: the record says it is
        not complete, and the same erasure again goes on."""
        person = Person.of(address).with_names(names, phones)
        found = self.find.tickets_of(person)
        # a phone ticket of theirs names them as its caller: take that out of the others too
        callers = [t.events[0].data for t in found if person.is_them(t.contact_email) and t.events]
        person = person.with_names(
            [str(d["caller"]) for d in callers if d.get("caller")]
            + self._mail_names(found, person),
            [str(d["phone"]) for d in callers if d.get("phone")],
        ).with_texts(t.subject for t in found if person.is_them(t.contact_email))
        erasure_id, pseudonyms, tally = _new_id(), Pseudonyms(), _Tally()
        scrub = Scrubber(person.addresses, person.names, person.phones)
        ground, requested_by = scrub.text(ground), scrub.text(requested_by)
        for ticket in found:
            if time_left() < MARGIN_S:
                tally.complete = False
                break
            self._ticket(
                ticket.ticket_id, person, pseudonyms, erasure_id, ground, tally, read=ticket
            )
        tally.words |= set(person.addresses) | set(person.names) | set(person.phones)
        if not tally.complete:  # the contract keeps naming them: the next run finds the rest
            return self._record(erasure_id, "person", ground, requested_by, by, tally)
        filings = self._filings(lambda form: person.is_them(str(form.get("contact_email", ""))))
        sign_ins = sum(self.sign_ins.forget(a) for a in person.addresses)
        customers = self.find.customers_of(person)
        contracts = self._contracts(customers, person, pseudonyms)
        bookings = self._bookings(customers, scrub, whole=False)
        tally.archives += sum(self.files.delete_under(exports_of(a)) for a in person.addresses)
        return self._record(
            erasure_id, "person", ground, requested_by, by, tally,
            filings=filings, sign_ins=sign_ins, contracts=contracts, bookings=bookings,
        )  # fmt: skip

    def customer(
        self,
        customer_id: str,
        *,
        ground: str,
        requested_by: str,
        by: str,
        time_left: TimeLeft = _ample,
    ) -> ErasureRecord:
        """Every person's data of one customer (its contract ended): each ticket whole, its held
        filings, its contacts pseudonymised in the contract, the bookings' subjects. Out of
        time, as `person`."""
        contract = self.contracts().find(customer_id)
        if contract is None:
            raise NothingToErase(f"no contract for customer {customer_id!r}")
        erasure_id, pseudonyms, tally = _new_id(), Pseudonyms(), _Tally()
        people = people_of(contract)
        for ticket_id in self.find.customer_ids(customer_id):
            if time_left() < MARGIN_S:
                tally.complete = False
                break
            self._ticket(ticket_id, None, pseudonyms, erasure_id, ground, tally, people)
        if not tally.complete:
            tally.words |= people
            return self._record(
                erasure_id, "customer", ground, requested_by, by, tally, customer_id=customer_id
            )
        filings = self._filings(lambda form: form.get("customer") == customer_id)
        sign_ins = sum(self.sign_ins.forget(a) for a in people)
        everyone = Person(frozenset(people | set(pseudonyms.given)))
        contracts = self._contracts([customer_id], everyone, pseudonyms)
        bookings = self._bookings([customer_id], Scrubber(frozenset()), whole=True)
        tally.archives += sum(self.files.delete_under(exports_of(a)) for a in people)
        tally.words |= everyone.addresses
        return self._record(
            erasure_id, "customer", ground, requested_by, by, tally, customer_id=customer_id,
            filings=filings, sign_ins=sign_ins, contracts=contracts, bookings=bookings,
        )  # fmt: skip

    def ticket(self, ticket_id: str, *, ground: str, requested_by: str, by: str) -> ErasureRecord:
        """One ticket's personal data, whole (its retention period is over)."""
        try:
            ticket = self.tickets.get(ticket_id)
        except TicketNotFound:
            raise NothingToErase(f"no ticket {ticket_id}") from None
        contract = self.contracts().find(ticket.customer_id)
        people = people_of(contract) if contract else set()
        erasure_id, tally = _new_id(), _Tally()
        self._ticket(ticket_id, None, Pseudonyms(), erasure_id, ground, tally, people)
        return self._record(erasure_id, "ticket", ground, requested_by, by, tally)

    # ----- the parts ----------------------------------------------------------------------------

    def _mail_names(self, found: Iterable[Ticket], person: Person) -> list[str]:
        """The name their mails came under ("Anna de Vries <anna@...>"): taken out of texts too."""
        names = []
        for ticket in found:
            for event in ticket.events:
                raw = event.data.get("raw")
                if not (isinstance(raw, str) and person.is_them(event.actor)):
                    continue
                data = self.files.fetch(raw)
                if data is None:
                    continue
                header = BytesParser(policy=policy.default).parsebytes(data, headersonly=True)
                name, _ = parseaddr(str(header.get("From") or ""))
                if name.strip() and "@" not in name:
                    names.append(name.strip())
        return names

    def _ticket(
        self,
        ticket_id: str,
        person: Person | None,
        pseudonyms: Pseudonyms,
        erasure_id: str,
        ground: str,
        tally: _Tally,
        contacts: Iterable[str] = (),
        read: Ticket | None = None,
    ) -> None:
        """Erase one ticket; `read`: the ticket as the caller just read it (the first attempt
        uses it, a retry after a concurrent change reads it again)."""
        contacts = list(contacts)
        for _ in range(TRIES):
            try:
                ticket, read = read or self.tickets.get(ticket_id), None
            except TicketNotFound:
                return
            if legal_hold(ticket) is not None:
                tally.held.append(ticket_id)
                return
            erased = erase_ticket(ticket, person, pseudonyms, contacts=contacts)
            if not erased.changed:
                return  # nothing (more) of theirs: erased before, or never there
            # the files first: once the ticket no longer names them, nothing would find them
            # again if this run stopped here (deleting what is gone already is no error)
            for reference in erased.files:
                if reference not in tally.deleted and self.files.delete(reference):
                    tally.deleted.add(reference)
            done = erased.ticket
            data: dict[str, Any] = {"erasure": erasure_id, "ground": ground, "whole": erased.whole}
            done.log(ERASED_EVENT, SYSTEM, data, self.clock())
            try:
                saved = self.tickets.rewrite(ticket, done)
            except ConcurrentUpdate:
                continue  # it changed meanwhile: erase what it is now
            break
        else:
            raise ConcurrentUpdate(f"ticket {ticket_id} kept changing; erase it again")
        self.search.keep(saved)
        tally.tickets.append(ticket_id)
        if erased.whole:  # every kept mail about it goes (a colleague's ticket's stay)
            tally.words.add(ticket_id)
        log.info("personal data erased", extra={"ticket_id": ticket_id, "erasure": erasure_id})

    def _filings(self, theirs: Callable[[dict[str, Any]], bool]) -> int:
        taken = 0
        for filing in self.filings.held(limit=1000):
            if theirs(dict(filing.form)) and self.filings.take(filing.filing_id) is not None:
                taken += 1
                held = filing.form.get("held") or {}
                for reference in (held.get("raw"), *(filing.form.get("uploads") or ())):
                    if isinstance(reference, str) and reference:
                        self.files.delete(reference)
        return taken

    def _contracts(self, customers: Sequence[str], person: Person, pseudonyms: Pseudonyms) -> int:
        changed = 0
        for customer_id in customers:
            mapping = {a: pseudonyms.of(a) for a in person.addresses}
            changed += self.contract_store.pseudonymise(customer_id, mapping)
        return changed

    def _bookings(self, customers: Sequence[str], scrub: Scrubber, *, whole: bool) -> int:
        changed = 0
        for customer_id in customers:
            for booking in self.bookings.of_customer(customer_id):
                subject = ERASED if whole else scrub.text(booking.subject or "")
                if subject == (booking.subject or ""):
                    continue
                if self.bookings.replace(customer_id, _with_subject(booking, subject)):
                    changed += 1
        return changed

    def _record(
        self,
        erasure_id: str,
        scope: str,
        ground: str,
        requested_by: str,
        by: str,
        tally: _Tally,
        **counts: Any,
    ) -> ErasureRecord:
        mails = self.kept_mail.forget(sorted(tally.words)) if self.kept_mail else 0
        record = ErasureRecord(
            erasure_id=erasure_id,
            at=self.clock(),
            scope=scope,
            ground=ground,
            requested_by=requested_by,
            done_by=by,
            tickets=tuple(tally.tickets),
            held=tuple(tally.held),
            files=tally.files,
            complete=tally.complete,
            mails=mails,
            **counts,
        )
        self.log.record(record)
        return record


def _new_id() -> str:
    return "E-" + secrets.token_hex(5).upper()


def _with_subject(booking: Booking, subject: str) -> Booking:
    return replace(booking, subject=subject, version=booking.version + 1)
