"""POST /tickets: the public intake (the web form, scripts); POST /alerts: a customer's
monitoring, with its own key."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Header

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
from supportflow.errors import Unauthorized
from supportflow.observability import count, logger
from supportflow.services.intake.alerts import (
    AlertmanagerWebhook,
    GenericAlerts,
    alerts_in,
    customer_of_key,
)
from supportflow.services.intake.filing import NewTicket
from supportflow.services.intake.open_ticket import Held

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
    "(allowed_origins), else 403 and nothing is stored.",
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
        **problems(403, *COMMON),
    },
)
def file_ticket(
    ticket: Annotated[NewTicket, Body()],
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", max_length=128, pattern=r"^[\x21-\x7e]*$")
    ] = None,
) -> Response[Any]:
    deps = deps_of(app)
    event = app.current_event.raw_event
    if not is_same_site(event, deps.link_base()):  # a form on a customer's own site
        cross_site_filing(deps.contracts, ticket.customer, ticket.contact_email, origin_of(event))
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
