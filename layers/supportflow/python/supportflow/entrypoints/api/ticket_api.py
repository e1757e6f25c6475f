"""The ticket API for agents (bearer/Cognito) and customers (the token from their links): read a
ticket with its timeline and explained deadlines, the desk's queue, and every action."""

from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from supportflow.entrypoints.api.admin import router as admin_router
from supportflow.entrypoints.api.agents import router as agents_router
from supportflow.entrypoints.api.bookings import router as bookings_router
from supportflow.entrypoints.api.callers import admin_of, agent_or_admin, deps_of
from supportflow.entrypoints.api.http_errors import install_error_handlers
from supportflow.entrypoints.api.links import router as links_router
from supportflow.entrypoints.api.openapi import merged
from supportflow.entrypoints.api.problems import rca_answer
from supportflow.entrypoints.api.problems import router as problems_router
from supportflow.entrypoints.api.responses import COMMON, Moved, answer, json_response, problems
from supportflow.observability import count
from supportflow.services.desk.record_action import ActionRequest
from supportflow.services.desk.search import Status
from supportflow.services.desk.views import QueueView
from supportflow.services.intake.filings import FilingNotFound
from supportflow.services.intake.phone import PhoneNote

app = APIGatewayRestResolver(enable_validation=True)
install_error_handlers(app)
app.include_router(admin_router)
app.include_router(agents_router)
app.include_router(bookings_router)
app.include_router(problems_router)
app.include_router(links_router)

# The actions as the API names them (tests keep these equal to domain.routing.ACTIONS).
AgentAction = Literal[
    "take",
    "take_over",
    "assign",
    "respond",
    "ask_customer",
    "customer_reply",
    "customer_message",
    "note",
    "hand_to_second_line",
    "record_root_cause",
    "change_priority",
    "resolve",
    "reopen",
    "close",
    "log_work",
    "offer_investigation",
    "accept_investigation",
    "decline_investigation",
    "handle_as_consultancy",
    "leave_standard_support",
    "escalate_to_vendor",
    "vendor_follow_up",
    "vendor_resolved",
    "exclude_from_compliance",
    "withdraw_exclusion",
    "link_incident",
    "attach_rca_report",
]
CustomerAction = Literal[
    "reply", "confirm", "reopen", "accept_investigation", "decline_investigation", "request_rca"
]
CUSTOMER_ACTIONS = {  # request_rca is not an action on the ticket: it opens an RCA task
    "reply": "customer_message",
    "confirm": "confirm",
    "reopen": "reopen",
    "accept_investigation": "accept_investigation",  # R002-6: the customer's choice
    "decline_investigation": "decline_investigation",
}
TicketId = Annotated[str, Path(pattern=r"^T-[0-9A-Z]{10}$")]
CustomerId = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]


def _with_files(request: ActionRequest) -> dict[str, Any]:
    """An action's data; files uploaded for it (`uploads`) checked and kept, and named on its
    event as its attachments (UploadRefused: 422)."""
    data = request.data()
    keys = data.pop("uploads", None)
    if keys:
        data["attachments"] = list(deps_of(app).uploads().verify(keys))
    return data


def _agent() -> str:
    settings = deps_of(app).settings
    return agent_or_admin(app.current_event.raw_event, settings.agent_token, settings.admin_token)


def _customer(ticket_id: str, token: str | None, authorization: str | None = None) -> str:
    """The ticket's customer: its link while the link works (401 not a link of it, 410 one
    that was withdrawn or expired), or a portal session of a contact who may see it (who acts:
    that contact; a link's holder is "customer")."""
    access = deps_of(app).customer_access()
    return access.actor(ticket_id, token=token, authorization=authorization)


@app.get(
    "/tickets/<ticket_id>",
    summary="A ticket, its timeline and explained deadlines (agents)",
    responses={200: answer("the ticket"), **problems(401, 404, *COMMON)},
)
def get_ticket(ticket_id: TicketId) -> dict[str, Any]:
    agent = _agent()
    return deps_of(app).views().ticket(ticket_id, for_customer=False, agent=agent)


@app.get(
    "/tickets/<ticket_id>/attachments/<number>",
    summary="Open a ticket's attachment (agents): a redirect to a short-lived address",
    description='With `Accept: application/json`: `{"url": ...}` instead of the redirect.',
    responses={
        302: {"description": "to the attachment"},
        200: answer("the attachment's address"),
        **problems(401, 404, *COMMON),
    },
)
def get_attachment(
    ticket_id: TicketId,
    number: Annotated[int, Path(ge=1, le=100)],
    accept: Annotated[str | None, Header(alias="Accept", max_length=500)] = None,
) -> Response[Any]:
    _agent()
    link = deps_of(app).attachments().link(ticket_id, number)
    if accept and "application/json" in accept:  # a page's script: the address to open
        return json_response(200, {"url": link})
    return Response(status_code=302, headers={"Location": link}, body="")


@app.get(
    "/tickets/<ticket_id>/status",
    summary="A ticket's status and deadlines (the customer)",
    description="With the ticket's link token (`X-Customer-Token` or `?token=`), or a portal "
    "session (`Authorization: Portal <session>`) of a contact who may see the ticket.",
    responses={
        200: answer("the ticket as its customer sees it"),
        **problems(401, 404, 410, *COMMON),
    },
)
def get_status(
    ticket_id: TicketId,
    token: Annotated[str | None, Query(max_length=64)] = None,
    header_token: Annotated[str | None, Header(alias="X-Customer-Token", max_length=64)] = None,
    authorization: Annotated[str | None, Header(alias="Authorization", max_length=1300)] = None,
) -> dict[str, Any]:
    _customer(ticket_id, header_token or token, authorization)
    return deps_of(app).views().ticket(ticket_id, for_customer=True)


@app.get(
    "/forms",
    summary="Every customer's web-form fields (agents: filing for a customer)",
    responses={200: answer("the forms"), **problems(401, *COMMON)},
)
def get_forms() -> dict[str, Any]:
    _agent()
    return {"customers": deps_of(app).customer_forms().every()}


@app.get(
    "/forms/<customer_id>",
    summary="One customer's web-form fields (public: the customer's own form link)",
    responses={200: answer("the form"), **problems(404, *COMMON)},
)
def get_form(customer_id: CustomerId) -> dict[str, Any]:
    return {"customers": [deps_of(app).customer_forms().one(customer_id)]}


@app.get(
    "/queue",
    summary="Open tickets, the late first, then the nearest deadline",
    description="`view` narrows the queue (breached, due_today, mine, unassigned, waiting); "
    "`group` to a line's tickets (first_line, second_line), `owner` to one agent's; "
    "`q` searches the id, subject, customer and contact of open tickets (`/search` searches "
    "every ticket's conversation too). A page holds `limit` tickets; `after` is the `next` of "
    "the page before (null: the last page).",
    responses={200: answer("the queue"), **problems(401, *COMMON)},
)
def get_queue(
    view: Annotated[QueueView | None, Query()] = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    group: Annotated[Literal["first_line", "second_line"] | None, Query()] = None,
    owner: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9@._+-]{1,128}$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    after: Annotated[str | None, Query(max_length=120)] = None,
) -> dict[str, Any]:
    agent = _agent()
    views = deps_of(app).views()
    return views.queue(view, q, agent, group=group, owner=owner, limit=limit, after=after)


@app.get(
    "/search",
    summary="Tickets with every word asked for, open and closed, newest first (agents)",
    description="`q` is matched against the subject, description, contact, caller and the "
    "whole conversation (messages and notes), case and accents aside; `status` narrows to "
    "open or closed tickets, `customer` to one customer's. A page holds `limit` tickets; "
    "`after` is the `next` of the page before (null: the last page).",
    responses={200: answer("a page of tickets"), **problems(401, *COMMON)},
)
def search_tickets(
    q: Annotated[str, Query(min_length=1, max_length=200)],
    status: Annotated[Status, Query()] = "any",
    customer: Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")] = None,
    after: Annotated[str | None, Query(max_length=120)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
) -> dict[str, Any]:
    _agent()
    search = deps_of(app).search_tickets()
    return search.search(q, status=status, customer_id=customer, after=after, limit=limit)


@app.get(
    "/customers/<customer_id>/tickets",
    summary="A customer's tickets, open and closed, newest first, with their SLA outcome",
    description="`before` is the `next` of the page before (null: the last page).",
    responses={200: answer("a page of the customer's tickets"), **problems(401, 404, *COMMON)},
)
def customer_tickets(
    customer_id: CustomerId,
    status: Annotated[Status, Query()] = "any",
    before: Annotated[str | None, Query(max_length=120)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
) -> dict[str, Any]:
    _agent()
    history = deps_of(app).search_tickets()
    return history.customer(customer_id, status=status, before=before, limit=limit)


@app.post(
    "/tickets/<ticket_id>/actions/<action>",
    summary="An agent's action",
    responses={200: answer("done", Moved), **problems(401, 404, 409, *COMMON)},
)
def agent_action(
    ticket_id: TicketId,
    action: Annotated[AgentAction, Path()],
    request: Annotated[ActionRequest, Body()],
    if_match: Annotated[int | None, Header(alias="If-Match")] = None,
) -> dict[str, Any]:
    agent = _agent()
    done = deps_of(app).record_action()(
        ticket_id,
        action,
        actor=agent,
        role="agent",
        data=_with_files(request),
        expected_version=if_match,
    )
    count(f"Action_{action}")
    return {"ticket_id": ticket_id, "stage": done.ticket.stage, "version": done.ticket.version}


@app.post(
    "/tickets/<ticket_id>/customer/<action>",
    summary="A customer's reply, confirmation or reopen; or a request for an RCA report",
    description="`request_rca` (R004-8, after a breached target) answers 201 with the RCA task "
    "it opened (200: the one asked for before), or 422 saying why it cannot be asked. With the "
    "ticket's link token (`X-Customer-Token`) or a portal session (`Authorization: Portal "
    "<session>`, the contact is named as who acted).",
    responses={
        200: answer("done", Moved),
        201: answer("the RCA task"),
        **problems(401, 404, 409, 410, 422, *COMMON),
    },
)
def customer_action(
    ticket_id: TicketId,
    action: Annotated[CustomerAction, Path()],
    request: Annotated[ActionRequest, Body()],
    token: Annotated[str | None, Header(alias="X-Customer-Token", max_length=64)] = None,
    authorization: Annotated[str | None, Header(alias="Authorization", max_length=1300)] = None,
) -> Response[Any]:
    actor = _customer(ticket_id, token, authorization)
    if action == "request_rca":
        return rca_answer(deps_of(app).problems().request_rca(ticket_id, actor=actor))
    done = deps_of(app).record_action()(
        ticket_id,
        CUSTOMER_ACTIONS[action],
        actor=actor,
        role="customer",
        data=_with_files(request),
    )
    moved = {"ticket_id": ticket_id, "stage": done.ticket.stage, "version": done.ticket.version}
    return json_response(200, moved)


@app.post(
    "/tickets/phone",
    summary="File a ticket for a caller (agents)",
    description="A call typed up: it opens at `called_at` on channel phone, with the caller's "
    "name and number; `Idempotency-Key` makes a retry the same ticket.",
    responses={
        201: answer("filed"),
        200: answer("the same ticket again"),
        **problems(401, *COMMON),
    },
)
def file_call(
    note: Annotated[PhoneNote, Body()],
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", max_length=128, pattern=r"^[\x21-\x7e]*$")
    ] = None,
) -> Response[dict[str, Any]]:
    agent = _agent()
    opened = deps_of(app).file_call()(note, agent, idempotency_key or None)
    body = {"ticket_id": opened.ticket.ticket_id, "created": opened.created}
    if opened.created:
        count("PhoneNotes")
        body |= {"customer_token": opened.customer_token, "status_url": opened.status_url}
    return json_response(201 if opened.created else 200, body)


FilingId = Annotated[str, Path(pattern=r"^F-[0-9A-F]{10}$")]


@app.get(
    "/filings",
    summary="Filings held for an agent: unknown addresses and customers (agents)",
    responses={200: answer("the held filings"), **problems(401, *COMMON)},
)
def get_filings() -> dict[str, Any]:
    _agent()
    return deps_of(app).held_filings().list()


class FilingDecision(BaseModel):
    """With an accept: the customer to file it under (a mail from an unknown sender), and
    whether to add the sender to that customer's known contacts (admins: a new contract
    version), so their next filing opens a ticket without a hold."""

    model_config = ConfigDict(extra="forbid")

    customer: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")
    add_contact: bool = False


@app.post(
    "/filings/<filing_id>/<decision>",
    summary="Accept a held filing (it becomes a ticket) or reject it (agents)",
    description="`add_contact: true` (admins; else 403) also adds the sender to the customer's "
    "known contacts: a new contract version.",
    responses={200: answer("decided"), **problems(401, 403, 404, *COMMON)},
)
def decide_filing(
    filing_id: FilingId,
    decision: Annotated[Literal["accept", "reject"], Path()],
    request: Annotated[FilingDecision | None, Body()] = None,
) -> dict[str, Any]:
    agent = _agent()
    deps = deps_of(app)
    filings = deps.held_filings()
    if decision == "accept" and request is not None and request.add_contact:
        settings = deps.settings
        event = app.current_event.raw_event
        admin = admin_of(event, settings.agent_token, settings.admin_token, settings.admin_group)
        held = next((f for f in filings.list()["filings"] if f["filing_id"] == filing_id), None)
        if held is None:
            raise FilingNotFound(f"no held filing {filing_id}")
        customer = request.customer or str(held["customer"] or "")
        deps.manage_contracts().add_contact(customer, str(held["contact_email"]), admin)
    if decision == "reject":
        filings.reject(filing_id)
        return {"filing_id": filing_id, "decision": "rejected", "by": agent}
    opened = filings.accept(filing_id, request.customer if request else None)
    return {
        "filing_id": filing_id,
        "decision": "accepted",
        "by": agent,
        "ticket_id": opened.ticket.ticket_id,
    }


@app.get("/openapi.json", summary="This API's OpenAPI document", include_in_schema=False)
def openapi() -> dict[str, Any]:
    """The whole API's document (openapi.json): the intake's, portal's and privacy's routes too."""
    from supportflow.entrypoints.api import intake, portal, privacy  # only when asked

    return merged([intake.app, app, portal.app, privacy.app])
