"""The desk's use cases: open a ticket, triage it, park it at a step of the workflow, record an
agent's or customer's action, fire a timer, escalate, record a failure.

Written against the ports in `ports.py`; the handlers call exactly one of these per invocation.
Every change appends events and saves the ticket with an optimistic lock; the SLA state is
recomputed from the events each time, so a late, duplicate or stale timer can always be told
apart from a due one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from supportflow.contracts import Contract, ContractDirectory, EmailAddress
from supportflow.domain.clock import SlaState, compute_sla
from supportflow.domain.policy import CHANNELS, REQUEST_TYPES, Policy, TicketAttributes
from supportflow.domain.priority import check_priority, decide_priority
from supportflow.domain.ticket import ActionError, LoggedEvent, Stage, apply_action
from supportflow.domain.timeutil import US, format_instant, parse_duration, to_us
from supportflow.policies import PolicyRegistry
from supportflow.services import mail
from supportflow.services.ports import (
    ConcurrentUpdate,
    Mailer,
    TemporarilyUnavailable,
    TicketRecord,
    TicketRepository,
    Timers,
    Workflow,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

Channel = Literal["web", "email", "chat", "phone", "portal", "monitoring", "screen_share"]
RequestType = Literal["incident", "information", "change", "live_booking", "advice"]
assert set(Channel.__args__) == set(CHANNELS) and set(RequestType.__args__) == set(REQUEST_TYPES)  # type: ignore[attr-defined]

Link = Annotated[str, Field(pattern=r"^https?://[^\s<>\"']+$", max_length=2048)]
Word = Annotated[str, Field(pattern=r"^[a-z0-9_-]{1,40}$")]


class Busy(RuntimeError):
    """The ticket is moving between two workflow steps: try the action again in a moment."""


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


class ActionRequest(BaseModel):
    """What comes with an action: a message, a new priority and its reason, ..."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    message: str | None = Field(default=None, max_length=20_000)
    priority: Word | None = None
    reason: str | None = Field(default=None, max_length=2_000)

    def data(self) -> dict[str, str]:
        return {k: v for k, v in self.model_dump().items() if v}


@dataclass(frozen=True)
class Links:
    """Where people act on a ticket (the agent view, the customer's status page)."""

    agent_base: str = "http://localhost:8080/agent"
    customer_base: str = "http://localhost:8080/status"

    def agent(self, ticket_id: str) -> str:
        return f"{self.agent_base}#/tickets/{ticket_id}"

    def customer(self, ticket_id: str, token: str) -> str:
        return f"{self.customer_base}#/tickets/{ticket_id}?token={token}"


@dataclass(frozen=True)
class Opened:
    record: TicketRecord
    created: bool
    customer_token: str


class Desk:
    def __init__(
        self,
        *,
        repo: TicketRepository,
        timers: Timers,
        mailer: Mailer,
        workflow: Workflow,
        contracts: ContractDirectory,
        policies: PolicyRegistry,
        token_secret: bytes | Callable[[], bytes],
        links: Links | None = None,
    ) -> None:
        self.repo, self.timers, self.mailer, self.workflow = repo, timers, mailer, workflow
        self.contracts, self.policies = contracts, policies
        self._token_secret = token_secret
        self.links = links or Links()

    # ----- intake ---------------------------------------------------------------------------

    def open_ticket(self, form: NewTicket, idempotency_key: str | None, now: datetime) -> Opened:
        """Store a new ticket and its first event, start its workflow and confirm it (R002-1).

        The same Idempotency-Key (or, without one, the same content) gives the same ticket: a
        double-clicked form makes one ticket, one execution and one confirmation."""
        contract = self.contracts.get(form.customer)
        policy = self.policies.get(contract.policy, now)
        attributes = TicketAttributes(
            priority=form.priority,
            urgency=form.urgency,
            impact=form.impact,
            channel=form.channel,
            type=form.type,
            category=form.category,
        )
        decide_priority(policy, attributes)  # unknown priority, urgency or impact: TicketError
        key = (
            idempotency_key
            or hashlib.sha256(json.dumps(form.model_dump(), sort_keys=True).encode()).hexdigest()
        )
        digest = hashlib.sha256(f"{form.customer}|{key}".encode()).hexdigest()
        ticket_id = f"T-{digest[:10].upper()}"
        record = TicketRecord(
            ticket_id=ticket_id,
            customer_id=contract.customer_id,
            policy_id=policy.id,
            policy_version=policy.version,
            attributes=attributes.model_dump(exclude={"opened_during"}),
            subject=form.subject,
            description=form.description,
            contact_email=form.contact_email,
            opened_at=now,
            attachments=list(form.attachments),
            last_seq=1,
        )
        opened = LoggedEvent(1, now, "opened", form.contact_email, {"channel": form.channel})
        record, created = self.repo.create(record, opened, f"{form.customer}|{key}")
        self.workflow.start(ticket_id, {"ticket_id": ticket_id})
        token = self.customer_token(ticket_id)
        events = [opened] if created else self.repo.events(ticket_id)
        state = self._sla(record, events, now)
        self._send_once(
            record.ticket_id,
            "mail:confirmation",
            lambda: mail.confirmation(
                language=contract.language,
                sender=contract.desk_address,
                recipient=record.contact_email,
                ticket_id=ticket_id,
                subject=record.subject,
                response_due=state.metrics["response"].due,
                link=self.links.customer(ticket_id, token),
            ),
        )
        return Opened(record, created, token)

    def customer_token(self, ticket_id: str) -> str:
        """The secret in the customer's links: an HMAC of the ticket id."""
        secret = self._token_secret
        if callable(secret):  # read on first use: only intake and the ticket API need it
            secret = self._token_secret = secret()
        return hmac.new(secret, ticket_id.encode(), hashlib.sha256).hexdigest()[:32]

    def check_customer_token(self, ticket_id: str, token: str | None) -> bool:
        return token is not None and hmac.compare_digest(self.customer_token(ticket_id), token)

    # ----- the workflow's own steps ---------------------------------------------------------

    def triage(self, ticket_id: str, now: datetime) -> dict[str, Any]:
        """Priority and deadlines from the policy, timers scheduled, on to first line."""

        def attempt() -> dict[str, Any]:
            record = self.repo.get(ticket_id)
            if record.stage != Stage.TRIAGE:  # a retried task: triage happened already
                return {"ticket_id": ticket_id, "next": record.stage}
            events = self.repo.events(ticket_id)
            record.stage = record.return_to = Stage.FIRST_LINE
            plan = self._refresh(record, self._sla(record, events, now), now)
            record = self.repo.commit(record, [])
            self._apply(plan)
            return {
                "ticket_id": ticket_id,
                "next": record.stage,
                "priority": record.sla["priority"],
            }

        return _retrying(attempt)

    def park(self, ticket_id: str, stage: str, token: str) -> dict[str, Any]:
        """Keep the token of the callback task that now waits at `stage`."""

        def attempt() -> dict[str, Any]:
            record = self.repo.get(ticket_id)
            if record.stage != stage:
                # The ticket moved on while the workflow caught up: let it follow at once.
                self.workflow.signal(token, {"ticket_id": ticket_id, "next": record.stage})
                return {"ticket_id": ticket_id, "parked": False, "stage": record.stage}
            record.task_token, record.token_stage = token, stage
            self.repo.commit(record, [])
            return {"ticket_id": ticket_id, "parked": True, "stage": stage}

        return _retrying(attempt)

    def escalate(self, ticket_id: str, metric: str, rung: int, now: datetime) -> dict[str, Any]:
        """The escalation step: e-mail the role the ladder names (once per ticket, metric and
        rung), log it, and plan the next rung's timer."""

        def attempt() -> dict[str, Any]:
            record = self.repo.get(ticket_id)
            events = self.repo.events(ticket_id)
            policy = self._policy(record)
            contract = self.contracts.get(record.customer_id)
            step = policy.escalation.ladder[rung]
            state = self._sla(record, events, now)
            metric_state = state.metrics[metric]
            recipient = contract.escalation.get(step.notify, contract.desk_address)
            key = f"{metric}.{rung}"
            if key in record.sla.get("escalated", []):
                return {"ticket_id": ticket_id, "next": record.stage, "sent": False}
            due = metric_state.due
            if due is not None:
                self._send_once(
                    ticket_id,
                    f"mail:escalation:{key}",
                    lambda: mail.escalation(
                        language=contract.language,
                        sender=contract.desk_address,
                        recipient=recipient,
                        ticket_id=ticket_id,
                        customer=contract.name,
                        subject=record.subject,
                        priority=state.priority,
                        metric=metric,
                        rung=rung,
                        due=due,
                        now=now,
                        link=self.links.agent(ticket_id),
                    ),
                )
            record.last_seq += 1
            event = LoggedEvent(
                record.last_seq,
                now,
                "escalated",
                "supportflow",
                {"metric": metric, "rung": rung, "role": step.notify, "to": recipient},
            )
            record.sla = {**record.sla, "escalated": [*record.sla.get("escalated", []), key]}
            plan = self._refresh(record, self._sla(record, [*events, event], now), now)
            self.repo.commit(record, [event])
            self._apply(plan)
            return {"ticket_id": ticket_id, "next": record.stage, "sent": True, "to": recipient}

        return _retrying(attempt)

    def record_failure(self, ticket_id: str, error: str, cause: str) -> dict[str, Any]:
        """The visible end of the failure path: the ticket says what went wrong."""

        def attempt() -> dict[str, Any]:
            record = self.repo.get(ticket_id)
            record.failure = f"{error}: {cause}"[:1000]
            record.task_token = None
            self.repo.commit(record, [])
            return {"ticket_id": ticket_id, "failure": record.failure}

        return _retrying(attempt)

    # ----- people's actions -----------------------------------------------------------------

    def act(
        self,
        ticket_id: str,
        action: str,
        *,
        actor: str,
        role: str,
        data: Mapping[str, Any],
        now: datetime,
        expected_version: int | None = None,
    ) -> TicketRecord:
        """An agent's or customer's action: checked against the stage, appended as an event,
        saved with an optimistic lock (a concurrent change gives ConcurrentUpdate, never a lost
        update), timers moved, and the waiting workflow step completed when the stage changes."""
        record = self.repo.get(ticket_id)
        if expected_version is not None and expected_version != record.version:
            raise ConcurrentUpdate(
                f"ticket {ticket_id} is at version {record.version}, not {expected_version}"
            )
        if record.stage == Stage.TRIAGE:
            raise Busy(f"ticket {ticket_id} is still being triaged; try again in a moment")
        events = self.repo.events(ticket_id)
        now = max(now, events[-1].at)  # a log never runs backwards, even with a skewed clock
        policy = self._policy(record)
        if action == "change_priority" and data.get("priority"):
            check_priority(policy, str(data["priority"]))
        transition = apply_action(
            Stage(record.stage),
            Stage(record.return_to),
            action,
            actor=actor,
            role=role,
            at=now,
            seq=record.last_seq + 1,
            data=data,
        )
        token = record.task_token
        if transition.moves and (token is None or record.token_stage != record.stage):
            raise Busy(f"ticket {ticket_id} is moving between steps; try again in a moment")
        record.stage, record.return_to = transition.stage_after, transition.return_to
        record.last_seq = transition.event.seq
        if action == "take":
            record.assignee = actor
        if transition.moves:
            record.task_token = record.token_stage = None
        plan = self._refresh(record, self._sla(record, [*events, transition.event], now), now)
        record = self.repo.commit(record, [transition.event])
        self._apply(plan)
        if transition.moves and token is not None:
            self.workflow.signal(token, {"ticket_id": ticket_id, "next": record.stage})
        return record

    # ----- timers ---------------------------------------------------------------------------

    def fire_timer(self, payload: Mapping[str, Any], now: datetime) -> str:
        """A timer went off. It re-reads the ticket and recomputes from the events: a stale
        timer (paused, met, moved, duplicated, late after the fact) only says why it is stale."""
        ticket_id, name = str(payload.get("ticket_id")), str(payload.get("name"))
        try:
            record = self.repo.get(ticket_id)
        except LookupError:
            return f"stale: no ticket {ticket_id}"
        if name not in record.timers:
            return f"stale: timer {name} is no longer planned (done, moved or cancelled)"
        if payload.get("kind") == "auto_close":
            if record.stage != Stage.RESOLVED:
                return f"stale: ticket is {record.stage}, not resolved"
            self.act(
                ticket_id,
                "close",
                actor="supportflow",
                role="agent",
                data={"reason": "confirmation window passed"},
                now=now,
            )
            return "closed"
        metric, rung = str(payload.get("metric")), int(payload.get("rung", -1))
        state = self._sla(record, self.repo.events(ticket_id), now)
        points = state.metrics[metric].escalations if metric in state.metrics else ()
        point = next((p for p in points if p.rung == rung), None)
        if point is None or point.status != "reached":
            status = "gone" if point is None else point.status
            return f"stale: {metric} rung {rung} is {status}"
        if f"{metric}.{rung}" in record.sla.get("escalated", []):
            return f"stale: {metric} rung {rung} was escalated already"
        token = record.task_token
        if token is None or record.token_stage != record.stage:
            raise TemporarilyUnavailable(f"ticket {ticket_id} is between steps")
        record.timers.pop(name, None)
        record.task_token = record.token_stage = None
        self.repo.commit(record, [])
        self.workflow.signal(
            token,
            {
                "ticket_id": ticket_id,
                "next": "escalate",
                "metric": metric,
                "rung": rung,
                "return_to": record.stage,
            },
        )
        return f"escalating {metric} rung {rung}"

    # ----- reading ----------------------------------------------------------------------------

    def sla_of(
        self, ticket_id: str, now: datetime
    ) -> tuple[TicketRecord, list[LoggedEvent], SlaState]:
        record = self.repo.get(ticket_id)
        events = self.repo.events(ticket_id)
        return record, events, self._sla(record, events, now)

    def contract_of(self, record: TicketRecord) -> Contract:
        return self.contracts.get(record.customer_id)

    # ----- helpers ----------------------------------------------------------------------------

    def _policy(self, record: TicketRecord) -> Policy:
        return self.policies.get(record.policy_id, version=record.policy_version)

    def _sla(self, record: TicketRecord, events: list[LoggedEvent], now: datetime) -> SlaState:
        ticket = TicketAttributes(**record.attributes)
        clock_events = [e.as_clock_event() for e in events]
        return compute_sla(self._policy(record), ticket, clock_events, max(now, events[-1].at))

    def _refresh(self, record: TicketRecord, state: SlaState, now: datetime) -> TimerPlan:
        """Derive the ticket's SLA summary and the timers it should have; say what to change."""
        escalated = list(record.sla.get("escalated", []))
        summary: dict[str, Any] = {"priority": state.priority, "escalated": escalated}
        desired: dict[str, tuple[datetime, dict[str, Any]]] = {}
        next_due: datetime | None = None
        for name, metric in state.metrics.items():
            summary[name] = metric.as_dict()
            if metric.due is not None and metric.state == "running":
                next_due = metric.due if next_due is None else min(next_due, metric.due)
            for point in metric.escalations:
                if point.due is None or f"{name}.{point.rung}" in escalated:
                    continue
                if point.status == "pending" or (
                    point.status == "reached"
                    and metric.state in ("running", "breached")
                    and metric.met_at is None
                ):
                    at = max(point.due, now)
                    timer = f"{record.ticket_id}.{name[:3]}.{point.rung}.{to_us(point.due) // US}"
                    desired[timer] = (
                        at,
                        {"kind": "escalation", "metric": name, "rung": point.rung},
                    )
        if record.stage == Stage.RESOLVED:
            policy = self._policy(record)
            window = policy.lifecycle.auto_close_after
            resolved_at = next((e.at for e in reversed(state.events) if e.type == "resolved"), None)
            if window is not None and resolved_at is not None:
                cal = policy.calendar(policy.lifecycle.calendar)
                due = cal.add(
                    resolved_at, timedelta(seconds=parse_duration(window, cal.workday_seconds))
                )
                timer = f"{record.ticket_id}.close.{to_us(due) // US}"
                desired[timer] = (max(due, now), {"kind": "auto_close"})
        summary["state"] = "closed" if record.stage == Stage.CLOSED else "open"
        record.sla = summary
        record.next_due = format_instant(next_due.astimezone(now.tzinfo)) if next_due else None
        cancel = [n for n in record.timers if n not in desired]
        create = {
            n: (at, {"ticket_id": record.ticket_id, "name": n, **payload})
            for n, (at, payload) in desired.items()
            if n not in record.timers
        }
        record.timers = {n: format_instant(at) or "" for n, (at, _) in desired.items()}
        return TimerPlan(create=create, cancel=cancel)

    def _apply(self, plan: TimerPlan) -> None:
        for name in plan.cancel:
            self.timers.cancel(name)
        for name, (at, payload) in plan.create.items():
            self.timers.schedule(name, at, payload)

    def _send_once(self, ticket_id: str, key: str, build: Callable[[], Any]) -> None:
        if not self.repo.claim(ticket_id, key):
            return
        self.mailer.send(build())


@dataclass(frozen=True)
class TimerPlan:
    create: dict[str, tuple[datetime, dict[str, Any]]]
    cancel: list[str]


def _retrying(attempt: Callable[[], T], tries: int = 4) -> T:
    """Re-read and re-apply a system step that lost an optimistic-lock race."""
    for n in range(tries):
        try:
            return attempt()
        except ConcurrentUpdate:
            if n == tries - 1:
                raise
            log.info("concurrent update; retrying", extra={"attempt": n + 1})
    raise AssertionError("unreachable")


__all__ = ["ActionError", "ActionRequest", "Busy", "Desk", "Links", "NewTicket", "Opened"]
