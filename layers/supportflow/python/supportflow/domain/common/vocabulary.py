"""The vocabulary of support policies: the ids every pack shares (SEEDS.md), what a priority
change does to a running metric, and the strict, frozen base every part of a policy document is
validated with."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

# The ids scripts rely on, each list in this one place (a new channel or request type is added
# here; the intake's filings, the packs' checks and the API's schema follow from these).
Channel = Literal["web", "email", "chat", "phone", "portal", "monitoring", "screen_share"]
RequestType = Literal["incident", "information", "change", "live_booking", "advice", "training"]
DeskType = Literal[
    "problem",  # R004-8: a problem record the desk registers, linking incidents
    "rca",  # R004-8: a root-cause analysis task about an incident
]
CHANNELS: tuple[str, ...] = get_args(Channel)
DESK_TYPES: tuple[str, ...] = get_args(DeskType)  # opened by the desk, never filed by a customer
REQUEST_TYPES: tuple[str, ...] = (*get_args(RequestType), *DESK_TYPES)
Word = Annotated[str, Field(pattern=r"^[a-z0-9_-]{1,40}$")]  # an id a filing or an action names
Link = Annotated[str, Field(pattern=r"^https?://[^\s<>\"']+$", max_length=2048)]
EVENT_TYPES = (
    "opened",
    "responded",
    "waiting_on_customer",
    "customer_replied",
    "root_cause_found",
    "resolved",
    "reopened",
    "priority_changed",
    "closed",
)
# Events that are only part of a ticket's log: the SLA clock accepts and ignores them.
LOG_ONLY_EVENTS = (
    "taken",
    "taken_over",  # from: the colleague who held it (told)
    "assigned",  # agent: who holds it now; from: who held it before
    "handed_to_second_line",
    "escalated",
    "note",  # an agent's internal note: never leaves the desk
    "customer_message",  # the customer adds information while the desk works on it
    "alert_repeated",  # a monitoring alert fired again while its ticket is open
    "alert_recovered",  # the monitoring says the outage is over
    "escalation_owed",  # a rung reached before an action un-reached it: still to be sent
    # entitlements and charges (entitlements.py): what was done, offered, chosen and billed
    "work_logged",  # minutes worked, by first or second line, maybe outside the contract
    "investigation_offered",  # R002-6: after the warranty, a paid investigation or lapse
    "investigation_accepted",
    "investigation_declined",
    "entitlement_flagged",  # a flag (never a refusal): rule, code, reason
    "charged",  # a charge line: rule, code, hours, rate, amount
    "handled_as_consultancy",  # R001-5: advice or training, out of support
    "left_standard_support",  # R004-1: a change request, a separate agreement
    "vendor_escalated",  # R004-9: a defect of the vendor's service, handed to the vendor
    "vendor_followed_up",
    "vendor_resolved",
    # compliance (compliance.py): R004-10, an agent takes a breach out of the compliance share
    "excluded",  # reason, metric (none: both), by whom
    "exclusion_withdrawn",
    "compliance_warning",  # R004-12: an early warning of the month mailed, on the breach
    # problem management (problems.py): R004-8
    "problem_suggested",  # on an incident: recurring incidents, register a problem record
    "linked_to_problem",  # on an incident: the problem record that links it
    "rca_task_opened",  # on an incident: its RCA task (proactive or requested)
    "incident_linked",  # on a problem record: one more incident
    "rca_report_attached",  # on a problem record: the report of an RCA task
    # the customer's links (domain/ticket/links.py): an agent withdrew every link of the ticket
    "links_revoked",  # reason, version (the links mailed from now on)
    # privacy (domain/privacy): personal data erased (the erasure's id and ground, nothing
    # erased), and a legal hold an admin set that keeps retention from erasing the ticket
    "personal_data_erased",
    "legal_hold_set",
    "legal_hold_lifted",
)
METRICS = ("response", "resolution")
_ID = re.compile(r"^[a-z][a-z0-9_-]*$")


class PriorityChange(StrEnum):
    RECOMPUTE = "recompute"  # the new target from the metric's start, keeping elapsed and paused
    RESTART = "restart"  # the new target counted afresh from the change
    KEEP = "keep"  # the deadline stays as it was


class PolicyModel(BaseModel):
    """A part of a policy document: unknown fields are errors, and a loaded policy is frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def check_id(value: str) -> str:
    """`value` if it is an id (lower case letters, digits, '_' and '-'), else a ValueError."""
    if not isinstance(value, str) or not _ID.match(value):
        raise ValueError(f"{value!r} is not an id (lower case letters, digits, '_' and '-')")
    return value


Ident = Annotated[str, Field(min_length=1, max_length=64)]
DurationText = str | int | float
