"""Problem management (R004-8): production incidents that recur suggest a problem record that
links them, every top incident gets a root-cause analysis (an RCA task) proactively, and a
customer who saw a target breached may ask for an RCA report, due one calendar month after the
request.

Problem records and RCA tasks are tickets of their own (types `problem` and `rca`), so the SLA
clock, the timers, the escalation ladder and the review treat an RCA's deadline like any other:
the pack gives `rca` tickets a priority and a target ('1 month', timed from the request). What
links them lives in the tickets' logs:

- an incident: `problem_suggested` (the recurring incidents, once), `linked_to_problem`,
  `rca_task_opened` (the RCA ticket, proactive or requested);
- a problem record: the incidents it was opened with (its `opened` event) and `incident_linked`,
  `rca_report_attached` (the report of an RCA task about one of its incidents);
- an RCA task: `about` (the incident), `problem` and `rca` (proactive or requested) on `opened`.

Nothing here reads a clock or does I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from supportflow.domain.common.timeutil import format_instant
from supportflow.domain.policy.problems import ProblemSpec, Seen

if TYPE_CHECKING:
    from supportflow.domain.ticket.events import LoggedEvent

PROBLEM, RCA = "problem", "rca"
PROACTIVE, REQUESTED = "proactive", "requested"


class ProblemError(ValueError):
    """A problem-management request the contract or the ticket does not allow (HTTP 422)."""


def seen_of(
    ticket_id: str,
    opened_at: datetime,
    attributes: dict[str, Any],
    priority: str | None,
    events: Sequence[LoggedEvent],
) -> Seen:
    channel = events[0].data.get("channel") if events else None
    problems, rca_tasks, suggested = links_of(events)
    return Seen(
        ticket_id,
        opened_at,
        str(attributes.get("type", "incident")),
        str(channel or attributes.get("channel") or "") or None,
        priority,
        attributes.get("category"),
        problems,
        suggested,
        rca_tasks,
    )


def links_of(events: Iterable[LoggedEvent]) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """From an incident's log: the problem records that link it, its RCA tasks, and whether a
    problem record was suggested for it."""
    problems: dict[str, None] = {}
    rca_tasks: dict[str, None] = {}
    suggested = False
    for event in events:
        if event.type == "linked_to_problem":
            problems[str(event.data["problem"])] = None
        elif event.type == "rca_task_opened":
            rca_tasks[str(event.data["ticket"])] = None
        elif event.type == "problem_suggested":
            suggested = True
    return tuple(problems), tuple(rca_tasks), suggested


@dataclass(frozen=True)
class Suggestion:
    """A problem record the desk should register, for the incidents that recur."""

    incidents: tuple[str, ...]
    reason: str
    rule: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"incidents": list(self.incidents), "reason": self.reason, "rule": self.rule}


def recurrence(spec: ProblemSpec, incident: Seen, recent: Sequence[Seen]) -> Suggestion | None:
    """A suggestion when `incident` is a production incident and, with it, at least `count`
    production incidents came in within the window, and no one problem record links them all;
    None otherwise, and for an incident that had a suggestion already (once per incident)."""
    rule = spec.recurring
    if rule is None or not rule.matches(incident) or incident.suggested:
        return None
    since = incident.opened_at - timedelta(days=rule.within_days)
    group = {
        s.ticket_id: s
        for s in (*recent, incident)
        if rule.matches(s)
        and since <= s.opened_at <= incident.opened_at
        and (rule.per == "customer" or s.category == incident.category)
    }
    if len(group) < rule.count:
        return None
    shared = set.intersection(*(set(s.problems) for s in group.values()))
    if shared:  # one problem record links them all already
        return None
    ordered = sorted(group.values(), key=lambda s: (s.opened_at, s.ticket_id))
    scope = "" if rule.per == "customer" else f" in {incident.category or 'no category'}"
    reason = (
        f"{len(ordered)} production incidents{scope} within {rule.within_days} days "
        f"(from {format_instant(ordered[0].opened_at)}): register a problem record and "
        "analyse whether they share a cause"
    )
    return Suggestion(tuple(s.ticket_id for s in ordered), reason, spec.rule)


def needs_rca(spec: ProblemSpec, incident: Seen) -> bool:
    """An incident that gets an RCA task proactively (R004-8: every top incident), once."""
    return spec.rca is not None and spec.rca.matches(incident) and not incident.rca_tasks


def check_rca_request(spec: ProblemSpec, incident: Seen, breached: Sequence[str]) -> None:
    """A customer may ask for an RCA report on an incident whose target was breached (R004-8)."""
    if not spec.rca_on_request:
        raise ProblemError("the contract offers no root-cause analysis on request")
    if incident.type != "incident":
        raise ProblemError(f"{incident.ticket_id} is not an incident")
    if not breached:
        raise ProblemError(
            f"an RCA report can be requested after a breached target; {incident.ticket_id} "
            "breached none"
        )


def linked_incidents(events: Iterable[LoggedEvent]) -> list[str]:
    """The incidents a problem record links, in the order they were linked."""
    found: list[str] = []
    for event in events:
        if event.type == "opened":
            candidates = [str(t) for t in event.data.get("incidents", [])]
        elif event.type == "incident_linked":
            candidates = [str(event.data.get("ticket"))]
        else:
            continue
        found.extend(t for t in candidates if t not in found)
    return found


def rca_reports(events: Iterable[LoggedEvent]) -> list[dict[str, Any]]:
    """The RCA reports attached to a problem record (newest last)."""
    return [
        {"at": format_instant(e.at), "by": e.actor, **e.data}
        for e in events
        if e.type == "rca_report_attached"
    ]


def problem_view(kind: str, events: Sequence[LoggedEvent]) -> dict[str, Any] | None:
    """What the agent's page shows of problem management on a ticket: an incident's suggestion,
    problem records and RCA tasks; a problem record's incidents and reports; an RCA task's
    incident. None for a ticket with none of it."""
    opened = events[0].data if events else {}
    if kind == PROBLEM:
        return {"incidents": linked_incidents(events), "reports": rca_reports(events)}
    if kind == RCA:
        return {
            "about": opened.get("about"),
            "rca": opened.get("rca"),
            "problems": list(opened.get("problems", [])),
        }
    suggested = next((dict(e.data) for e in events if e.type == "problem_suggested"), None)
    problems, rca_tasks, _ = links_of(events)
    if suggested is None and not problems and not rca_tasks:
        return None
    return {"suggested": suggested, "problems": list(problems), "rca_tasks": list(rca_tasks)}


def problem_summary(
    ticket_id: str, subject: str, stage: str, events: Sequence[LoggedEvent]
) -> dict[str, Any]:
    """A problem record as the SLA review lists it: its incidents and RCA reports."""
    closed = next((e.at for e in reversed(events) if e.type == "closed"), None)
    return {
        "id": ticket_id,
        "subject": subject,
        "stage": stage,
        "opened_at": format_instant(events[0].at) if events else None,
        "closed_at": format_instant(closed),
        "incidents": linked_incidents(events),
        "reports": [
            {"at": r["at"], "by": r["by"], "rca": r.get("rca")} for r in rca_reports(events)
        ],
    }
