"""Handing an API Gateway event to an app: the request checked before it is parsed (size,
content type, JSON depth; a form post read as the same JSON), then resolved with the function's
dependencies in the router's context."""

from __future__ import annotations

import base64
import binascii
import json
import logging
from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from supportflow.adapters.transient import is_transient
from supportflow.entrypoints.api.cors import preflight, with_cors
from supportflow.entrypoints.api.http_errors import raw_error
from supportflow.errors import HTTP, BadRequest, TooLarge, UnsupportedMediaType

if TYPE_CHECKING:
    from supportflow.bootstrap import Container
    from supportflow.contracts.directory import ContractDirectory

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024
MAX_DEPTH = 20  # nesting of JSON bodies (ours are at most 2 deep)
LIST_FIELDS = ("attachments",)
JSON, FORM = "application/json", "application/x-www-form-urlencoded"
FORM_POST = "supportflowFormPost"  # set on an event whose body came as a form


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
    context = {**(event.get("requestContext") or {}), FORM_POST: True}
    return {
        **event,
        "body": json.dumps(data),
        "headers": {**headers, "Content-Type": JSON},
        "requestContext": context,
    }


def is_form_post(event: dict[str, Any]) -> bool:
    """A browser's plain HTML form post, which wants pages back (its Accept names text/html), not
    JSON; a script posting a form (curl -d) still gets JSON."""
    if not (event.get("requestContext") or {}).get(FORM_POST):
        return False
    accept = next(
        (str(v) for k, v in (event.get("headers") or {}).items() if k.lower() == "accept"), ""
    )
    return "text/html" in accept.lower()


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


def serve(app: APIGatewayRestResolver, deps: Container, event: dict[str, Any], context: Any) -> Any:
    """Resolve one API Gateway event with the function's dependencies in the router's context;
    a browser's preflight answered, and CORS headers on the public routes (cors.py)."""

    def contracts() -> ContractDirectory:  # read only for a browser's call from another site
        return deps.contracts

    if event.get("httpMethod") == "OPTIONS":
        return preflight(event, contracts)
    try:
        event = checked(event)
    except (BadRequest, TooLarge, UnsupportedMediaType) as exc:
        return with_cors(raw_error(HTTP[type(exc)][0], str(exc)), event, contracts)
    app.append_context(deps=deps)
    try:
        response = app.resolve(event, context)
    except Exception as exc:  # never a traceback to the caller
        app.clear_context()
        if is_transient(exc):  # AWS busy past botocore's retries: the caller tries again
            log.warning("AWS busy: %s", exc)
            response = raw_error(503, "the desk is busy; try again in a moment")
            response["headers"] = {**(response.get("headers") or {}), "Retry-After": "2"}
        else:  # a bug
            log.exception("unhandled error")
            response = raw_error(500, "something went wrong on our side; it was logged")
    if is_form_post(event) and int(response.get("statusCode", 500)) >= 400:
        response = form_refused(response)
    return with_cors(response, event, contracts)


def form_refused(response: dict[str, Any]) -> dict[str, Any]:
    """A refused plain HTML form post: a page saying why, not JSON."""
    try:
        message = str(json.loads(response.get("body") or "{}").get("message") or "")
    except ValueError:
        message = ""
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Not filed</title></head><body><h1>Your ticket was not filed</h1>"
        f"<p>{escape(message or 'The desk could not take this form.')}</p>"
        "<p>Go back to the form, correct it and send it again.</p></body></html>"
    )
    return {
        "statusCode": response["statusCode"],
        "headers": {"Content-Type": "text/html; charset=utf-8"},
        "body": page,
    }
