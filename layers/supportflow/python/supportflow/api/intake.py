"""POST /tickets: the public intake (web form, e-mail gateway, monitoring alerts)."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Header

from supportflow.api import deps_of, install_error_handlers
from supportflow.api.responses import COMMON, Filed, Repeated, answer, problems
from supportflow.observability import count, logger
from supportflow.services.intake import Held, NewTicket

app = APIGatewayRestResolver(enable_validation=True)
REPEATED = "this ticket was filed already; the link to follow it was mailed to its contact"
HELD = "received; the desk answers once it has checked this filing"
install_error_handlers(app)


@app.post(
    "/tickets",
    summary="File a ticket",
    description="JSON or an HTML form post (application/x-www-form-urlencoded, the same fields). "
    "The same Idempotency-Key, or without one the same content, gives the same ticket.",
    responses={
        201: answer("filed", Filed),
        200: answer(
            "the same ticket again (no token: the link was mailed to its contact)", Repeated
        ),
        **problems(*COMMON),
    },
)
def file_ticket(
    ticket: Annotated[NewTicket, Body()],
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", max_length=128, pattern=r"^[\x21-\x7e]*$")
    ] = None,
) -> Response[dict[str, Any]]:
    opened = deps_of(app).open_ticket()(ticket, idempotency_key or None)  # "" is no key
    if isinstance(opened, Held):  # unknown sender or customer: the same answer, no mail
        count("FilingsHeld")
        return _json(202, {"message": HELD})
    ticket_id = opened.ticket.ticket_id
    logger.info("ticket filed", extra={"ticket_id": ticket_id, "new_ticket": opened.created})
    if not opened.created:  # a repeat: whoever sends it gets no token (it was mailed)
        return _json(200, {"ticket_id": ticket_id, "created": False, "message": REPEATED})
    count("TicketsOpened")
    return _json(
        201,
        {
            "ticket_id": ticket_id,
            "customer_token": opened.customer_token,
            "status_url": opened.status_url,
            "created": True,
        },
    )


def _json(status: int, body: dict[str, Any]) -> Response[dict[str, Any]]:
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body)
