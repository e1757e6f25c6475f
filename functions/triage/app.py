"""Workflow step: priority and deadlines from the policy, timers scheduled, on to first line."""

from __future__ import annotations

from typing import Any

from supportflow.bootstrap import Container, entry
from supportflow.observability import Handler, instrument
from supportflow.services.workflow.steps import TriageInput
from supportflow.settings import TriageSettings

SETTINGS = TriageSettings


def build(deps: Container) -> Handler:
    triage = deps.triage()

    @instrument(correlation_id_path="ticket_id")
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        routed = triage(TriageInput.model_validate(event).ticket_id)
        out: dict[str, Any] = {"ticket_id": routed.ticket_id, "next": routed.next}
        if routed.priority is not None:
            out["priority"] = routed.priority
        return out

    return handler


lambda_handler = entry(build, SETTINGS)
