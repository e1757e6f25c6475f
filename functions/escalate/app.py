"""Workflow step: e-mail the role the escalation ladder names and plan the next rung."""

from __future__ import annotations

from typing import Any

from supportflow.bootstrap import Container, entry
from supportflow.observability import Handler, count, instrument
from supportflow.services.workflow.steps import EscalateInput
from supportflow.settings import EscalateSettings

SETTINGS = EscalateSettings


def build(deps: Container) -> Handler:
    escalate = deps.escalate()

    @instrument(correlation_id_path="ticket_id", capture_response=False)  # a manager's address
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        step = EscalateInput.model_validate(event)
        done = escalate(step.ticket_id, step.metric, step.rung)
        if done.sent:
            count("Escalations")
        out: dict[str, Any] = {"ticket_id": done.ticket_id, "next": done.next, "sent": done.sent}
        if done.to is not None:
            out["to"] = done.to
        return out

    return handler


lambda_handler = entry(build, SETTINGS)
