"""The ticket aggregate: its event log, where it stands in the routing, and the one place that
changes it.

Every change is a method here (an agent's or customer's action, a workflow step, an escalation)
that checks what is allowed, appends events and moves the stage; services never edit fields by
hand. The SLA state is never stored as truth: it is `compute_sla` over `clock_events()`. What has
been escalated comes from the log too. Nothing here reads a clock or does I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from supportflow.domain.common.timeutil import format_instant, parse_instant
from supportflow.domain.common.vocabulary import LOG_ONLY_EVENTS
from supportflow.domain.sla.sla_state import TicketEvent
from supportflow.domain.ticket.events import SYSTEM, LoggedEvent
from supportflow.domain.ticket.planned import PlannedTimer, TimerChanges
from supportflow.domain.ticket.routing import (
    TRACKS,
    ActionError,
    Stage,
    Transition,
    apply_action,
)


class Busy(RuntimeError):
    """The ticket is moving between two workflow steps: try the action again in a moment."""


@dataclass(frozen=True)
class WaitingStep:
    """The workflow step that waits for this ticket, and the token that completes it."""

    stage: Stage
    token: str


@dataclass(frozen=True)
class Acted:
    """What an action did: its event, whether it moved the ticket, and the token of the
    workflow step it completes (None when it stays at its step)."""

    event: LoggedEvent
    transition: Transition
    release: str | None


@dataclass
class Ticket:
    ticket_id: str
    customer_id: str
    policy_id: str
    policy_version: int
    attributes: dict[str, Any]
    subject: str
    description: str
    contact_email: str
    opened_at: datetime
    events: list[LoggedEvent] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    stage: Stage = Stage.TRIAGE
    return_to: Stage = Stage.FIRST_LINE
    assignee: str | None = None
    version: int = 0
    waiting: WaitingStep | None = None
    timers: dict[str, str] = field(default_factory=dict)  # name -> due, ISO 8601 with offset
    sla: dict[str, Any] = field(default_factory=dict)  # derived summary, for the queue's index
    next_due: str | None = None  # the nearest running deadline (ISO 8601 with offset)
    failure: str | None = None
    runs: int = 1  # how many workflow executions the ticket has had (a restart adds one)
    contract_version: int = 1  # the customer's contract version that judges and charges it
    new_events: list[LoggedEvent] = field(default_factory=list, compare=False, repr=False)

    # ----- opening --------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        *,
        channel: str,
        at: datetime,
        details: Mapping[str, Any] | None = None,
        actor: str | None = None,
        **fields: Any,
    ) -> Ticket:
        """A new ticket with its first event, `opened` by the contact who filed it (or the agent
        who typed up a call), with how it came in: by mail its Message-ID (the conversation
        threads under it), by phone the caller's name and number."""
        ticket = cls(opened_at=at, **fields)
        data = {"channel": channel, **(details or {})}
        ticket._append(at, "opened", actor or ticket.contact_email, data)
        return ticket

    # ----- what the log says ----------------------------------------------------------------

    @property
    def last_seq(self) -> int:
        return self.events[-1].seq if self.events else 0

    @property
    def last_at(self) -> datetime:
        return self.events[-1].at if self.events else self.opened_at

    @property
    def escalated(self) -> frozenset[tuple[str, int]]:
        """The (metric, rung) pairs escalated so far, from the event log."""
        return frozenset(
            (str(e.data.get("metric")), int(e.data.get("rung", -1)))
            for e in self.events
            if e.type == "escalated"
        )

    @property
    def owed(self) -> dict[tuple[str, int], datetime]:
        """Rungs that were reached when an action un-reached them (a priority change that moved
        the deadline, an answer at the rung's instant) and are not escalated yet, with the
        instant each was due (they are sent all the same)."""
        done = self.escalated
        return {
            (str(e.data["metric"]), int(e.data["rung"])): parse_instant(str(e.data["due"]))
            for e in self.events
            if e.type == "escalation_owed"
            and (str(e.data["metric"]), int(e.data["rung"])) not in done
        }

    def owe(self, metric: str, rung: int, due: str, at: datetime) -> LoggedEvent:
        """A rung that was reached (due at `due`) stays owed whatever a change does to it."""
        data = {"metric": metric, "rung": rung, "due": due}
        return self._append(max(at, self.last_at), "escalation_owed", SYSTEM, data)

    @property
    def resolved_at(self) -> datetime | None:
        return next((e.at for e in reversed(self.events) if e.type == "resolved"), None)

    @property
    def track(self) -> str:
        """support, consultancy, outside_standard_support or at_vendor: set by the last
        decision on the ticket (R001-5, R004-1, R004-9), never by closing it."""
        found = "support"
        for event in self.events:
            found = TRACKS.get(event.type, found)
        return found

    def clock_events(self) -> list[TicketEvent]:
        return [e.as_clock_event() for e in self.events]

    @property
    def is_waiting_here(self) -> bool:
        """The workflow waits at the step the ticket is at (so a move can be signalled)."""
        return self.waiting is not None and self.waiting.stage == self.stage

    # ----- people's actions -----------------------------------------------------------------

    def act(
        self, action: str, *, actor: str, role: str, data: Mapping[str, Any], at: datetime
    ) -> Acted:
        """Check an action against the stage, append its event, move the ticket. A move needs
        the workflow to wait at the current step (else Busy) and releases that step."""
        if self.stage == Stage.TRIAGE:
            raise Busy(f"ticket {self.ticket_id} is still being triaged; try again in a moment")
        data = self._assignment(action, actor, data)
        at = max(at, self.last_at)  # a log never runs backwards, even with a skewed clock
        transition = apply_action(
            self.stage,
            self.return_to,
            action,
            actor=actor,
            role=role,
            at=at,
            seq=self.last_seq + 1,
            data=data,
        )
        if transition.moves and not self.is_waiting_here:
            raise Busy(f"ticket {self.ticket_id} is moving between steps; try again in a moment")
        self._record(transition.event)
        self.stage, self.return_to = transition.stage_after, transition.return_to
        for reference in data.get("attachments") or ():  # files with a message join the ticket's
            if str(reference) not in self.attachments:
                self.attachments.append(str(reference))
        if action in ("take", "take_over"):
            self.assignee = actor
        elif action == "assign":
            self.assignee = str(data["agent"])
        elif action == "hand_to_second_line":  # to a named specialist, or to the line's group
            self.assignee = str(data["agent"]) if data.get("agent") else None
        release = self._release() if transition.moves else None
        return Acted(transition.event, transition, release)

    def _assignment(self, action: str, actor: str, data: Mapping[str, Any]) -> Mapping[str, Any]:
        """Who holds the ticket is changed on purpose only: "take" is for a ticket nobody
        holds, "take over" for one a colleague holds (its event names them, so they are told)."""
        holder = self.assignee
        if action == "take" and holder not in (None, actor):
            raise ActionError(f"{holder} holds this ticket: take it over to work on it")
        if action == "take_over":
            if holder in (None, actor):
                raise ActionError("nobody else holds this ticket: take it")
            return {**data, "from": holder}
        if action == "assign" and holder and holder != data.get("agent"):
            return {**data, "from": holder}
        return data

    @property
    def group(self) -> str:
        """The line the ticket is at (its queue): second line once handed there, also while it
        waits on the customer; first line otherwise."""
        return "second_line" if Stage.SECOND_LINE in (self.stage, self.return_to) else "first_line"

    def log(self, kind: str, actor: str, data: Mapping[str, Any], at: datetime) -> LoggedEvent:
        """Log something that happened to the ticket without moving it or its clock (an alert
        firing again or recovering)."""
        if kind not in LOG_ONLY_EVENTS:
            raise ValueError(f"{kind!r} is not an event that is only logged")
        return self._append(max(at, self.last_at), kind, actor, data)

    def set_priority(self, priority: str, reason: str, at: datetime) -> LoggedEvent:
        """The desk sets the priority by a rule of its own (not an agent's action), with why."""
        data = {"priority": priority, "reason": reason}
        return self._append(max(at, self.last_at), "priority_changed", SYSTEM, data)

    # ----- the workflow's own steps ---------------------------------------------------------

    def triage(self) -> bool:
        """Leave triage for first line; False if that happened already (a retried step)."""
        if self.stage != Stage.TRIAGE:
            return False
        self.stage = self.return_to = Stage.FIRST_LINE
        return True

    def park(self, stage: Stage, token: str) -> bool:
        """Keep the token of the workflow step now waiting at `stage`; False if the ticket
        has moved on meanwhile (the caller completes that step at once)."""
        if self.stage != stage:
            return False
        self.waiting = WaitingStep(stage, token)
        return True

    def release_for_escalation(self) -> str:
        """Take the waiting step's token so the workflow can run an escalation step."""
        if not self.is_waiting_here:
            raise Busy(f"ticket {self.ticket_id} is between steps")
        return self._release()

    def escalate(
        self, metric: str, rung: int, *, role: str, to: str, at: datetime
    ) -> LoggedEvent | None:
        """Log one rung of a metric's ladder as escalated; None if it was already."""
        if (metric, rung) in self.escalated:
            return None
        data = {"metric": metric, "rung": rung, "role": role, "to": to}
        return self._append(max(at, self.last_at), "escalated", SYSTEM, data)

    @property
    def execution(self) -> str:
        """The name of the ticket's current workflow execution."""
        return self.ticket_id if self.runs == 1 else f"{self.ticket_id}.{self.runs}"

    def restart_workflow(self) -> str:
        """Its execution ended while the ticket is open: a new one, which triage routes to the
        ticket's stage. Returns the new execution's name."""
        self.runs += 1
        self.waiting, self.failure = None, None
        return self.execution

    def fail(self, error: str) -> None:
        """The workflow failed: say why on the ticket; no step waits for it any more."""
        self.failure = error[:1000]
        self.waiting = None

    # ----- derived state kept for the queue and the timers ----------------------------------

    def replan(self, planned: Iterable[PlannedTimer]) -> TimerChanges:
        """Make `planned` the ticket's timers; say which to create and which to cancel."""
        desired = {t.name: t for t in planned}
        cancel = tuple(n for n in self.timers if n not in desired)
        create = tuple(t for n, t in desired.items() if n not in self.timers)
        self.timers = {n: format_instant(t.at) or "" for n, t in desired.items()}
        return TimerChanges(create=create, cancel=cancel)

    def forget_timer(self, name: str) -> None:
        """A timer that fired and did its work is no longer pending."""
        self.timers.pop(name, None)

    def summarise(self, summary: Mapping[str, Any], next_due: str | None) -> None:
        """Keep the derived SLA summary the queue sorts and shows (never read as truth)."""
        self.sla = {**summary, "state": "closed" if self.stage == Stage.CLOSED else "open"}
        self.next_due = next_due

    # ----- helpers --------------------------------------------------------------------------

    def _append(self, at: datetime, type_: str, actor: str, data: Mapping[str, Any]) -> LoggedEvent:
        event = LoggedEvent(self.last_seq + 1, at, type_, actor, dict(data))
        self._record(event)
        return event

    def _record(self, event: LoggedEvent) -> None:
        self.events.append(event)
        self.new_events.append(event)

    def _release(self) -> str:
        assert self.waiting is not None
        token, self.waiting = self.waiting.token, None
        return token
