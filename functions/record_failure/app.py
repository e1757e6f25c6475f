"""Workflow failure path: say on the ticket what went wrong, so it is visible, not lost."""

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
    error = event.get("error") or {}
    metrics.add_metric(name="WorkflowFailures", unit=MetricUnit.Count, value=1)
    logger.error("workflow step failed", extra={"error": error})
    return bootstrap.desk().record_failure(
        event["ticket_id"], str(error.get("Error", "Unknown")), str(error.get("Cause", ""))
    )
