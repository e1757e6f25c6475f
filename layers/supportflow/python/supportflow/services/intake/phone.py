"""A call typed up by an agent (R000-1 "a phone call is typed up into a written ticket"; R003-1
"phone: the agent creates or updates the ticket"): the ticket opens at the time of the call, on
channel `phone`, with the caller's name and number on its first event, so the pack's phone rules
apply (R000-3: two workdays; R003-4: a call in an agreed standby period gets 30 minutes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from supportflow.contracts.directory import ContractDirectory
from supportflow.domain.common.text import EmailAddress, OneLine, Text
from supportflow.domain.common.vocabulary import RequestType, Word
from supportflow.domain.sla.priority import TicketError
from supportflow.services.intake.authority import judge
from supportflow.services.intake.filing import CallFiling, NewTicket, PhoneCall
from supportflow.services.intake.open_ticket import Opened, OpenTicket
from supportflow.services.ports.tickets import Clock

PhoneNumber = Annotated[str, Field(pattern=r"^\+?[0-9][0-9 ()./-]{4,30}$")]
OLDEST_CALL = timedelta(days=7)  # typed up later than this, it is a new request, not a call log
CLOCK_SKEW = timedelta(minutes=2)


class PhoneNote(BaseModel):
    """What an agent types up after a call."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    customer: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")
    caller_name: OneLine = Field(min_length=1, max_length=100)
    caller_phone: PhoneNumber
    caller_email: EmailAddress | None = Field(
        default=None, description="where the desk's mails go (default: the contract's contact)"
    )
    called_at: AwareDatetime | None = Field(
        default=None, description="when the call came in (default: now); the ticket opens then"
    )
    subject: OneLine = Field(min_length=1, max_length=200)
    description: Text = Field(min_length=1, max_length=20_000)
    urgency: Word | None = None
    impact: Word | None = None
    priority: Word | None = None
    type: RequestType = "incident"
    category: Word | None = None


@dataclass(frozen=True)
class FileCall:
    contracts: ContractDirectory
    open_ticket: OpenTicket
    clock: Clock

    def __call__(self, note: PhoneNote, agent: str, idempotency_key: str | None) -> Opened:
        now = self.clock()
        contract = self.contracts.get(note.customer)  # an unknown customer: 422
        called_at = note.called_at or now
        if called_at > now + CLOCK_SKEW:
            raise TicketError("called_at is in the future")
        if called_at < now - OLDEST_CALL:
            raise TicketError("called_at is more than 7 days ago; file it as a new ticket")
        contact = note.caller_email or contract.main_contact
        form = NewTicket(
            customer=contract.customer_id,
            contact_email=contact,
            subject=note.subject,
            description=note.description,
            urgency=note.urgency,
            impact=note.impact,
            priority=note.priority,
            channel="phone",
            type=note.type,
            category=note.category,
        )
        verdict = judge(
            self.open_ticket.deadlines.policies.get(contract.policy, now),
            contract,
            category=note.category,
            channel="phone",
            sender=contact,
            sender_verified=False,
            with_form_key=False,
        )
        if verdict.decision == "hold":  # the agent cannot see who calls: ask for it in writing
            raise TicketError(verdict.reason)
        call = PhoneCall(note.caller_name, note.caller_phone, called_at, agent)
        return self.open_ticket.open(CallFiling(form, idempotency_key, call=call), contract, now)
