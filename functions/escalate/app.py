"""Workflow step: e-mail the role the escalation ladder names and plan the next rung."""

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
    result = bootstrap.desk().escalate(
        event["ticket_id"], event["metric"], int(event["rung"]), bootstrap.now()
    )
    if result.get("sent"):
        metrics.add_metric(name="Escalations", unit=MetricUnit.Count, value=1)
    return result
