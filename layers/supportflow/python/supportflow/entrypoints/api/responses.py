"""What the API answers, for the OpenAPI document: every error body is `{"message": ...}`, and
each route lists every status it can return."""

from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import BaseModel, Field


class Problem(BaseModel):
    """Every error: a sentence saying what went wrong and what to do."""

    message: str
    retry: bool | None = Field(default=None, description="try again shortly (409, 503)")
    errors: list[dict[str, str]] | None = Field(default=None, description="422: the fields")


class Filed(BaseModel):
    ticket_id: str
    customer_token: str = Field(description="the secret in the customer's links")
    status_url: str
    created: bool


class Repeated(BaseModel):
    """The same ticket again: no token (whoever repeats a key or content may not be its filer)."""

    ticket_id: str
    created: bool
    message: str


class Held202(BaseModel):
    """Held for an agent: said alike for an unknown address and an unknown customer."""

    message: str


class Moved(BaseModel):
    ticket_id: str
    stage: str
    version: int


WHY = {
    400: "the request cannot be read (framing, base64, JSON nested too deep)",
    401: "no valid agent login, customer link or portal session",
    403: "a login without the role this needs (admins)",
    404: "no such ticket or route",
    409: "the action does not fit the ticket's stage, or someone changed it first",
    410: "a genuine customer link that no longer works (withdrawn, or expired after closing)",
    413: "the body is too large",
    415: "the body is neither JSON nor a form post",
    422: "a field is missing or invalid",
    429: "too many requests; slow down",
    500: "a fault on our side (logged)",
    503: "a dependency is briefly unavailable; try again",
}


def problems(*statuses: int) -> dict[int, OpenAPIResponse]:
    """The error responses of a route, each with the Problem body."""
    return {
        status: OpenAPIResponse(
            description=WHY[status],
            content={"application/json": {"model": Problem}},
        )
        for status in statuses
    }


def answer(description: str, model: type[BaseModel] | None = None) -> OpenAPIResponse:
    if model is None:
        return OpenAPIResponse(description=description)
    return OpenAPIResponse(description=description, content={"application/json": {"model": model}})


COMMON = (400, 413, 415, 422, 429, 500, 503)


def json_response(status: int, body: dict[str, Any]) -> Response[dict[str, Any]]:
    """A JSON answer with a status other than the route's default 200."""
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body)
