"""The HTTP API: the intake app (intake.py) and the ticket app (tickets.py), and what they share:
checking a request before it is parsed (size, content type, JSON depth), reading form posts, who
is asking, errors as HTTP (`{"message": ...}`, always), and handing a request to an app together
with the function's dependencies."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from supportflow.errors import (
    HTTP,
    BadRequest,
    Forbidden,
    TooLarge,
    Unauthorized,
    UnsupportedMediaType,
)

if TYPE_CHECKING:
    from supportflow.bootstrap import Container

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024
MAX_DEPTH = 20  # nesting of JSON bodies (ours are at most 2 deep)
LIST_FIELDS = ("attachments",)
JSON, FORM = "application/json", "application/x-www-form-urlencoded"
AGENT_NAME = re.compile(r"^[A-Za-z0-9@._+-]{1,64}$")


def checked(event: dict[str, Any]) -> dict[str, Any]:
    """The request as the apps read it, or BadRequest/TooLarge/UnsupportedMediaType: a body
    within the size limit, decoded, in JSON or as a form (which becomes the same JSON), and no
    deeper than any of ours."""
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise BadRequest("the body is not valid base64") from None
        body = raw.decode("utf-8", errors="replace")
        event = {**event, "body": body, "isBase64Encoded": False}
    if len(body.encode("utf-8", errors="surrogateescape")) > MAX_BODY:
        raise TooLarge(f"the request body is larger than {MAX_BODY} bytes")
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    kind = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if event.get("httpMethod") in ("POST", "PUT") and body and kind not in (JSON, FORM):
        raise UnsupportedMediaType(f"send {JSON} or {FORM}")
    if kind == FORM:
        return _form(event, body)
    if _depth(body) > MAX_DEPTH:
        raise BadRequest(f"the JSON body is nested deeper than {MAX_DEPTH} levels")
    return event


def _form(event: dict[str, Any], body: str) -> dict[str, Any]:
    """An HTML form post becomes the JSON body a script would send (one model validates both)."""
    fields = parse_qs(body, keep_blank_values=False)
    data: dict[str, Any] = {
        k: (v if k in LIST_FIELDS else v[-1]) for k, v in fields.items() if k != "submit"
    }
    if "attachments" in data:  # one link per line in a textarea
        data["attachments"] = [u for v in data["attachments"] for u in v.split() if u]
    headers = {k: v for k, v in (event.get("headers") or {}).items() if k.lower() != "content-type"}
    return {**event, "body": json.dumps(data), "headers": {**headers, "Content-Type": JSON}}


def _depth(text: str) -> int:
    """How deeply a JSON text nests (strings skipped), without parsing it."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def agent_of(event: dict[str, Any], agent_token: str) -> str:
    """The agent behind a request: the Cognito claims on AWS, a bearer token locally."""
    context = event.get("requestContext") or {}
    claims = (context.get("authorizer") or {}).get("claims") or {}
    if claims:
        return str(claims.get("email") or claims.get("cognito:username") or claims.get("sub"))
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    given = headers.get("authorization", "").encode("utf-8", errors="surrogateescape")
    if agent_token and hmac.compare_digest(given, f"Bearer {agent_token}".encode()):
        name = headers.get("x-agent", "agent")
        return name if AGENT_NAME.match(name) else "agent"
    raise Unauthorized("an agent login is needed")


def agent_or_admin(event: dict[str, Any], agent_token: str, admin_token: str) -> str:
    """An agent, or an admin (who is an agent too)."""
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    given = headers.get("authorization", "").encode("utf-8", errors="surrogateescape")
    if admin_token and hmac.compare_digest(given, f"Bearer {admin_token}".encode()):
        name = headers.get("x-agent", "admin")
        return name if AGENT_NAME.match(name) else "admin"
    return agent_of(event, agent_token)


def admin_of(event: dict[str, Any], agent_token: str, admin_token: str, group: str) -> str:
    """The agent behind a request if they hold the admin role: the Cognito group on AWS, the
    admin bearer token locally. An agent without the role is Forbidden, no login Unauthorized."""
    context = event.get("requestContext") or {}
    claims = (context.get("authorizer") or {}).get("claims") or {}
    if claims:
        groups = re.split(r"[\s,\[\]]+", str(claims.get("cognito:groups") or ""))
        if group in groups:
            return str(claims.get("email") or claims.get("cognito:username") or claims.get("sub"))
        raise Forbidden("this needs the admin role")
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    given = headers.get("authorization", "").encode("utf-8", errors="surrogateescape")
    if admin_token and hmac.compare_digest(given, f"Bearer {admin_token}".encode()):
        name = headers.get("x-agent", "admin")
        return name if AGENT_NAME.match(name) else "admin"
    agent_of(event, agent_token)  # an agent without the role, or no login at all
    raise Forbidden("this needs the admin role")


def raw_error(status: int, message: str) -> dict[str, Any]:
    """An API Gateway proxy response for errors found before the router runs."""
    return {
        "statusCode": status,
        "headers": {"Content-Type": JSON},
        "body": json.dumps({"message": message}),
    }


def _error(status: int, message: str, **extra: Any) -> Response[str]:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=json.dumps({"message": message, **extra}),
        headers={"Retry-After": "1"} if extra.get("retry") else None,
    )


def _invalid(exc: RequestValidationError) -> Response[str]:
    """422 with a readable message and the fields at fault (never the values sent)."""
    problems = [
        {"field": ".".join(str(p) for p in e.get("loc", ()) if p != "body"), "problem": e["msg"]}
        for e in exc.errors()
    ]
    message = "; ".join(f"{p['field'] or 'body'}: {p['problem']}" for p in problems)
    return _error(422, f"invalid request: {message}"[:2000], errors=problems[:20])


def install_error_handlers(app: APIGatewayRestResolver) -> None:
    for error, (status, suffix, retry) in HTTP.items():

        def handle(
            exc: Exception, status: int = status, suffix: str = suffix, retry: bool = retry
        ) -> Response[str]:
            extra = {"retry": True} if retry else {}  # Busy: "try again in a moment"
            return _error(status, f"{exc}{suffix}", **extra)

        app.exception_handler(error)(handle)
    app.exception_handler(RequestValidationError)(_invalid)
    app.not_found(lambda exc: _error(404, "no such resource"))


def serve(app: APIGatewayRestResolver, deps: Container, event: dict[str, Any], context: Any) -> Any:
    """Resolve one API Gateway event with the function's dependencies in the router's context."""
    try:
        event = checked(event)
    except (BadRequest, TooLarge, UnsupportedMediaType) as exc:
        return raw_error(HTTP[type(exc)][0], str(exc))
    app.append_context(deps=deps)
    try:
        return app.resolve(event, context)
    except Exception:  # a bug, never a traceback to the caller
        log.exception("unhandled error")
        app.clear_context()
        return raw_error(500, "something went wrong on our side; it was logged")


def deps_of(app: APIGatewayRestResolver | Router) -> Container:
    return app.context["deps"]  # type: ignore[no-any-return]


def agent_calling(router: Router) -> str:
    """The agent or admin behind the router's current request (401 without a login)."""
    settings = deps_of(router).settings
    return agent_or_admin(
        router.current_event.raw_event, settings.agent_token, settings.admin_token
    )


def admin_calling(router: Router) -> str:
    """The admin behind the router's current request (403 for an agent without the role)."""
    settings = deps_of(router).settings
    return admin_of(
        router.current_event.raw_event,
        settings.agent_token,
        settings.admin_token,
        settings.admin_group,
    )


__all__ = [
    "Forbidden",
    "TooLarge",
    "Unauthorized",
    "admin_calling",
    "admin_of",
    "agent_calling",
    "agent_of",
    "agent_or_admin",
    "deps_of",
    "install_error_handlers",
    "serve",
]
