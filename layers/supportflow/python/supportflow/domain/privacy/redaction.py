"""Erasing a person's data from a ticket while its SLA history stays computable (AVG/GDPR).

What goes: who said it and what they said — addresses, names, phone numbers, free text
(subject, description, messages, notes, reports), file names, mail ids and the stored files and
raw mails they point to. What stays: every event's sequence, time and type, and its figures
(priority, metric, rung, due, minutes, amounts, channel, category, agents' ids), so every
deadline, verdict and report comes out the same. An address is replaced by a pseudonym
(`erased-<random>@erased.invalid`), the same one wherever one erasure meets it (a ticket's
contact and the contract's contact list stay equal), never derivable from the address.

Two depths:
- `whole`: the ticket is the person's (they filed it), or its retention period is over, or its
  customer's contract ended: every text of it goes, also the desk's answers and notes (they
  answer and quote the person), and every customer-side address on it is pseudonymised.
- otherwise: the ticket only mentions the person (they wrote on a colleague's ticket, were
  named in a note): their own events' texts go, and their address, name and phone number are
  taken out of every other text.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property
from typing import Any

from supportflow.domain.ticket.events import SYSTEM, LoggedEvent
from supportflow.domain.ticket.ticket import Ticket

ERASED = "[erased]"
PSEUDONYM_DOMAIN = "erased.invalid"
# What a person says or names in an event: its text goes whole.
TEXT_KEYS = frozenset({"message", "report", "caller", "phone", "name", "note", "text", "body"})
# References to what is stored elsewhere (mail ids, raw mails, files): they go, and the files
# they point to are deleted.
FILE_KEYS = frozenset({"attachments", "files"})
DROPPED_KEYS = frozenset({"message_id", "raw", "in_reply_to", "references"})
ERASED_EVENT = "personal_data_erased"
HOLD_EVENTS = ("legal_hold_set", "legal_hold_lifted")


def exports_of(address: str) -> str:
    """Where a person's export archives are kept (a day at most): under a hash of their
    address, so that an erasure finds and deletes them; nothing of the address in the key."""
    digest = hashlib.sha256(fold(address).encode()).hexdigest()[:32]
    return f"exports/{digest}/"


def is_pseudonym(address: str) -> bool:
    return address.casefold().endswith("@" + PSEUDONYM_DOMAIN)


def new_pseudonym() -> str:
    return f"erased-{secrets.token_hex(6)}@{PSEUDONYM_DOMAIN}"


def fold(address: str) -> str:
    return address.strip().casefold()


@dataclass
class Pseudonyms:
    """One pseudonym per address, for one erasure (random: nothing leads back)."""

    given: dict[str, str] = field(default_factory=dict)

    def of(self, address: str) -> str:
        if is_pseudonym(address):
            return address
        return self.given.setdefault(fold(address), new_pseudonym())


@dataclass(frozen=True)
class Person:
    """Whom an erasure or export is about: their addresses, and the names and phone numbers
    the desk holds of them (from phone tickets' callers), to be taken out of any text."""

    addresses: frozenset[str]
    names: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    texts: frozenset[str] = frozenset()  # what they wrote that the desk copied elsewhere

    @classmethod
    def of(cls, *addresses: str) -> Person:
        return cls(frozenset(fold(a) for a in addresses if a.strip()))

    def is_them(self, actor: str) -> bool:
        return fold(actor) in self.addresses

    def with_names(self, names: Iterable[str], phones: Iterable[str]) -> Person:
        """With these names (and each part of one: "Anna" of "Anna de Vries") and numbers."""
        found = set(self.names)
        for name in (n.strip() for n in names):
            if len(name) >= 3:
                found.add(name)
                found.update(part for part in re.split(r"[\s,]+", name) if len(part) >= 3)
        return replace(
            self,
            names=frozenset(found),
            phones=self.phones | {p.strip() for p in phones if len(_digits(p)) >= 6},
        )

    def with_texts(self, texts: Iterable[str]) -> Person:
        """With texts of theirs (their tickets' subjects) to take out of the desk's copies (a
        problem record's or an RCA task's subject names the incident's)."""
        return replace(self, texts=self.texts | {t for t in texts if len(t.strip()) >= 8})


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@dataclass(frozen=True)
class Scrubber:
    """Takes the given addresses, names and phone numbers out of any text."""

    addresses: frozenset[str]
    names: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    texts: frozenset[str] = frozenset()

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        parts = [re.escape(t) for t in sorted(self.texts, key=len, reverse=True)]
        parts += [re.escape(a) for a in sorted(self.addresses, key=len, reverse=True) if a]
        parts += [rf"\b{re.escape(n)}\b" for n in sorted(self.names, key=len, reverse=True)]
        for phone in self.phones:  # however it is spaced or dashed: +31 6 1234 5678
            digits = _digits(phone)
            if digits:
                parts.append(r"\+?" + r"[\s().-]*".join(re.escape(d) for d in digits))
        return re.compile("|".join(parts), re.IGNORECASE) if parts else None

    def text(self, value: str) -> str:
        pattern = self._pattern
        return pattern.sub(ERASED, value) if pattern else value

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        return value


@dataclass(frozen=True)
class ErasedTicket:
    """A ticket after erasure, and what it pointed to that must go too."""

    ticket: Ticket
    files: tuple[str, ...]  # attachment references and raw mails to delete
    changed: bool
    whole: bool  # every text of the ticket went (not only the person's part)


def customer_side(ticket: Ticket, contacts: Iterable[str] = ()) -> frozenset[str]:
    """The addresses on the ticket that are the customer's people (never the desk's agents):
    its contact, the contract's contacts, and whoever a mail came from."""
    known = {fold(ticket.contact_email)} | {fold(c) for c in contacts}
    found = {fold(ticket.contact_email)}
    for event in ticket.events:
        actor = fold(event.actor)
        customer = actor in known or event.data.get("message_id") or event.data.get("raw")
        if customer and actor not in (SYSTEM, "customer") and "@" in actor:
            found.add(actor)
    return frozenset(a for a in found if not is_pseudonym(a))


def erase_ticket(
    ticket: Ticket,
    person: Person | None,
    pseudonyms: Pseudonyms,
    *,
    contacts: Iterable[str] = (),
) -> ErasedTicket:
    """The ticket with `person`'s data erased (None: every person's, the whole ticket)."""
    whole = person is None or person.is_them(ticket.contact_email) or _own_desk_record(ticket)
    if person is not None and _own_desk_record(ticket):
        whole = False  # a problem record or RCA task is the desk's: only the person goes
    people = customer_side(ticket, contacts) if person is None else person.addresses
    names: set[str] = set(person.names if person else ())
    phones: set[str] = set(person.phones if person else ())
    opened = ticket.events[0].data if ticket.events else {}
    if whole:  # the caller of a phone ticket is the ticket's person
        names |= {str(opened["caller"])} if opened.get("caller") else set()
        phones |= {str(opened["phone"])} if opened.get("phone") else set()
    scrub = Scrubber(
        frozenset(people),
        frozenset(n for n in names if len(n) >= 3),
        frozenset(p for p in phones if len(_digits(p)) >= 6),
        # their words the desk copied into its own records (not a colleague's: their ticket)
        person.texts if person is not None and _own_desk_record(ticket) else frozenset(),
    )
    files: list[str] = []
    events = []
    for event in ticket.events:
        theirs = whole or fold(event.actor) in people
        events.append(_erase_event(event, theirs, people, pseudonyms, scrub, files))
    contact = ticket.contact_email
    if fold(contact) in people:
        contact = pseudonyms.of(contact)
    if whole:
        files.extend(ticket.attachments)
        attachments: list[str] = []
        subject, description = ERASED, ERASED
    else:
        gone = set(files)
        attachments = [a for a in ticket.attachments if a not in gone]
        subject, description = scrub.text(ticket.subject), scrub.text(ticket.description)
    erased = replace(
        ticket,
        subject=subject,
        description=description,
        contact_email=contact,
        attachments=attachments,
        failure=scrub.text(ticket.failure) if ticket.failure else ticket.failure,
        events=events,
        new_events=[],
    )
    changed = erased != replace(ticket, new_events=[]) or bool(files)
    return ErasedTicket(erased, tuple(dict.fromkeys(f for f in files if f)), changed, whole)


def _own_desk_record(ticket: Ticket) -> bool:
    """A problem record or an RCA task: the desk's own ticket, which only copies a subject."""
    return str(ticket.attributes.get("type", "")) in ("problem", "rca")


def _erase_event(
    event: LoggedEvent,
    theirs: bool,
    people: frozenset[str] | set[str],
    pseudonyms: Pseudonyms,
    scrub: Scrubber,
    files: list[str],
) -> LoggedEvent:
    data: dict[str, Any] = {}
    for key, value in event.data.items():
        if key in DROPPED_KEYS and theirs:
            if key == "raw" and isinstance(value, str):
                files.append(value)
            continue
        if key in FILE_KEYS and theirs:
            files.extend(str(v) for v in value or () if isinstance(v, str))
            data[key] = []
        elif key in TEXT_KEYS and theirs and isinstance(value, str):
            data[key] = ERASED
        else:
            data[key] = scrub.value(value)
    actor = event.actor
    if fold(actor) in people:
        actor = pseudonyms.of(actor)
    return replace(event, actor=actor, data=data)


def retained_since(events: Sequence[LoggedEvent]) -> datetime | None:
    """When a closed ticket's retention period began (it closed), or None once its personal
    data was erased whole since (or it never closed): what the retention run reads by."""
    for event in reversed(events):
        if event.type == ERASED_EVENT and event.data.get("whole"):
            return None
        if event.type == "closed":
            return event.at
    return None


def legal_hold(ticket: Ticket) -> dict[str, Any] | None:
    """The legal hold on the ticket, as its log says (None: none)."""
    hold = None
    for event in ticket.events:
        if event.type == "legal_hold_set":
            hold = {"reason": event.data.get("reason"), "by": event.actor, "at": event.at}
        elif event.type == "legal_hold_lifted":
            hold = None
    return hold


def erasures(ticket: Ticket) -> list[Mapping[str, Any]]:
    """The erasures recorded on the ticket (their ids and grounds; nothing erased)."""
    return [dict(e.data) for e in ticket.events if e.type == ERASED_EVENT]
