"""Export (AVG/GDPR art. 15 and 20): everything the desk holds about one person, as one archive:
`export.json` (their tickets, their messages and what the desk answered them, the files named,
held filings, the contracts that list them) and the files themselves (attachments, raw mails).

Nobody else's data goes with it: on a ticket they filed, a colleague's messages are named by
their time and kind only; on a colleague's ticket, only their own messages. The desk's agents
appear as "desk" (their own identities are the desk's business). Found from indexes only
(locate.py): a large desk exports one person in the time a few queries take."""

from __future__ import annotations

import io
import json
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from supportflow.contracts.contract import people_of
from supportflow.contracts.directory import ContractDirectory
from supportflow.domain.common.timeutil import format_instant
from supportflow.domain.privacy.redaction import Person, customer_side, fold
from supportflow.domain.ticket.events import SYSTEM
from supportflow.domain.ticket.ticket import Ticket
from supportflow.services.ports.external import MailStore
from supportflow.services.ports.stores import BookingStore, Filings
from supportflow.services.ports.tickets import Clock
from supportflow.services.privacy.locate import FindPerson

MAX_FILE = 60 * 1024 * 1024  # the largest upload (a 50 MB video) with room
MARGIN_S = 5.0  # stop reading tickets with this much time left (the archive is still written)
PERSONAL_KEYS = ("message", "report", "caller", "phone")


@dataclass
class Export:
    document: dict[str, Any]
    files: list[tuple[str, bytes]] = field(default_factory=list)
    placed: dict[str, str] = field(default_factory=dict)  # reference -> its name in the archive

    def archive(self) -> bytes:
        """One zip: export.json and the files (fixed times: the same data, the same bytes)."""
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            text = json.dumps(self.document, indent=2, ensure_ascii=False, sort_keys=True)
            archive.writestr(zipfile.ZipInfo("export.json", (2000, 1, 1, 0, 0, 0)), text)
            for name, data in self.files:
                archive.writestr(zipfile.ZipInfo(name, (2000, 1, 1, 0, 0, 0)), data)
        return out.getvalue()


def _safe(name: str) -> str:
    base = posixpath.basename(name.split("?", 1)[0]) or "file"
    return re.sub(r"[^\w.\-]+", "_", base)[:100]


@dataclass(frozen=True)
class ExportPersonalData:
    find: FindPerson
    files: MailStore
    filings: Filings
    clock: Clock
    contracts: Callable[[], ContractDirectory]
    bookings: BookingStore | None = None

    def __call__(
        self,
        address: str,
        *,
        by: str,
        names: Iterable[str] = (),
        phones: Iterable[str] = (),
        time_left: Callable[[], float] = lambda: float("inf"),
    ) -> Export:
        """The export; out of time (`time_left`, seconds) it holds the tickets read so far and
        says it is not complete (`complete: false`, `missing`: the ticket ids left out)."""
        person = Person.of(address).with_names(names, phones)
        export = Export({})
        found = self.find.tickets_of(person)
        tickets, missing = [], []
        for ticket in found:
            if time_left() < MARGIN_S:
                missing.append(ticket.ticket_id)
                continue
            tickets.append(self._ticket(ticket, person, export))
        directory = self.contracts()
        listed = []
        for contract in directory.all():
            if person.addresses & people_of(contract):
                authorised = any(fold(c) in person.addresses for c in contract.contacts)
                role = "authorised contact" if authorised else "known contact"
                listed.append({"customer": contract.name, "listed_as": role})
        held = [
            {
                "received_at": format_instant(f.received_at),
                "subject": f.form.get("subject"),
                "description": f.form.get("description"),
                "links": list(f.form.get("attachments") or ()),
            }
            for f in self.filings.held(limit=1000)
            if person.is_them(str(f.form.get("contact_email", "")))
        ]
        export.document = {
            "person": sorted(person.addresses),
            "exported_at": format_instant(self.clock()),
            "exported_by": by,
            "what": "Everything this support desk holds about you: the tickets you filed and "
            "their conversations, your messages on colleagues' tickets, the files you sent, "
            "filings waiting for the desk, and the contracts that name you.",
            "tickets": tickets,
            "held_filings": held,
            "bookings": self._bookings(person),
            "contracts": listed,
            "complete": not missing,
            "missing": missing,
            "files": [name for name, _ in export.files],
        }
        return export

    def _bookings(self, person: Person) -> list[dict[str, Any]]:
        """Live-support sessions booked for their customer that name them (the subject an
        agent typed: "Call with Anna about ...")."""
        if self.bookings is None:
            return []
        needles = [*person.addresses, *(n.casefold() for n in person.names)]
        found = []
        for customer_id in self.find.customers_of(person):
            for booking in self.bookings.of_customer(customer_id):
                subject = (booking.subject or "").casefold()
                if any(n in subject for n in needles):
                    found.append(
                        {"start": format_instant(booking.start), "minutes": booking.minutes,
                         "subject": booking.subject}
                    )  # fmt: skip
        return found

    def _ticket(self, ticket: Ticket, person: Person, export: Export) -> dict[str, Any]:
        contact = self.contracts().find(ticket.customer_id)
        others = customer_side(ticket, people_of(contact) if contact else ())
        others = frozenset(a for a in others if a not in person.addresses)
        theirs = person.is_them(ticket.contact_email)
        conversation = []
        for event in ticket.events:
            mine = person.is_them(event.actor)
            if not theirs and not mine:
                continue  # a colleague's ticket: only their own part
            by = "you" if mine else ("desk" if fold(event.actor) not in others else "colleague")
            if event.actor == SYSTEM:
                by = "desk"
            entry: dict[str, Any] = {"at": format_instant(event.at), "type": event.type, "by": by}
            if by != "colleague":
                for key in PERSONAL_KEYS:
                    if event.data.get(key):
                        entry[key] = event.data[key]
                names = self._files(ticket, event.data.get("attachments") or (), export)
                if names:
                    entry["files"] = names
                raw = event.data.get("raw")
                if mine and isinstance(raw, str):
                    path = f"mails/{ticket.ticket_id}/{event.seq}.eml"
                    entry["mail"] = self._file(ticket, raw, export, path)
            conversation.append(entry)
        record: dict[str, Any] = {
            "ticket_id": ticket.ticket_id,
            "customer": contact.name if contact else ticket.customer_id,
            "opened_at": format_instant(ticket.opened_at),
            "stage": ticket.stage.value,
            "yours": theirs,
            "conversation": conversation,
        }
        if theirs:
            record.update(
                subject=ticket.subject,
                description=ticket.description,
                priority=ticket.attributes.get("priority"),
                channel=(ticket.events[0].data.get("channel") if ticket.events else None),
                files=self._files(ticket, ticket.attachments, export),
            )
        return record

    def _files(self, ticket: Ticket, references: Iterable[Any], export: Export) -> list[str]:
        names = []
        for reference in references:
            if not isinstance(reference, str):
                continue
            if reference.startswith(("http://", "https://")):
                names.append(reference)  # a link they gave: named, not fetched
                continue
            count = sum(1 for n, _ in export.files if n.startswith(f"files/{ticket.ticket_id}/"))
            path = f"files/{ticket.ticket_id}/{count + 1}-{_safe(reference)}"
            names.append(self._file(ticket, reference, export, path))
        return names

    def _file(self, ticket: Ticket, reference: str, export: Export, path: str) -> str:
        if reference in export.placed:  # the same file named twice: once in the archive
            return export.placed[reference]
        data = self.files.fetch(reference)
        if data is None or len(data) > MAX_FILE:
            return f"{_safe(reference)} (no longer kept)"
        export.files.append((path, data))
        export.placed[reference] = path
        return path
