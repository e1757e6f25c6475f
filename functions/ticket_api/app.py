"""The ticket API for agents (bearer/Cognito) and customers (the token from their links):
read a ticket with its timeline and explained deadlines, the desk's queue, and every action."""

from typing import Annotated, Any, Literal

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from supportflow import bootstrap
from supportflow.api import Unauthorized, agent_of, install_error_handlers
from supportflow.services.desk import ActionRequest
from supportflow.services.views import queue_view, ticket_view
from supportflow.settings import settings

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = APIGatewayRestResolver(enable_validation=True)
install_error_handlers(app)

AgentAction = Literal[
    "take",
    "respond",
    "ask_customer",
    "customer_reply",
    "hand_to_second_line",
    "record_root_cause",
    "change_priority",
    "resolve",
    "reopen",
    "close",
]
CustomerAction = Literal["reply", "confirm", "reopen"]
CUSTOMER_ACTIONS = {"reply": "customer_reply", "confirm": "confirm", "reopen": "reopen"}
TicketId = Annotated[str, Path(pattern=r"^T-[0-9A-Z]{10}$")]


def _agent() -> str:
    return agent_of(app.current_event.raw_event, settings().agent_token)


@app.get("/tickets/<ticket_id>", summary="A ticket, its timeline and explained deadlines (agents)")
@tracer.capture_method
def get_ticket(ticket_id: TicketId) -> dict[str, Any]:
    _agent()
    return ticket_view(bootstrap.desk(), ticket_id, bootstrap.now(), for_customer=False)


@app.get("/tickets/<ticket_id>/status", summary="A ticket's status and deadlines (the customer)")
@tracer.capture_method
def get_status(
    ticket_id: TicketId,
    token: Annotated[str | None, Query(max_length=64)] = None,
    header_token: Annotated[str | None, Header(alias="X-Customer-Token", max_length=64)] = None,
) -> dict[str, Any]:
    desk = bootstrap.desk()
    if not desk.check_customer_token(ticket_id, header_token or token):
        raise Unauthorized("this link is not valid for this ticket")
    return ticket_view(desk, ticket_id, bootstrap.now(), for_customer=True)


@app.get("/queue", summary="Open tickets, nearest deadline first")
@tracer.capture_method
def get_queue() -> dict[str, Any]:
    _agent()
    return queue_view(bootstrap.desk(), bootstrap.now())


@app.post("/tickets/<ticket_id>/actions/<action>", summary="An agent's action")
@tracer.capture_method
def agent_action(
    ticket_id: TicketId,
    action: Annotated[AgentAction, Path()],
    request: Annotated[ActionRequest, Body()],
    if_match: Annotated[int | None, Header(alias="If-Match")] = None,
) -> dict[str, Any]:
    agent = _agent()
    desk = bootstrap.desk()
    record = desk.act(
        ticket_id,
        action,
        actor=agent,
        role="agent",
        data=request.data(),
        now=bootstrap.now(),
        expected_version=if_match,
    )
    metrics.add_metric(name=f"Action_{action}", unit=MetricUnit.Count, value=1)
    return {"ticket_id": ticket_id, "stage": record.stage, "version": record.version}


@app.post(
    "/tickets/<ticket_id>/customer/<action>", summary="A customer's reply, confirmation or reopen"
)
@tracer.capture_method
def customer_action(
    ticket_id: TicketId,
    action: Annotated[CustomerAction, Path()],
    request: Annotated[ActionRequest, Body()],
    token: Annotated[str, Header(alias="X-Customer-Token", max_length=64)],
) -> dict[str, Any]:
    desk = bootstrap.desk()
    if not desk.check_customer_token(ticket_id, token):
        raise Unauthorized("this link is not valid for this ticket")
    record = desk.act(
        ticket_id,
        CUSTOMER_ACTIONS[action],
        actor="customer",
        role="customer",
        data=request.data(),
        now=bootstrap.now(),
    )
    return {"ticket_id": ticket_id, "stage": record.stage, "version": record.version}


@app.get("/openapi.json", summary="This API's OpenAPI document", include_in_schema=False)
def openapi() -> dict[str, Any]:
    return app.get_openapi_schema().model_dump(mode="json", by_alias=True, exclude_none=True)


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
@metrics.log_metrics
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
