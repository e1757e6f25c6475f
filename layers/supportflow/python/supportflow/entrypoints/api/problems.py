"""Problem management (R004-8): problem records and requests for an RCA report.

    POST /customers/{customer_id}/problems          register a problem record linking incidents
                                                    (agents; a suggestion on an incident names
                                                    them); the same incidents again: the same
                                                    record
    POST /tickets/{ticket_id}/rca_request           the customer's written request for an RCA
                                                    report after a breach, typed up by an agent
    POST /tickets/{ticket_id}/customer/request_rca  the same request from the customer's link
                                                    (a customer action, ticket_api.py)

An RCA request opens an RCA task due one calendar month later (tracked, escalated and reviewed
like any ticket); asking again gives the same task. A request the contract or the ticket does
not allow (no breach, no RCA in the contract) is a 422 saying why.
"""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from pydantic import BaseModel, ConfigDict, Field

from supportflow.domain.common.text import OneLine, Text
from supportflow.entrypoints.api.admin import CustomerId
from supportflow.entrypoints.api.callers import agent_calling, deps_of
from supportflow.entrypoints.api.responses import COMMON, answer, json_response, problems
from supportflow.services.intake.open_ticket import Opened

router = Router()
TicketId = Annotated[str, Path(pattern=r"^T-[0-9A-Z]{10}$")]
Incident = Annotated[str, Field(pattern=r"^T-[0-9A-Z]{10}$")]


class NewProblem(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    incidents: list[Incident] = Field(min_length=1, max_length=100)
    subject: OneLine = Field(min_length=1, max_length=200)
    description: Text = Field(default="", max_length=20_000)


def rca_answer(opened: Opened) -> Response[Any]:
    ticket = opened.ticket
    body = {
        "ticket_id": ticket.ticket_id,
        "created": opened.created,
        "type": ticket.attributes.get("type"),
        "stage": ticket.stage,
        "details": dict(ticket.events[0].data) if ticket.events else {},
    }
    return json_response(201 if opened.created else 200, body)


@router.post(
    "/customers/<customer_id>/problems",
    summary="Register a problem record linking a customer's incidents (agents, R004-8)",
    responses={
        201: answer("registered"),
        200: answer("registered before"),
        **problems(401, 422, *COMMON),
    },
)
def register_problem(
    customer_id: CustomerId, request: Annotated[NewProblem, Body()]
) -> Response[Any]:
    agent = agent_calling(router)
    opened = (
        deps_of(router)
        .problems()
        .register(
            customer_id,
            request.incidents,
            subject=request.subject,
            description=request.description or request.subject,
            actor=agent,
        )
    )
    return rca_answer(opened)


@router.post(
    "/tickets/<ticket_id>/rca_request",
    summary="A customer's request for an RCA report after a breach, typed up (agents, R004-8)",
    responses={
        201: answer("the RCA task"),
        200: answer("the RCA task asked for before"),
        **problems(401, 404, 422, *COMMON),
    },
)
def request_rca(ticket_id: TicketId) -> Response[Any]:
    agent = agent_calling(router)
    return rca_answer(deps_of(router).problems().request_rca(ticket_id, actor=agent))
