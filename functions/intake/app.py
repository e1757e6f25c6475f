"""POST /tickets: the public intake (web form, e-mail gateway, monitoring alerts)."""

from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Header
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from supportflow import bootstrap
from supportflow.api import TooLarge, form_to_json, install_error_handlers, raw_error
from supportflow.services.desk import NewTicket

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = APIGatewayRestResolver(enable_validation=True)
install_error_handlers(app)


@app.post(
    "/tickets",
    summary="File a ticket",
    description="JSON or an HTML form post (application/x-www-form-urlencoded, the same fields). "
    "The same Idempotency-Key, or without one the same content, gives the same ticket.",
    responses={
        201: {"description": "created"},
        200: {"description": "the same ticket again"},
        422: {"description": "invalid"},
    },
)
@tracer.capture_method
def file_ticket(
    ticket: Annotated[NewTicket, Body()],
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=128)] = None,
) -> Response[dict[str, Any]]:
    desk = bootstrap.desk()
    opened = desk.open_ticket(ticket, idempotency_key, bootstrap.now())
    record = opened.record
    if opened.created:
        metrics.add_metric(name="TicketsOpened", unit=MetricUnit.Count, value=1)
    logger.info("ticket filed", extra={"ticket_id": record.ticket_id, "new_ticket": opened.created})
    return Response(
        status_code=201 if opened.created else 200,
        content_type=content_types.APPLICATION_JSON,
        body={
            "ticket_id": record.ticket_id,
            "customer_token": opened.customer_token,
            "status_url": desk.links.customer(record.ticket_id, opened.customer_token),
            "created": opened.created,
        },
    )


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    try:
        event = form_to_json(event)
    except TooLarge as exc:
        return raw_error(413, str(exc))
    return app.resolve(event, context)
