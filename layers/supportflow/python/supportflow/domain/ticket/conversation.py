"""The conversation on a ticket: which of its events the customer is told of, and how the desk's
mails thread (Message-ID, In-Reply-To, References) so a mail client shows a ticket as one
conversation and a reply finds its ticket again.

Everything is derived from the ticket and its log: the desk's Message-IDs carry the ticket id
(`<T-0123456789.answer.7@desk.example>`), and a message that came in by mail keeps its own
Message-ID in its event's data (`message_id`). Nothing here reads a clock or does I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from supportflow.domain.ticket.events import SYSTEM, LoggedEvent

# The events a customer hears of by mail, and what the mail is (R003-3 "every update is
# e-mailed", R002-1). Internal notes, hand-overs and escalations never leave the desk.
UPDATES = {
    "responded": "answer",
    "waiting_on_customer": "question",
    "resolved": "resolved",
    "reopened": "reopened",
    "closed": "closed",
}
TICKET_ID = re.compile(r"\bT-[0-9A-F]{10}\b")
SUBJECT_TAG = re.compile(r"\[(T-[0-9A-F]{10})\]")
MAX_REFERENCES = 10


def update_for(event: LoggedEvent, role: str) -> str | None:
    """The kind of mail the customer gets for this event, or None. What the customer did
    themselves (confirm, reopen, reply) is not mailed back to them."""
    if role == "customer" and event.actor != SYSTEM:
        return None
    return UPDATES.get(event.type)


def message_id(ticket_id: str, key: str, domain: str) -> str:
    """The Message-ID of one desk mail: unique per ticket and key, the same on a retry."""
    safe = re.sub(r"[^A-Za-z0-9.-]", "-", key)
    return f"<{ticket_id}.{safe}@{domain}>"


def root_id(ticket_id: str, events: Sequence[LoggedEvent], domain: str) -> str:
    """The message a ticket's conversation hangs from: the customer's first mail, or else the
    desk's confirmation."""
    first = events[0].data.get("message_id") if events else None
    return str(first) if first else message_id(ticket_id, "confirmation", domain)


@dataclass(frozen=True)
class Thread:
    in_reply_to: str
    references: tuple[str, ...]


def thread(ticket_id: str, events: Sequence[LoggedEvent], domain: str) -> Thread:
    """The threading headers of the desk's next mail on this ticket: it answers the customer's
    latest mail (or the conversation's first message), and its References hold the first
    message and the latest ones (RFC 5322 3.6.4, trimmed as mail clients do)."""
    root = root_id(ticket_id, events, domain)
    mails = [str(e.data["message_id"]) for e in events if e.data.get("message_id")]
    parent = mails[-1] if mails else root
    references = _unique([root, *mails[-(MAX_REFERENCES - 1) :], parent])
    return Thread(parent, tuple(references[-MAX_REFERENCES:]))


def _unique(ids: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in ids:
        seen.pop(value, None)
        seen[value] = None
    return list(seen)


def ticket_in_reply(
    in_reply_to: str, references: str, subject: str, our_domains: Iterable[str]
) -> str | None:
    """Which ticket an incoming mail answers: a desk Message-ID in In-Reply-To or References
    (one of our domains), else a `[T-...]` tag in the subject; None for a new conversation."""
    domains = {d.casefold() for d in our_domains}
    for header in (in_reply_to, references):
        for ident in reversed(re.findall(r"<([^<>@\s]+)@([^<>\s]+)>", header or "")):
            local, domain = ident
            found = TICKET_ID.match(local)
            if found and domain.casefold() in domains:
                return found.group(0)
    tag = SUBJECT_TAG.search(subject or "")
    return tag.group(1) if tag else None


def already_logged(events: Sequence[LoggedEvent], mail_id: str) -> bool:
    """A mail delivered twice (the mail service delivers at least once) is logged once."""
    return any(e.data.get("message_id") == mail_id for e in events)
