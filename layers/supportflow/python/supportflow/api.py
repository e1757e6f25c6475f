"""What the two API functions share: reading form posts, who is asking, and errors as HTTP."""

from __future__ import annotations

import base64
import hmac
import json
from typing import Any
from urllib.parse import parse_qs

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types

from supportflow.contracts import ContractError
from supportflow.domain.priority import TicketError
from supportflow.domain.ticket import ActionError
from supportflow.policies import UnknownPolicyError
from supportflow.services.desk import Busy
from supportflow.services.ports import ConcurrentUpdate, TicketNotFound

MAX_BODY = 64 * 1024
LIST_FIELDS = ("attachments",)


class Unauthorized(Exception):
    pass


class TooLarge(Exception):
    pass


def form_to_json(event: dict[str, Any]) -> dict[str, Any]:
    """An HTML form post (urlencoded) becomes the same JSON body a script would send, so one
    pydantic model validates both. Oversized bodies are refused before anything is parsed."""
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode("utf-8", errors="replace")
        event = {**event, "body": body, "isBase64Encoded": False}
    if len(body.encode()) > MAX_BODY:
        raise TooLarge(f"the request body is larger than {MAX_BODY} bytes")
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    if headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        fields = parse_qs(body, keep_blank_values=False)
        data: dict[str, Any] = {
            k: (v if k in LIST_FIELDS else v[-1]) for k, v in fields.items() if k != "submit"
        }
        if "attachments" in data:  # one link per line in a textarea
            data["attachments"] = [u for v in data["attachments"] for u in v.split() if u]
        new_headers = {**(event.get("headers") or {}), "Content-Type": "application/json"}
        new_headers.pop("content-type", None)
        event = {**event, "body": json.dumps(data), "headers": new_headers}
    return event


def agent_of(event: dict[str, Any], agent_token: str) -> str:
    """The agent behind a request: the Cognito claims on AWS, a bearer token locally."""
    context = event.get("requestContext") or {}
    claims = (context.get("authorizer") or {}).get("claims") or {}
    if claims:
        return str(claims.get("email") or claims.get("cognito:username") or claims.get("sub"))
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    given = headers.get("authorization", "")
    if agent_token and hmac.compare_digest(given, f"Bearer {agent_token}"):
        return str(headers.get("x-agent") or "agent")
    raise Unauthorized("an agent login is needed")


def raw_error(status: int, message: str) -> dict[str, Any]:
    """An API Gateway proxy response for errors found before the router runs."""
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"message": message}),
    }


def _error(status: int, message: str, **extra: Any) -> Response[str]:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=json.dumps({"message": message, **extra}),
        headers={"Retry-After": "1"} if status == 409 and extra.get("retry") else None,
    )


# What each error means over HTTP: (status, what to add to the message, retryable).
ERRORS: dict[type[Exception], tuple[int, str, bool]] = {
    TicketNotFound: (404, "", False),
    Unauthorized: (401, "", False),
    TooLarge: (413, "", False),
    ConcurrentUpdate: (409, "; reload the ticket and try again", False),
    Busy: (409, "", True),
    ActionError: (409, "", False),
    TicketError: (422, "", False),
    ContractError: (422, "", False),
    UnknownPolicyError: (422, "", False),
}


def install_error_handlers(app: APIGatewayRestResolver) -> None:
    for error, (status, suffix, retry) in ERRORS.items():

        def handle(
            exc: Exception, status: int = status, suffix: str = suffix, retry: bool = retry
        ) -> Response[str]:
            extra = {"retry": True} if retry else {}  # Busy: "try again in a moment"
            return _error(status, f"{exc}{suffix}", **extra)

        app.exception_handler(error)(handle)
