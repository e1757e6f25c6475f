"""Workflow step (.waitForTaskToken): keep the callback token on the ticket until an action or
a timer completes the step."""

from __future__ import annotations

from typing import Any

from supportflow.bootstrap import Container, entry
from supportflow.observability import Handler, instrument
from supportflow.services.workflow.steps import ParkInput
from supportflow.settings import ParkSettings

SETTINGS = ParkSettings


def build(deps: Container) -> Handler:
    park = deps.park()

    @instrument(correlation_id_path="ticket_id", capture_response=False)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        step = ParkInput.model_validate(event)
        parked = park(step.ticket_id, step.stage, step.token)
        return {"ticket_id": parked.ticket_id, "parked": parked.parked, "stage": parked.stage}

    return handler


lambda_handler = entry(build, SETTINGS)
