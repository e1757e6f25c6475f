"""Handing an API Gateway event to an app: the request checked before it is parsed (size,
content type, JSON depth; a form post read as the same JSON), then resolved with the function's
dependencies in the router's context."""

from __future__ import annotations

import base64
import binascii
import json
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from supportflow.entrypoints.api.http_errors import raw_error
from supportflow.errors import HTTP, BadRequest, TooLarge, UnsupportedMediaType

if TYPE_CHECKING:
    from supportflow.bootstrap import Container

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024
MAX_DEPTH = 20  # nesting of JSON bodies (ours are at most 2 deep)
LIST_FIELDS = ("attachments",)
JSON, FORM = "application/json", "application/x-www-form-urlencoded"


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
