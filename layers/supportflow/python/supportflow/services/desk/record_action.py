"""People's actions on a ticket (an agent takes, answers, asks, hands over, resolves; a customer
replies, confirms or reopens): checked by the ticket, saved with an optimistic lock (a
concurrent change gives ConcurrentUpdate, never a lost update), timers moved, and the waiting
workflow step completed when the stage changes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from supportflow.domain.common.text import OneLine, Text
from supportflow.domain.common.timeutil import format_instant
from supportflow.domain.common.vocabulary import Word
from supportflow.domain.sla.priority import check_settable
from supportflow.domain.sla.sla_state import SlaState
from supportflow.domain.ticket.conversation import already_logged
from supportflow.domain.ticket.routing import customer_message_action
from supportflow.domain.ticket.ticket import Acted, Ticket
from supportflow.services.mail.conversation import CustomerMail
from supportflow.services.outbox.effects import CompleteStep
from supportflow.services.ports.outbox import Effect
from supportflow.services.ports.tickets import Clock, ConcurrentUpdate, Tickets, retrying
from supportflow.services.sla.deadlines import Deadlines


class ActionRequest(BaseModel):
    """What comes with an action: a message, a new priority and its reason, ..."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    message: Text | None = Field(default=None, max_length=20_000)
    priority: Word | None = None
    reason: Text | None = Field(default=None, max_length=2_000)
    minutes: int | None = Field(default=None, ge=1, le=44_640, description="log_work")
    line: Literal["first", "second"] | None = Field(default=None, description="log_work")
    outside_contract: bool | None = Field(default=None, description="log_work (R003-5)")
    vendor: OneLine | None = Field(default=None, max_length=200, description="escalate_to_vendor")
    reference: OneLine | None = Field(default=None, max_length=200, description="the vendor's")
    ticket: Annotated[str, Field(pattern=r"^T-[0-9A-F]{10}$")] | None = Field(
        default=None, description="link_incident: the incident (R004-8)"
    )
    metric: Literal["response", "resolution"] | None = Field(
        default=None, description="exclude_from_compliance, withdraw_exclusion: none for both"
    )
    uploads: list[Annotated[str, Field(max_length=200)]] | None = Field(
        default=None,
        max_length=5,
        description="a customer's reply: files uploaded first (POST /uploads gives each key)",
    )
    agent: Annotated[str, Field(pattern=r"^[A-Za-z0-9@._+-]{1,128}$")] | None = Field(
        default=None,
        description="assign: who will hold the ticket; hand_to_second_line: the specialist "
        "(none: the second line's group)",
    )

    def data(self) -> dict[str, Any]:
        return {k: v for k, v in self.model_dump().items() if v is not None and v != ""}


@dataclass(frozen=True)
class ActionTaken:
    ticket: Ticket
    effects: tuple[Effect, ...]


class ActionHook(Protocol):
    """A capability's part in an action on a ticket, registered in the composition root
    (bootstrap.py: the charges, the entitlement flags, problem management). `before` checks
    the action (it may refuse it) and returns the effects it wants on other tickets; `after`
    logs on the ticket what follows from the action, once it is applied."""

    def before(
        self, ticket: Ticket, action: str, data: Mapping[str, Any], actor: str, now: datetime
    ) -> Sequence[Effect]: ...

    def after(
        self, ticket: Ticket, acted: Acted, state: SlaState, data: Mapping[str, Any], now: datetime
    ) -> None: ...


@dataclass(frozen=True)
class RecordAction:
    deadlines: Deadlines
    tickets: Tickets
    clock: Clock
    mails: CustomerMail | None = None  # the customer's mail for each public step
    hooks: Sequence[ActionHook] = ()  # what other capabilities add to an action, in order

    def __call__(
        self,
        ticket_id: str,
        action: str,
        *,
        actor: str,
        role: str,
        data: Mapping[str, Any],
        expected_version: int | None = None,
    ) -> ActionTaken:
        """Apply the action. With `expected_version` (If-Match: the version the agent looked
        at) a ticket changed since is ConcurrentUpdate (409). Without it the action applies to
        the ticket as it is now: a write in between (a timer, the stream, another function) is
        read again and the action re-applied, as long as it still fits the ticket's stage."""
        if expected_version is not None:
            return self._apply(ticket_id, action, actor, role, data, expected_version)
        return retrying(lambda: self._apply(ticket_id, action, actor, role, data, None))

    def _apply(
        self,
        ticket_id: str,
        action: str,
        actor: str,
        role: str,
        data: Mapping[str, Any],
        expected_version: int | None,
    ) -> ActionTaken:
        ticket = self.tickets.get(ticket_id)
        if expected_version is not None and expected_version != ticket.version:
            raise ConcurrentUpdate(
                f"ticket {ticket_id} is at version {ticket.version}, not {expected_version}"
            )
        action = self._checked(ticket, action, data)
        mail_id = data.get("message_id")
        if mail_id and already_logged(ticket.events, str(mail_id)):
            return ActionTaken(ticket, ())  # the same mail delivered twice
        now = max(self.clock(), ticket.last_at)
        # A rung reached by now is owed even if this action un-reaches it (a priority change
        # that moves the deadline, an answer at the very instant of a rung): its timer may be
        # late, and the action must not take the escalation away.
        before = _reached(ticket, self.deadlines.state(ticket, now))
        if action == "log_work" and not data.get("line"):  # the line the ticket is at
            data = {**data, "line": "second" if ticket.stage == "second_line" else "first"}
        linked = [e for h in self.hooks for e in h.before(ticket, action, dict(data), actor, now)]
        acted = ticket.act(action, actor=actor, role=role, data=data, at=now)
        state, effects = self._replanned(ticket, before, now)
        for hook in self.hooks:
            hook.after(ticket, acted, state, data, now)
        if acted.release is not None:
            effects.append(
                CompleteStep(acted.release, {"ticket_id": ticket_id, "next": ticket.stage})
            )
        effects += linked
        letter = self.mails.for_event(ticket, acted.event, role) if self.mails else None
        if letter is not None:
            effects.append(letter)
        return ActionTaken(self.tickets.save(ticket, effects), tuple(effects))

    def _checked(self, ticket: Ticket, action: str, data: Mapping[str, Any]) -> str:
        """The action as the ticket takes it: a priority the policy lets an agent set; a
        customer's message as the stage makes it (see customer_message_action)."""
        policy = self.deadlines.policy(ticket)
        if action == "change_priority" and data.get("priority"):
            check_settable(policy, str(data["priority"]))
        if action == "customer_message":
            reopen = policy.conversation.reopen_on_reply
            return customer_message_action(ticket.stage, reopen_on_reply=reopen)
        return action

    def _replanned(
        self, ticket: Ticket, before: set[tuple[str, int, str]], now: datetime
    ) -> tuple[SlaState, list[Effect]]:
        """The SLA state after the action and the timer effects it asks for; rungs the action
        un-reached are logged as owed first (rare), then planned again."""
        state, effects = self.deadlines.refresh(ticket, now)
        lost = before - _reached(ticket, state)
        if lost:  # these effects follow the first ones
            for metric, rung, due in sorted(lost):
                ticket.owe(metric, rung, due, now)
            effects += self.deadlines.refresh(ticket, now)[1]
        return state, effects


def _reached(ticket: Ticket, state: SlaState) -> set[tuple[str, int, str]]:
    """The rungs reached and not escalated (metric, rung, due) in this state of the ticket."""
    escalated = ticket.escalated
    return {
        (name, p.rung, format_instant(p.due) or "")
        for name, metric in state.metrics.items()
        for p in metric.escalations
        if p.status == "reached" and (name, p.rung) not in escalated
    }
