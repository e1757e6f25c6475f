"""Read models for people: a ticket with its timeline and explained deadlines, and the queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from supportflow.domain.explain import explain, render_text
from supportflow.domain.timeutil import format_instant, parse_instant
from supportflow.services.desk import Desk

QUEUE_STAGES = ("first_line", "second_line", "waiting_on_customer", "resolved")
CUSTOMER_EVENTS = (
    "opened",
    "responded",
    "waiting_on_customer",
    "customer_replied",
    "resolved",
    "reopened",
    "closed",
)


def ticket_view(desk: Desk, ticket_id: str, now: datetime, *, for_customer: bool) -> dict[str, Any]:
    record, events, state = desk.sla_of(ticket_id, now)
    contract = desk.contract_of(record)
    explanation = explain(state)
    view: dict[str, Any] = {
        "ticket_id": record.ticket_id,
        "customer": contract.name,
        "subject": record.subject,
        "description": record.description,
        "stage": record.stage,
        "priority": state.priority,
        "policy": f"{record.policy_id} v{record.policy_version}",
        "opened_at": format_instant(record.opened_at),
        "version": record.version,
        "metrics": {name: m.as_dict() for name, m in state.metrics.items()},
        "timeline": [
            {
                "seq": e.seq,
                "at": format_instant(e.at),
                "type": e.type,
                "actor": "customer" if for_customer and e.actor != "supportflow" else e.actor,
                "message": e.data.get("message"),
                "priority": e.data.get("priority"),
                "reason": e.data.get("reason"),
            }
            for e in events
            if not for_customer or e.type in CUSTOMER_EVENTS
        ],
    }
    if not for_customer:
        view.update(
            contact_email=record.contact_email,
            attachments=record.attachments,
            assignee=record.assignee,
            failure=record.failure,
            explanation=explanation.as_dict(),
            explanation_text=render_text(explanation),
            timers=record.timers,
        )
    return view


def queue_view(desk: Desk, now: datetime) -> dict[str, Any]:
    rows = []
    for record in desk.repo.queue(QUEUE_STAGES):
        sla = record.sla
        running = [
            (name, sla[name])
            for name in ("response", "resolution")
            if isinstance(sla.get(name), dict)
            and sla[name].get("due")
            and sla[name].get("state") in ("running", "breached")
            and not sla[name].get("met_at")
        ]
        nearest = min(running, key=lambda pair: pair[1]["due"], default=None)
        left = None
        if nearest is not None:
            policy = desk.policies.get(record.policy_id, version=record.policy_version)
            calendar = policy.metric_calendar(nearest[0], sla.get("priority"))
            due = parse_instant(nearest[1]["due"])
            left = calendar.between(now, due) if due > now else -calendar.between(due, now)
        rows.append(
            {
                "ticket_id": record.ticket_id,
                "customer_id": record.customer_id,
                "subject": record.subject,
                "stage": record.stage,
                "priority": sla.get("priority"),
                "assignee": record.assignee,
                "next_due": record.next_due,
                "metric": nearest[0] if nearest else None,
                "breached": bool(nearest and nearest[1].get("breached")),
                "business_seconds_left": None if left is None else int(left.total_seconds()),
                "version": record.version,
            }
        )
    rows.sort(key=lambda r: (r["next_due"] is None, r["next_due"] or ""))
    return {"now": format_instant(now), "tickets": rows}
