"""Live-support sessions (R001-6), booked by an agent for a customer (as on the phone):

    GET  /customers/{customer_id}/bookings?period=YYYY-MM     the month's sessions, quota, charges
    POST /customers/{customer_id}/bookings                    book (Idempotency-Key: a retry is
                                                              the same booking)
    POST /customers/{customer_id}/bookings/{id}/cancel        cancel (in time or too late)
    POST /customers/{customer_id}/bookings/{id}/no_show       the customer did not come

A booking the rules refuse (too soon, too short, a policy without sessions) is a 422 naming the
rule; a change the booking's state refuses (missing a cancelled session) a 409.
"""

from datetime import datetime
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path
from pydantic import BaseModel, ConfigDict, Field

from supportflow.entrypoints.api.admin import CustomerId, Period
from supportflow.entrypoints.api.callers import agent_calling, deps_of
from supportflow.entrypoints.api.responses import COMMON, answer, json_response, problems
from supportflow.services.billing.bookings import LiveSupport

router = Router()
BookingId = Annotated[str, Path(pattern=r"^B-[0-9A-F]{10}$")]


class NewSession(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: datetime = Field(description="when the session starts, ISO 8601 with an offset")
    minutes: int = Field(ge=1, le=8 * 60, description="how long (the policy's minimum: 30)")
    subject: str = Field(default="", max_length=200, description="what the session is about")


def _agent() -> str:
    return agent_calling(router)


def _sessions() -> LiveSupport:
    return deps_of(router).live_support()


def _one(live: LiveSupport, customer_id: str, booking_id: str) -> dict[str, Any]:
    booking = live.get(customer_id, booking_id)
    zone = live.policies.get(live.contracts().get(customer_id).policy).calendar().zone
    month = live.month(customer_id, f"{booking.start.astimezone(zone):%Y-%m}")
    for line in month.lines:
        if line.booking.booking_id == booking_id:
            return line.as_dict(zone)
    raise AssertionError("a booking is in the month of its start")  # pragma: no cover


@router.get(
    "/customers/<customer_id>/bookings",
    summary="A month's live-support sessions: quota used and charges (agents)",
    responses={200: answer("the sessions"), **problems(401, 422, *COMMON)},
)
def list_bookings(
    customer_id: CustomerId,
    period: Period,
) -> dict[str, Any]:
    _agent()
    return _sessions().month(customer_id, period).as_dict()


@router.post(
    "/customers/<customer_id>/bookings",
    summary="Book a live-support session (agents)",
    description="At least 3 days ahead and 30 minutes (R001-6); the month's quota is used "
    "first come, first served and the rest is billed (R001-5). The same Idempotency-Key "
    "answers the booking it made.",
    responses={
        201: answer("booked"),
        200: answer("the same booking again"),
        **problems(401, 422, *COMMON),
    },
)
def book(
    customer_id: CustomerId,
    session: Annotated[NewSession, Body()],
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", max_length=128, pattern=r"^[\x21-\x7e]*$")
    ] = None,
) -> Response[dict[str, Any]]:
    agent = _agent()
    live = _sessions()
    booking, created = live.book(
        customer_id, session.start, session.minutes, agent, session.subject, idempotency_key or None
    )
    body = _one(live, customer_id, booking.booking_id)
    return json_response(201 if created else 200, {**body, "created": created})


@router.post(
    "/customers/<customer_id>/bookings/<booking_id>/cancel",
    summary="Cancel a live-support session (agents)",
    description="In time (by the day before, any hour) it uses nothing; later it counts as used.",
    responses={200: answer("cancelled"), **problems(401, 404, 409, 422, *COMMON)},
)
def cancel(customer_id: CustomerId, booking_id: BookingId) -> dict[str, Any]:
    _agent()
    live = _sessions()
    live.cancel(customer_id, booking_id)
    return _one(live, customer_id, booking_id)


@router.post(
    "/customers/<customer_id>/bookings/<booking_id>/no_show",
    summary="Record that the customer did not come (agents)",
    description="From 5 minutes after the start; the session counts as used (R001-6).",
    responses={200: answer("recorded"), **problems(401, 404, 409, 422, *COMMON)},
)
def no_show(customer_id: CustomerId, booking_id: BookingId) -> dict[str, Any]:
    _agent()
    live = _sessions()
    live.no_show(customer_id, booking_id)
    return _one(live, customer_id, booking_id)
