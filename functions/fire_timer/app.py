"""EventBridge Scheduler target: a timer went off. Re-reads the ticket; a stale timer only logs."""

from __future__ import annotations

from typing import Any

from supportflow.bootstrap import Container, entry
from supportflow.observability import Handler, count, instrument, logger
from supportflow.services.workflow.steps import TimerPayload
from supportflow.settings import FireTimerSettings

SETTINGS = FireTimerSettings


def build(deps: Container) -> Handler:
    fire_timer = deps.fire_timer()

    @instrument(correlation_id_path="ticket_id")
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        timer = TimerPayload.model_validate(event)
        outcome = fire_timer(timer)
        count("StaleTimers" if outcome.kind == "stale" else "TimersFired")
        logger.info("timer", extra={"outcome": str(outcome), "timer": timer.name})
        return {"ticket_id": timer.ticket_id, "outcome": str(outcome), "kind": outcome.kind}

    return handler


lambda_handler = entry(build, SETTINGS)
