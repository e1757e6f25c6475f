"""Workflow failure path: say on the ticket what went wrong, so it is visible, not lost."""

from __future__ import annotations

from typing import Any

from supportflow.bootstrap import Container, entry
from supportflow.observability import Handler, count, instrument, logger
from supportflow.services.workflow.steps import RecordFailureInput
from supportflow.settings import RecordFailureSettings

SETTINGS = RecordFailureSettings


def build(deps: Container) -> Handler:
    record_failure = deps.record_failure()

    @instrument(correlation_id_path="ticket_id")
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        step = RecordFailureInput.model_validate(event)
        count("WorkflowFailures")
        logger.error("workflow step failed", extra={"error": step.error.error})
        done = record_failure(step.ticket_id, step.error.error, step.error.cause)
        return {"ticket_id": done.ticket_id, "failure": done.failure}

    return handler


lambda_handler = entry(build, SETTINGS)
