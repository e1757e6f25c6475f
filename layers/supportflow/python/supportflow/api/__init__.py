"""The HTTP API: the intake app (intake.py) and the ticket app (tickets.py), and what they share:
reading form posts, who is asking, errors as HTTP, and handing a request to an app together
with the function's dependencies."""

from __future__ import annotations

import base64
import hmac
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types

from supportflow.errors import HTTP, TooLarge, Unauthorized

if TYPE_CHECKING:
    from supportflow.bootstrap import Container

MAX_BODY = 64 * 1024
LIST_FIELDS = ("attachments",)


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
        headers={"Retry-After": "1"} if extra.get("retry") else None,
    )


def install_error_handlers(app: APIGatewayRestResolver) -> None:
    for error, (status, suffix, retry) in HTTP.items():

        def handle(
            exc: Exception, status: int = status, suffix: str = suffix, retry: bool = retry
        ) -> Response[str]:
            extra = {"retry": True} if retry else {}  # Busy: "try again in a moment"
            return _error(status, f"{exc}{suffix}", **extra)

        app.exception_handler(error)(handle)


def serve(app: APIGatewayRestResolver, deps: Container, event: dict[str, Any], context: Any) -> Any:
    """Resolve one API Gateway event with the function's dependencies in the router's context."""
    try:
        event = form_to_json(event)
    except TooLarge as exc:
        return raw_error(413, str(exc))
    app.append_context(deps=deps)
    return app.resolve(event, context)


def deps_of(app: APIGatewayRestResolver) -> Container:
    return app.context["deps"]  # type: ignore[no-any-return]


__all__ = ["TooLarge", "Unauthorized", "agent_of", "deps_of", "install_error_handlers", "serve"]
