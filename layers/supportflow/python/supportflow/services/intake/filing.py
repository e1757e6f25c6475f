"""A ticket as it comes in, one description per channel. `NewTicket` is the form every channel
fills (the web form as posted; a mail, an alert or a call turned into it); a `Filing` is that
form with what its channel adds: the base is a filing that adds nothing (the web form, the
portal, an alert), `MailFiling` a mail's Message-ID and stored attachments, `CallFiling` the
call an agent typed up, `DeskFiling` a ticket the desk opens itself. All of them open through
`OpenTicket.open` (open_ticket.py); a new channel is its id in the vocabulary, a filing here if
it brings something of its own, and its entry point."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from supportflow.domain.common.text import EmailAddress, OneLine, Text
from supportflow.domain.common.vocabulary import Channel, DeskType, Link, RequestType, Word
from supportflow.domain.policy.priority_rules import TicketAttributes
from supportflow.services.ports.outbox import Effect


class NewTicket(BaseModel):
    """A ticket as a customer files it (the web form, an e-mail, an alert)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    customer: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9][a-z0-9-]{1,62}$",
        description="the customer id (a customer's own form link gives it; without it the "
        "desk knows the customer from the contact's address)",
    )
    contact_email: EmailAddress
    subject: OneLine = Field(min_length=1, max_length=200)
    description: Text = Field(min_length=1, max_length=20_000)
    urgency: Word | None = None
    impact: Word | None = None
    priority: Word | None = Field(default=None, description="the priority the customer proposes")
    channel: Channel = "web"
    type: RequestType = "incident"
    category: Word | None = None
    attachments: list[Link] = Field(default_factory=list, max_length=10)
    uploads: list[str] = Field(
        default_factory=list,
        max_length=5,
        description="files uploaded first (POST /uploads gives each its key)",
    )
    form_key: str | None = Field(
        default=None,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="the customer's form key, for a web form of theirs that files on behalf of "
        "addresses the contract does not list",
    )
    fingerprint: str | None = Field(
        default=None,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="a monitoring alert's identity: the same alert while its ticket is open "
        "adds nothing (default: its subject)",
    )

    def attributes(self) -> TicketAttributes:
        return TicketAttributes(
            priority=self.priority,
            urgency=self.urgency,
            impact=self.impact,
            channel=self.channel,
            type=self.type,
            category=self.category,
        )


class DeskTicket(NewTicket):
    """A ticket the desk opens itself (R004-8: a problem record, an RCA task): never a
    customer's filing, so it may be of the desk's own types."""

    type: RequestType | DeskType = "incident"  # type: ignore[assignment]


@dataclass(frozen=True)
class Filing:
    """A filing by a channel that adds nothing to the form. The same `idempotency_key` (24 h),
    the same content (minutes) or the same alert (while its ticket is open) is the same ticket."""

    form: NewTicket
    idempotency_key: str | None = None
    vouched: bool = False  # the filer is known (an alert's key; a signed-in contact)

    def first_event(self, now: datetime) -> tuple[dict[str, Any], datetime]:
        """What the `opened` event carries besides its channel, and when the ticket opened."""
        return {}, now

    @property
    def proven(self) -> bool:
        """Whether the filing is known to come from its contact, so the receipt may repeat
        its words. A web form only claims an address: its receipt names the ticket and the
        promise, never the filer's subject or links (no one can mail a contract's address
        a message of their choosing through the desk)."""
        return self.vouched

    @property
    def files(self) -> tuple[str, ...]:
        """References of attachments the desk stored for the ticket (besides the form's)."""
        return ()

    @property
    def actor(self) -> str | None:
        """Who opened it, when not the customer."""
        return None

    @property
    def confirmed(self) -> bool:
        """Whether the customer gets the confirmation with the ticket's link."""
        return True

    def linked(self, ticket_id: str) -> tuple[Effect, ...]:
        """Effects on other tickets, written with the new ticket."""
        return ()


@dataclass(frozen=True, kw_only=True)
class MailFiling(Filing):
    """A mail to the desk: it keeps the mail's Message-ID (the conversation threads under it)
    and the references of the attachments stored from it."""

    mail_id: str | None
    stored: tuple[str, ...] = ()
    raw: str | None = None  # where the raw mail is kept (privacy: exported, erased with it)

    def first_event(self, now: datetime) -> tuple[dict[str, Any], datetime]:
        data = {"message_id": self.mail_id} if self.mail_id else {}
        if self.raw:
            data["raw"] = self.raw
        return data, now

    @property
    def proven(self) -> bool:
        return True  # from the address itself (or accepted by an agent who read it)

    @property
    def files(self) -> tuple[str, ...]:
        return self.stored


@dataclass(frozen=True)
class PhoneCall:
    """A call an agent types up: who called, on which number, when, and who took it."""

    name: str
    number: str
    at: datetime
    agent: str


@dataclass(frozen=True, kw_only=True)
class CallFiling(Filing):
    """A call typed up by an agent (R000-1, R003-1): the ticket opens at the time of the call,
    with the caller on its first event."""

    call: PhoneCall

    def first_event(self, now: datetime) -> tuple[dict[str, Any], datetime]:
        call = self.call
        return {"caller": call.name, "phone": call.number, "agent": call.agent}, call.at

    @property
    def actor(self) -> str | None:
        return self.call.agent

    @property
    def proven(self) -> bool:
        return True  # typed up by an agent


@dataclass(frozen=True, kw_only=True)
class DeskFiling(Filing):
    """A ticket the desk opens itself (R004-8: a problem record, an RCA task): `details` on its
    first event, `links` the effects that tell other tickets, in the same write; the customer
    is mailed only when `confirm` says so."""

    by: str
    details: Mapping[str, Any] = field(default_factory=dict)
    links: Callable[[str], tuple[Effect, ...]] | None = None
    confirm: bool = False

    def first_event(self, now: datetime) -> tuple[dict[str, Any], datetime]:
        return dict(self.details), now

    @property
    def actor(self) -> str | None:
        return self.by

    @property
    def proven(self) -> bool:
        return True  # the desk's own

    @property
    def confirmed(self) -> bool:
        return self.confirm

    def linked(self, ticket_id: str) -> tuple[Effect, ...]:
        return self.links(ticket_id) if self.links else ()
