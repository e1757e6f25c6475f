"""The desk's routing as data: the stages a ticket goes through and what each action does.

An action (take, respond, ask the customer, hand to second line, resolve, ...) is checked against
the stage the ticket is in, makes one event, and may move the ticket to another stage. The
`Ticket` aggregate (ticket.py) applies it; nothing here reads a clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from supportflow.domain.ticket.events import LoggedEvent


class Stage(StrEnum):
    TRIAGE = "triage"
    FIRST_LINE = "first_line"
    SECOND_LINE = "second_line"
    WAITING_ON_CUSTOMER = "waiting_on_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"


OPEN_STAGES = (Stage.TRIAGE, Stage.FIRST_LINE, Stage.SECOND_LINE, Stage.WAITING_ON_CUSTOMER)
WORKING_STAGES = (Stage.FIRST_LINE, Stage.SECOND_LINE)


class ActionError(ValueError):
    """An action that does not fit the ticket's stage (the API answers 409)."""


@dataclass(frozen=True)
class Action:
    """What an action does: the event it appends, the stages it is allowed in, and where the
    ticket goes (None: it stays; "return": back to the line it came from)."""

    name: str
    event: str
    allowed: tuple[Stage, ...]
    to: Stage | str | None
    by: tuple[str, ...] = ("agent",)
    needs: tuple[str, ...] = ()


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        # Assignment: "take" a ticket nobody holds; "take over" one a colleague holds (they are
        # told); "assign" it to a named agent. The holder is the ticket's assignee.
        Action("take", "taken", (*WORKING_STAGES, Stage.WAITING_ON_CUSTOMER), None),
        Action("take_over", "taken_over", (*WORKING_STAGES, Stage.WAITING_ON_CUSTOMER), None),
        Action(
            "assign",
            "assigned",
            (*WORKING_STAGES, Stage.WAITING_ON_CUSTOMER),
            None,
            needs=("agent",),
        ),
        Action(
            "respond",
            "responded",
            (*WORKING_STAGES, Stage.WAITING_ON_CUSTOMER),
            None,
            needs=("message",),
        ),
        Action(
            "ask_customer",
            "waiting_on_customer",
            WORKING_STAGES,
            Stage.WAITING_ON_CUSTOMER,
            needs=("message",),
        ),
        Action(
            "customer_reply",
            "customer_replied",
            (Stage.WAITING_ON_CUSTOMER,),
            "return",
            by=("agent", "customer"),
            needs=("message",),
        ),
        Action(
            "customer_message",
            "customer_message",
            (*WORKING_STAGES, Stage.RESOLVED),
            None,
            by=("agent", "customer"),
            needs=("message",),
        ),
        Action(
            "note",
            "note",
            (*WORKING_STAGES, Stage.WAITING_ON_CUSTOMER, Stage.RESOLVED, Stage.CLOSED),
            None,
            needs=("message",),
        ),
        Action(
            "hand_to_second_line", "handed_to_second_line", (Stage.FIRST_LINE,), Stage.SECOND_LINE
        ),
        Action("record_root_cause", "root_cause_found", WORKING_STAGES, None, needs=("message",)),
        Action(
            "change_priority", "priority_changed", OPEN_STAGES, None, needs=("priority", "reason")
        ),
        Action(
            "resolve",
            "resolved",
            (*WORKING_STAGES, Stage.WAITING_ON_CUSTOMER),
            Stage.RESOLVED,
            needs=("message",),
        ),
        Action("reopen", "reopened", (Stage.RESOLVED,), "return", by=("agent", "customer")),
        Action("confirm", "closed", (Stage.RESOLVED,), Stage.CLOSED, by=("customer",)),
        Action("close", "closed", (*OPEN_STAGES, Stage.RESOLVED), Stage.CLOSED),
        # Entitlements and charges: time worked, the R002-6 investigation choice, a ticket
        # taken out of standard support (R001-5, R004-1), a defect handed to the vendor (R004-9).
        Action("log_work", "work_logged", (*OPEN_STAGES, Stage.RESOLVED), None, needs=("minutes",)),
        Action(
            "offer_investigation",
            "investigation_offered",
            (*WORKING_STAGES, Stage.WAITING_ON_CUSTOMER),
            None,
            needs=("message",),
        ),
        Action(
            "accept_investigation",
            "investigation_accepted",
            (*WORKING_STAGES, Stage.WAITING_ON_CUSTOMER),
            None,
            by=("agent", "customer"),
        ),
        Action(
            "decline_investigation",
            "investigation_declined",
            (*WORKING_STAGES, Stage.WAITING_ON_CUSTOMER),
            None,
            by=("agent", "customer"),
        ),
        Action(
            "handle_as_consultancy",
            "handled_as_consultancy",
            OPEN_STAGES,
            None,
            needs=("reason",),
        ),
        Action(
            "leave_standard_support",
            "left_standard_support",
            OPEN_STAGES,
            None,
            needs=("reason",),
        ),
        Action(
            "escalate_to_vendor",
            "vendor_escalated",
            WORKING_STAGES,
            None,
            needs=("vendor", "reason"),
        ),
        Action(
            "vendor_follow_up",
            "vendor_followed_up",
            (*WORKING_STAGES, Stage.WAITING_ON_CUSTOMER),
            None,
            needs=("message",),
        ),
        # R004-10: a breach the customer caused (no access, a broken integration, an unclear
        # request) is taken out of the compliance share, with the reason; and taken back.
        Action(
            "exclude_from_compliance",
            "excluded",
            (*OPEN_STAGES, Stage.RESOLVED, Stage.CLOSED),
            None,
            needs=("reason",),
        ),
        Action(
            "withdraw_exclusion",
            "exclusion_withdrawn",
            (*OPEN_STAGES, Stage.RESOLVED, Stage.CLOSED),
            None,
            needs=("reason",),
        ),
        # R004-8: a problem record links incidents and keeps the RCA reports.
        Action(
            "link_incident",
            "incident_linked",
            (*OPEN_STAGES, Stage.RESOLVED),
            None,
            needs=("ticket",),
        ),
        Action(
            "attach_rca_report",
            "rca_report_attached",
            (*OPEN_STAGES, Stage.RESOLVED, Stage.CLOSED),
            None,
            needs=("message",),
        ),
        Action(
            "vendor_resolved",
            "vendor_resolved",
            (*WORKING_STAGES, Stage.WAITING_ON_CUSTOMER),
            None,
            needs=("message",),
        ),
    )
}

# The track a ticket is on, from the last decision that set it (its own state, shown with it).
TRACKS = {
    "handled_as_consultancy": "consultancy",
    "left_standard_support": "outside_standard_support",
    "vendor_escalated": "at_vendor",
    "vendor_resolved": "support",
}


def customer_message_action(stage: Stage, *, reopen_on_reply: bool) -> str:
    """What a message from the customer is, wherever the ticket stands: the answer the desk
    waited for (the clock resumes), a reopen of a resolved ticket (when the policy says so), or
    information added while the desk works on it. A closed ticket takes no more messages: the
    customer files a new ticket."""
    if stage == Stage.WAITING_ON_CUSTOMER:
        return "customer_reply"
    if stage == Stage.RESOLVED and reopen_on_reply:
        return "reopen"
    if stage == Stage.CLOSED:
        raise ActionError("this ticket is closed; please file a new ticket")
    return "customer_message"


@dataclass(frozen=True)
class Transition:
    """The result of an action: the new event, the stage before and after."""

    event: LoggedEvent
    stage_before: Stage
    stage_after: Stage
    return_to: Stage

    @property
    def moves(self) -> bool:
        return self.stage_before != self.stage_after


def apply_action(
    stage: Stage,
    return_to: Stage,
    action_name: str,
    *,
    actor: str,
    role: str,
    at: datetime,
    seq: int,
    data: Mapping[str, Any],
) -> Transition:
    """Check an action against the ticket's stage and say what it does."""
    action = ACTIONS.get(action_name)
    if action is None:
        raise ActionError(f"unknown action {action_name!r} (one of {', '.join(ACTIONS)})")
    if role not in action.by:
        article = "an" if role[:1] in "aeiou" else "a"
        raise ActionError(f"{article} {role} cannot {action_name.replace('_', ' ')}")
    if stage not in action.allowed:
        raise ActionError(
            f"cannot {action_name.replace('_', ' ')} a ticket that is "
            f"{stage.value.replace('_', ' ')}"
        )
    for key in action.needs:
        if not data.get(key):
            raise ActionError(f"{action_name.replace('_', ' ')} needs '{key}'")
    if action.to is None:
        after = stage
    elif action.to == "return":
        after = return_to
    else:
        after = Stage(action.to)
    # The line (first or second) the ticket goes back to after waiting or after a reopen.
    if after in WORKING_STAGES:
        new_return = after
    elif stage in WORKING_STAGES:
        new_return = stage
    else:
        new_return = return_to
    event = LoggedEvent(seq=seq, at=at, type=action.event, actor=actor, data=dict(data))
    return Transition(event=event, stage_before=stage, stage_after=after, return_to=new_return)
