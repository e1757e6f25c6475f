"""POST /tickets: the public intake (web form, e-mail gateway, monitoring alerts)."""

from __future__ import annotations

from typing import Any

from supportflow.bootstrap import Container, entry
from supportflow.entrypoints.api.intake import app
from supportflow.entrypoints.api.requests import serve
from supportflow.observability import API_REQUEST_ID, Handler, instrument
from supportflow.settings import IntakeSettings

SETTINGS = IntakeSettings


def build(deps: Container) -> Handler:
    @instrument(correlation_id_path=API_REQUEST_ID, capture_response=False)  # tokens, addresses
    def handler(event: dict[str, Any], context: Any) -> Any:
        return serve(app, deps, event, context)

    return handler


lambda_handler = entry(build, SETTINGS)
