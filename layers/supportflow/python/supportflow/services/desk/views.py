"""Read models for people: a ticket with its timeline and explained deadlines, and the queue."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from supportflow.contracts.contract import ContractError
from supportflow.contracts.directory import ContractDirectory
from supportflow.domain.common.timeutil import format_instant, parse_instant
from supportflow.domain.policy.policy import Policy
from supportflow.domain.privacy.redaction import erasures, legal_hold
from supportflow.domain.review.problems import problem_view
from supportflow.domain.sla.explain import explain
from supportflow.domain.sla.explanation_text import render_text
from supportflow.domain.sla.sla_state import SlaState
from supportflow.domain.ticket.events import SYSTEM, LoggedEvent
from supportflow.domain.ticket.routing import ACTIONS, OPEN_STAGES, Stage
from supportflow.domain.ticket.ticket import Ticket
from supportflow.services.mail.compose import priority_name
from supportflow.services.ports.external import MailStore
from supportflow.services.ports.outbox import Outbox
from supportflow.services.ports.queue import Queue
from supportflow.services.ports.tickets import Clock, TicketNotFound, Tickets
from supportflow.services.sla.deadlines import Deadlines

# The queue: every open ticket (in triage too), and resolved ones awaiting confirmation.
QUEUE_STAGES = tuple(s.value for s in (*OPEN_STAGES, Stage.RESOLVED))
QUEUE_PAGE = 50
MAX_QUEUE_PAGE = 500
CUSTOMER_EVENTS = (
    "opened",
    "responded",
    "waiting_on_customer",
    "customer_replied",
    "customer_message",
    "resolved",
    "reopened",
    "closed",
)


@dataclass(frozen=True)
class TicketViews:
    tickets: Tickets
    outbox: Outbox
    lists: Queue
    contracts: ContractDirectory
    deadlines: Deadlines
    clock: Clock

    def ticket(
        self, ticket_id: str, *, for_customer: bool, agent: str | None = None
    ) -> dict[str, Any]:
        ticket = self.tickets.get(ticket_id)
        state = self.deadlines.state(ticket, self.clock())
        contract = self.contracts.get(ticket.customer_id)
        view = ticket_view(ticket, state, contract.name, for_customer=for_customer)
        view["language"] = contract.language  # the customer's pages speak it
        policy = self.deadlines.policy(ticket)
        view["priority_text"] = priority_name(policy, state.priority, contract.language)
        zone = self.deadlines.policy(ticket).calendar().zone
        localise(view, zone)
        for name, metric in state.metrics.items():  # when the desk will answer, in words
            shown = view["metrics"].get(name)
            if shown and metric.target_text and shown.get("due_text") and not metric.met_at:
                shown["promise"] = (
                    f"within {metric.target_text} of support time ({metric.calendar.describe()}): "
                    f"by {shown['due_text']}"
                )
        if not for_customer:  # what the desk still has to do for this ticket (mail, timers)
            view["effects_pending"] = len(self.outbox.pending(ticket_id))
            policy = self.deadlines.policy(ticket)
            offered = [a for a in view["actions"] if a not in actions_without_use(policy)]
            view["actions"] = held_actions(offered, ticket.assignee, agent)
            view["canned_replies"] = canned_replies(policy, contract.language)
            view["customer_id"] = ticket.customer_id
            hold = legal_hold(ticket)  # privacy: what the desk keeps of it, and why
            view["legal_hold"] = (
                None if hold is None else {**hold, "at": format_instant(hold["at"])}
            )
            view["erasures"] = erasures(ticket)
        return view

    def queue(
        self,
        view: QueueView | None = None,
        search: str | None = None,
        agent: str | None = None,
        *,
        group: str | None = None,
        owner: str | None = None,
        limit: int = QUEUE_PAGE,
        after: str | None = None,
    ) -> dict[str, Any]:
        """The open tickets (and the resolved awaiting their customer), what is late first
        (most late at the top), then the nearest deadline, a page of `limit` at a time after
        the position `after` (the `next` of the page before). Tickets still in triage are
        listed too (without actions until triaged). `view` narrows it (breached, due_today,
        mine, unassigned, waiting), `group` to a line's tickets, `owner` to one agent's, and
        `search` matches the id, subject, customer or contact."""
        now = self.clock()
        limit = max(1, min(limit, MAX_QUEUE_PAGE))
        names: dict[str, str] = {}
        rows: list[dict[str, Any]] = []
        position, more = after or None, True
        while more and len(rows) <= limit:
            page, more = self.lists.queue_page(QUEUE_STAGES, position, limit + 1)
            for pos, ticket in page:
                position = pos
                row = self._row(ticket, now)
                if (
                    _in_view(row, view, agent)
                    and _matches(row, search)
                    and (group is None or row["group"] == group)
                    and (owner is None or row["assignee"] == owner)
                ):
                    row["customer"] = self._name(ticket.customer_id, names)
                    row["position"] = pos
                    rows.append(row)
                    if len(rows) > limit:
                        break
        following = len(rows) > limit
        rows = rows[:limit]
        return {
            "now": format_instant(now),
            "view": view,
            "search": search,
            "tickets": rows,
            "next": rows[-1]["position"] if following else None,
        }

    def _name(self, customer_id: str, names: dict[str, str]) -> str:
        if customer_id not in names:
            try:
                names[customer_id] = self.contracts.get(customer_id).name
            except ContractError:
                names[customer_id] = customer_id
        return names[customer_id]

    def _row(self, record: Ticket, now: datetime) -> dict[str, Any]:
        return queue_row(self.deadlines, record, now)


PROBLEM_ACTIONS = ("link_incident", "attach_rca_report")  # a problem record's own (R004-8)


def ticket_view(
    record: Ticket, state: SlaState, customer: str, *, for_customer: bool
) -> dict[str, Any]:
    """A ticket with its timeline and explained deadlines (the customer sees less)."""
    view: dict[str, Any] = {
        "ticket_id": record.ticket_id,
        "customer": customer,
        "subject": record.subject,
        "description": record.description,
        "stage": record.stage,
        "track": record.track,
        "priority": state.priority,
        "policy": f"{record.policy_id} v{record.policy_version}",
        "opened_at": format_instant(record.opened_at),
        "version": record.version,
        "metrics": {name: m.as_dict() for name, m in state.metrics.items()},
        "timeline": [
            _entry(e, for_customer)
            for e in record.events
            if not for_customer or e.type in CUSTOMER_EVENTS
        ],
        # the files with the ticket, by name (the customer sees that they arrived)
        "files": [file_name(ref) for ref in record.attachments],
    }
    if not for_customer:
        explanation = explain(state)
        view.update(
            actions=[
                a
                for a in agent_actions(record.stage)
                if a not in PROBLEM_ACTIONS or record.attributes.get("type") == "problem"
            ],
            channel=record.events[0].data.get("channel") if record.events else None,
            caller=_caller(record),
            contact_email=record.contact_email,
            attachments=record.attachments,
            assignee=record.assignee,
            group=record.group,
            failure=record.failure,
            attributes=record.attributes,
            as_of=format_instant(state.now),
            explanation=explanation.as_dict(),
            explanation_text=render_text(explanation),
            timers=record.timers,
            contract_version=record.contract_version,
            flags=[dict(e.data) for e in record.events if e.type == "entitlement_flagged"],
            charges=[
                {"at": format_instant(e.at), **dict(e.data)}
                for e in record.events
                if e.type == "charged"
            ],
            problems=problem_view(str(record.attributes.get("type", "incident")), record.events),
        )
    return view


@dataclass(frozen=True)
class Attachments:
    """Where an agent opens a ticket's attachment: a link the customer gave, as it is; a file
    kept from a mail through a short-lived address (the store is built only when asked)."""

    tickets: Tickets
    store: Callable[[], MailStore]

    def link(self, ticket_id: str, number: int) -> str:
        attachments = self.tickets.get(ticket_id).attachments
        if not 1 <= number <= len(attachments):
            raise TicketNotFound(f"ticket {ticket_id} has no attachment {number}")
        reference = attachments[number - 1]
        if reference.startswith(("http://", "https://")):
            return reference
        return self.store().link(reference)


def localise(view: dict[str, Any], zone: Any) -> None:
    """Every time in the view in the contract's zone, with a text that names the zone."""
    view["zone"] = str(zone)
    for entry in view["timeline"]:
        at = parse_instant(entry["at"]).astimezone(zone)
        entry["at"], entry["at_text"] = format_instant(at), local_text(at)
    opened = parse_instant(view["opened_at"]).astimezone(zone)
    view["opened_at"], view["opened_text"] = format_instant(opened), local_text(opened)
    for metric in view["metrics"].values():
        for key in ("due", "met_at"):
            if metric.get(key):
                metric[f"{key}_text"] = local_text(parse_instant(metric[key]).astimezone(zone))


def _caller(record: Ticket) -> dict[str, str] | None:
    """Who called, for a ticket typed up from a phone call: the name and number on its first
    event (the agent page shows them; the contact is the caller's address, if given)."""
    first = record.events[0].data if record.events else {}
    if first.get("channel") != "phone" or not first.get("caller"):
        return None
    return {"name": str(first["caller"]), "phone": str(first.get("phone") or "")}


def file_name(reference: str) -> str:
    """A kept file as people read it: the last part of its reference."""
    return reference.rstrip("/").rsplit("/", 1)[-1]


def canned_replies(policy: Policy, language: str) -> list[dict[str, Any]]:
    """The pack's texts an agent may start from: what goes to the customer in the contract's
    language (the pack's own if it has none in it), notes in the pack's (the desk's) language."""
    replies = policy.canned_replies
    to_customer = [r for r in replies if r.action != "note" and r.language == language]
    if not to_customer:
        to_customer = [r for r in replies if r.action != "note" and r.language == policy.language]
    notes = [r for r in replies if r.action == "note" and r.language == policy.language]
    return [
        {"id": r.id, "title": r.title, "action": r.action, "text": r.text, "rule": r.rule}
        for r in (*to_customer, *notes)
    ]


def actions_without_use(policy: Policy) -> set[str]:
    """The actions a ticket's pack has no use for: no vendor escalation without R004-9's part,
    no paid investigation without R002-6's, no consultancy (R001-5) or change requests
    (R004-1) where the pack names none, no compliance exclusions (R004-10) without thresholds.
    The agent page offers only the rest."""
    absent: set[str] = set()
    rules = policy.entitlements
    if rules.vendor is None:
        absent |= {"escalate_to_vendor", "vendor_follow_up", "vendor_resolved"}
    if policy.charges.investigation is None:
        absent |= {"offer_investigation", "accept_investigation", "decline_investigation"}
    if rules.consultancy is None:
        absent.add("handle_as_consultancy")
    if rules.outside_standard_support is None:
        absent.add("leave_standard_support")
    if not policy.compliance:
        absent |= {"exclude_from_compliance", "withdraw_exclusion"}
    return absent


def held_actions(actions: list[str], holder: str | None, agent: str | None) -> list[str]:
    """Who holds the ticket decides how to get it: "take" when nobody does, "take over" when a
    colleague does, neither for its holder."""
    if holder is None:
        return [a for a in actions if a != "take_over"]
    if holder == agent:
        return [a for a in actions if a not in ("take", "take_over")]
    return [a for a in actions if a != "take"]


def agent_actions(stage: str) -> list[str]:
    """The actions an agent can take on a ticket at this stage (the page offers only these)."""
    return [
        name for name, action in ACTIONS.items() if "agent" in action.by and stage in action.allowed
    ]


def _entry(event: LoggedEvent, for_customer: bool) -> dict[str, Any]:
    actor = event.actor
    entry = {
        "seq": event.seq,
        "at": format_instant(event.at),
        "type": event.type,
        "actor": "customer" if for_customer and actor != SYSTEM else actor,
        "message": event.data.get("message"),
        "priority": event.data.get("priority"),
        "reason": event.data.get("reason"),
    }
    if event.data.get("attachments"):  # the customer sees the names of the files
        entry["files"] = [file_name(str(r)) for r in event.data["attachments"]]
    if not for_customer:
        entry["internal"] = event.type not in CUSTOMER_EVENTS
        if event.data.get("attachments"):
            entry["attachments"] = list(event.data["attachments"])
        if event.data.get("channel"):
            entry["channel"] = event.data["channel"]
    return entry


QueueView = Literal["breached", "due_today", "mine", "unassigned", "waiting"]


def _in_view(row: dict[str, Any], view: str | None, agent: str | None) -> bool:
    if view is None:
        return True
    if view == "breached":
        return bool(row["breached"])
    if view == "due_today":
        due = row["due"]
        return due is not None and not row["breached"] and due[:10] == row["today"]
    if view == "mine":
        return row["assignee"] is not None and row["assignee"] == agent
    if view == "unassigned":
        return row["assignee"] is None
    if view == "waiting":
        return bool(row["stage"] == Stage.WAITING_ON_CUSTOMER)
    return True


def _matches(row: dict[str, Any], search: str | None) -> bool:
    if not search:
        return True
    needle = search.casefold()
    fields = ("ticket_id", "subject", "customer_id", "contact_email")
    return any(needle in str(row.get(f) or "").casefold() for f in fields)


def metric_badge(metric: dict[str, Any], now: datetime) -> str:
    """One metric as the queue shows it: met, paused, not started, breached, warned (a warning
    rung passed) or running, judged now (the stored summary may be older)."""
    if metric.get("met_at"):
        return "breached" if metric.get("breached") else "met"
    state = metric.get("state")
    if state in ("paused", "not_started"):
        return str(state).replace("_", " ")
    due = metric.get("due")
    if due is None:
        return "no target"
    due_at = parse_instant(due)
    if metric.get("breached") or now > due_at:
        return "breached"
    warned = any(
        e.get("due") and parse_instant(e["due"]) <= now and parse_instant(e["due"]) < due_at
        for e in metric.get("escalations", [])
    )
    return "warned" if warned else "running"


def local_text(instant: datetime) -> str:
    """An instant as the desk reads it: day, date and time in the contract's zone, named."""
    return f"{instant:%a %d %b %H:%M} {instant.tzname()}"


def queue_row(deadlines: Deadlines, record: Ticket, now: datetime) -> dict[str, Any]:
    """One queue line: its nearest unmet deadline (a breached one too: how late it is), the
    business time left until it (negative: late), and a badge per metric."""
    sla = record.sla
    zone = deadlines.policy(record).calendar().zone
    metrics = {n: sla[n] for n in ("response", "resolution") if isinstance(sla.get(n), dict)}
    badges = {name: metric_badge(m, now) for name, m in metrics.items()}
    open_due = [
        (name, m)
        for name, m in metrics.items()
        if m.get("due") and not m.get("met_at") and m.get("state") in ("running", "breached")
    ]
    nearest = min(open_due, key=lambda pair: parse_instant(pair[1]["due"]), default=None)
    left, due = None, None
    if nearest is not None:
        calendar = deadlines.policy(record).metric_calendar(nearest[0], sla.get("priority"))
        due = parse_instant(nearest[1]["due"])
        left = calendar.between(now, due) if due > now else -calendar.between(due, now)
    local_now = now.astimezone(zone)
    return {
        "ticket_id": record.ticket_id,
        "customer_id": record.customer_id,
        "contact_email": record.contact_email,
        "subject": record.subject,
        "stage": record.stage,
        "track": record.track,
        "priority": sla.get("priority"),
        "assignee": record.assignee,
        "group": record.group,
        "next_due": record.next_due,
        "metric": nearest[0] if nearest else None,
        "due": format_instant(due.astimezone(zone)) if due else None,
        "due_utc": format_instant(due.astimezone(UTC)) if due else None,
        "due_text": local_text(due.astimezone(zone)) if due else None,
        "today": f"{local_now:%Y-%m-%d}",
        "breached": bool(
            due is not None and (now > due or (nearest and nearest[1].get("breached")))
        ),
        "business_seconds_left": None if left is None else int(left.total_seconds()),
        "badges": badges,
        "version": record.version,
    }
