"""Opening a ticket: what a customer files (the web form, an e-mail, an alert), stored once per
idempotency key with its first event, its workflow started and a confirmation mailed (R002-1)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from supportflow.contracts import ContractDirectory, EmailAddress
from supportflow.domain.policy import CHANNELS, REQUEST_TYPES, TicketAttributes
from supportflow.domain.priority import decide_priority
from supportflow.domain.ticket import Ticket
from supportflow.services import mail
from supportflow.services.deadlines import Deadlines
from supportflow.services.effects import Commit, Effect, SendMail, StartWorkflow
from supportflow.services.ports import Clock
from supportflow.services.tokens import CustomerTokens, Links

Channel = Literal["web", "email", "chat", "phone", "portal", "monitoring", "screen_share"]
RequestType = Literal["incident", "information", "change", "live_booking", "advice"]
assert set(Channel.__args__) == set(CHANNELS) and set(RequestType.__args__) == set(REQUEST_TYPES)  # type: ignore[attr-defined]

Link = Annotated[str, Field(pattern=r"^https?://[^\s<>\"']+$", max_length=2048)]
Word = Annotated[str, Field(pattern=r"^[a-z0-9_-]{1,40}$")]


class NewTicket(BaseModel):
    """A ticket as a customer files it (the web form, an e-mail, an alert)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    customer: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$", description="the customer id")
    contact_email: EmailAddress
    subject: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=20_000)
    urgency: Word | None = None
    impact: Word | None = None
    priority: Word | None = Field(default=None, description="the priority the customer proposes")
    channel: Channel = "web"
    type: RequestType = "incident"
    category: Word | None = None
    attachments: list[Link] = Field(default_factory=list, max_length=10)

    @field_validator("subject")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if any(ord(c) < 32 for c in value):
            raise ValueError("the subject must be one line without control characters")
        return value

    def attributes(self) -> TicketAttributes:
        return TicketAttributes(
            priority=self.priority,
            urgency=self.urgency,
            impact=self.impact,
            channel=self.channel,
            type=self.type,
            category=self.category,
        )


@dataclass(frozen=True)
class Opened:
    ticket: Ticket
    created: bool
    customer_token: str
    status_url: str
    effects: tuple[Effect, ...]


@dataclass(frozen=True)
class OpenTicket:
    contracts: ContractDirectory
    deadlines: Deadlines
    tokens: CustomerTokens
    links: Links
    commit: Commit
    clock: Clock

    def __call__(self, form: NewTicket, idempotency_key: str | None) -> Opened:
        """The same Idempotency-Key (or, without one, the same content) gives the same ticket:
        a double-clicked form makes one ticket, one execution and one confirmation."""
        now = self.clock()
        contract = self.contracts.get(form.customer)
        policy = self.deadlines.policies.get(contract.policy, now)
        attributes = form.attributes()
        decide_priority(policy, attributes)  # unknown priority, urgency or impact: TicketError
        key = (
            idempotency_key
            or hashlib.sha256(json.dumps(form.model_dump(), sort_keys=True).encode()).hexdigest()
        )
        scoped = f"{form.customer}|{key}"
        ticket = Ticket.open(
            ticket_id=f"T-{hashlib.sha256(scoped.encode()).hexdigest()[:10].upper()}",
            customer_id=contract.customer_id,
            policy_id=policy.id,
            policy_version=policy.version,
            attributes=attributes.model_dump(exclude={"opened_during"}),
            subject=form.subject,
            description=form.description,
            contact_email=form.contact_email,
            attachments=list(form.attachments),
            channel=form.channel,
            at=now,
        )
        ticket, created = self.commit.tickets.add(ticket, scoped)
        token = self.tokens.sign(ticket.ticket_id)
        link = self.links.customer(ticket.ticket_id, token)
        state = self.deadlines.state(ticket, now)
        confirmation = mail.confirmation(
            language=contract.language,
            sender=contract.desk_address,
            recipient=ticket.contact_email,
            ticket_id=ticket.ticket_id,
            subject=ticket.subject,
            response_due=state.metrics["response"].due,
            link=link,
        )
        effects = (
            StartWorkflow(ticket.ticket_id),
            SendMail(ticket.ticket_id, "mail:confirmation", confirmation),
        )
        self.commit.effects.perform(effects)
        return Opened(ticket, created, token, link, effects)
