"""POST /tickets: the public intake (the web form, scripts); POST /alerts: a customer's
monitoring, with its own key."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Header
from pydantic import BaseModel, ConfigDict, Field

from supportflow.entrypoints.api.callers import deps_of
from supportflow.entrypoints.api.cors import cross_site_filing, is_same_site, origin_of
from supportflow.entrypoints.api.http_errors import install_error_handlers
from supportflow.entrypoints.api.requests import is_form_post
from supportflow.entrypoints.api.responses import (
    COMMON,
    Filed,
    Held202,
    Repeated,
    answer,
    json_response,
    problems,
)
from supportflow.errors import Forbidden, Unauthorized
from supportflow.observability import count, logger
from supportflow.services.intake.alerts import (
    AlertmanagerWebhook,
    GenericAlerts,
    alerts_in,
    customer_of_key,
)
from supportflow.services.intake.filing import NewTicket
from supportflow.services.intake.open_ticket import Held
from supportflow.services.portal.sessions import session_token

app = APIGatewayRestResolver(enable_validation=True)
REPEATED = "this ticket was filed already; the link to follow it was mailed to its contact"
HELD = "received; the desk answers once it has checked this filing"
install_error_handlers(app)


@app.post(
    "/tickets",
    summary="File a ticket",
    description="JSON or an HTML form post (application/x-www-form-urlencoded, the same fields: "
    "answered with a redirect to the status page, or a page saying why it was not filed). "
    "The same Idempotency-Key, or without one the same content, gives the same ticket. From "
    "another site (an Origin not the desk's) the customer's contract must list that site "
    "(allowed_origins), else 403 and nothing is stored. With a portal session "
    "(`Authorization: Portal <session>`: a contact signed in to the portal) the ticket is "
    "filed on channel portal for the session's contact and customer, whatever the form says "
    "(401 if the session is not valid).",
    responses={
        303: {"description": "a form post: to the status page (or the page saying it is held)"},
        201: answer("filed", Filed),
        200: answer(
            "the same ticket again (no token: the link was mailed to its contact)", Repeated
        ),
        202: answer(
            "held for an agent to check (an address or a customer the desk does not know: "
            "answered alike, nothing is mailed)",
            Held202,
        ),
        **problems(401, 403, *COMMON),
    },
)
def file_ticket(
    ticket: Annotated[NewTicket, Body()],
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", max_length=128, pattern=r"^[\x21-\x7e]*$")
    ] = None,
    authorization: Annotated[str | None, Header(alias="Authorization", max_length=1300)] = None,
) -> Response[Any]:
    deps = deps_of(app)
    event = app.current_event.raw_event
    if not is_same_site(event, deps.link_base()):  # a form on a customer's own site
        cross_site_filing(deps.contracts, ticket.customer, ticket.contact_email, origin_of(event))
    if session_token(authorization) is not None:  # signed in to the portal (401 if not valid)
        viewer = deps.customer_access().viewer(authorization)  # contact and customer: its own
        opened = deps.portal_filing()(viewer, ticket, idempotency_key or None)
    else:
        opened = deps.open_ticket()(ticket, idempotency_key or None)  # "" is no key
    plain_form = is_form_post(event)  # a browser's HTML form: it lands on the status page
    if isinstance(opened, Held):  # unknown sender or customer: the same answer, no mail
        count("FilingsHeld")
        if plain_form:
            return see_other(f"{deps.link_base()}/status#/filed?held")
        return json_response(202, {"message": HELD})
    ticket_id = opened.ticket.ticket_id
    logger.info("ticket filed", extra={"ticket_id": ticket_id, "new_ticket": opened.created})
    if not opened.created:  # a repeat: whoever sends it gets no token (it was mailed)
        if plain_form:
            return see_other(f"{deps.link_base()}/status#/filed?repeated")
        return json_response(200, {"ticket_id": ticket_id, "created": False, "message": REPEATED})
    count("TicketsOpened")
    if plain_form:
        return see_other(opened.status_url or f"{deps.link_base()}/status#/filed?held")
    return json_response(
        201,
        {
            "ticket_id": ticket_id,
            "customer_token": opened.customer_token,
            "status_url": opened.status_url,
            "created": True,
        },
    )


class UploadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    filename: str = Field(min_length=1, max_length=255)
    content_type: str = Field(min_length=3, max_length=100, pattern=r"^[\x21-\x7e]+$")
    size: int = Field(ge=0, le=10**10)


@app.post(
    "/uploads",
    summary="A place to upload one file to, before filing (the form and the status page)",
    description="Screenshots (PNG, JPEG, GIF, WebP) and PDFs up to 10 MB, text up to 2 MB, "
    "short videos (MP4, WebM, QuickTime) up to 50 MB. The answer is a form post (`url`, "
    "`fields`) that takes only this file for ten minutes, straight to the desk's store; the "
    "ticket (or the message) then names its `key` in `uploads`. A file not filed is gone "
    "within a day. Only from the desk's own pages.",
    responses={201: answer("where to upload it"), **problems(403, 422, *COMMON)},
)
def offer_upload(upload: Annotated[UploadRequest, Body()]) -> Response[Any]:
    deps = deps_of(app)
    if not is_same_site(app.current_event.raw_event, deps.link_base()):
        raise Forbidden("files are uploaded from the desk's own pages")
    offered = deps.uploads().offer(upload.filename, upload.content_type, upload.size)
    count("UploadsOffered")
    return json_response(201, offered)


def see_other(location: str) -> Response[Any]:
    return Response(status_code=303, headers={"Location": location}, body="")


@app.post(
    "/alerts",
    summary="A monitoring alert (a customer's own key)",
    description="`Authorization: Bearer <the customer's alert key>`. The generic shape "
    '(`{"alerts": [{"status", "fingerprint", "title", ...}]}`) or Prometheus '
    "Alertmanager's webhook. A firing alert opens an outage ticket; the same alert while its "
    "ticket is open is logged on it; a resolved alert records the recovery.",
    responses={200: answer("what each alert did"), **problems(401, *COMMON)},
)
def post_alerts(
    body: Annotated[GenericAlerts | AlertmanagerWebhook, Body()],
    authorization: Annotated[str | None, Header(alias="Authorization", max_length=300)] = None,
) -> dict[str, Any]:
    deps = deps_of(app)
    key = authorization[7:] if authorization and authorization[:7].lower() == "bearer " else None
    contract = customer_of_key(deps.contracts, key)
    if contract is None:
        raise Unauthorized("a valid alert key is needed (Authorization: Bearer <key>)")
    outcomes = deps.receive_alerts()(contract, alerts_in(body))
    count("Alerts", len(outcomes))
    return {
        "alerts": [
            {"fingerprint": o.fingerprint, "outcome": o.outcome, "ticket_id": o.ticket_id}
            for o in outcomes
        ]
    }
