"""Errors as HTTP: always `{"message": ...}` with the status the desk's error catalogue
(supportflow/errors.py) gives each error, and 422 naming the fields at fault."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from supportflow.errors import HTTP

JSON = "application/json"


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


def in_words(problem: str) -> str:
    """pydantic's message as people read it: without its "Value error, " and "Assertion
    failed, " prefixes (what our validators say is the message)."""
    for prefix in ("Value error, ", "Assertion failed, "):
        if problem.startswith(prefix):
            return problem[len(prefix) :]
    return problem


def _invalid(exc: RequestValidationError) -> Response[str]:
    """422 with a readable message and the fields at fault (never the values sent)."""
    problems = [
        {
            "field": ".".join(str(p) for p in e.get("loc", ()) if p != "body"),
            "problem": in_words(str(e["msg"])),
        }
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
