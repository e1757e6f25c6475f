"""The ticket API for agents (bearer/Cognito) and customers (the token from their links)."""

from __future__ import annotations

from typing import Any

from supportflow.bootstrap import Container, entry
from supportflow.entrypoints.api.requests import serve
from supportflow.entrypoints.api.ticket_api import app
from supportflow.observability import API_REQUEST_ID, Handler, instrument
from supportflow.settings import TicketApiSettings

SETTINGS = TicketApiSettings


def build(deps: Container) -> Handler:
    @instrument(correlation_id_path=API_REQUEST_ID, capture_response=False)  # personal data
    def handler(event: dict[str, Any], context: Any) -> Any:
        return serve(app, deps, event, context)

    return handler


lambda_handler = entry(build, SETTINGS)
