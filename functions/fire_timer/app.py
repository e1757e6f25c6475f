"""EventBridge Scheduler target: a timer went off. Re-reads the ticket; a stale timer only logs."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from supportflow import bootstrap

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@logger.inject_lambda_context(correlation_id_path="ticket_id")
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    outcome = bootstrap.desk().fire_timer(event, bootstrap.now())
    stale = outcome.startswith("stale")
    metrics.add_metric(
        name="StaleTimers" if stale else "TimersFired", unit=MetricUnit.Count, value=1
    )
    logger.info("timer", extra={"outcome": outcome, "timer": event.get("name")})
    return {"ticket_id": event.get("ticket_id"), "outcome": outcome}
