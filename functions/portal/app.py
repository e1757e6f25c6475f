"""The customer portal: sign-in links by mail, sessions, the organisation's tickets."""

from __future__ import annotations

from typing import Any

from supportflow.bootstrap import Container, entry
from supportflow.entrypoints.api.portal import app
from supportflow.entrypoints.api.requests import serve
from supportflow.observability import API_REQUEST_ID, Handler, instrument
from supportflow.settings import PortalSettings

SETTINGS = PortalSettings


def build(deps: Container) -> Handler:
    @instrument(correlation_id_path=API_REQUEST_ID, capture_response=False)  # sessions, addresses
    def handler(event: dict[str, Any], context: Any) -> Any:
        return serve(app, deps, event, context)

    return handler


lambda_handler = entry(build, SETTINGS)
