"""The API's one OpenAPI document: the intake app's routes and the ticket app's, generated from
the Powertools routes and their pydantic models. The ticket API serves it (`GET /openapi.json`)
and `make openapi` writes the same document to openapi.json (a test keeps the two equal)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

TITLE = "supportflow API"
VERSION = "0.1.0"
DESCRIPTION = "Tickets in, SLA deadlines out: intake, agent and customer actions."


def merged(apps: Sequence[APIGatewayRestResolver]) -> dict[str, Any]:
    """One document of the apps' routes and schemas, the first app's info first."""
    document: dict[str, Any] | None = None
    for app in apps:
        schema = app.get_openapi_schema(
            title=TITLE, version=VERSION, description=DESCRIPTION
        ).model_dump(mode="json", by_alias=True, exclude_none=True)
        if document is None:
            document = schema
            continue
        document["paths"].update(schema["paths"])
        document.setdefault("components", {}).setdefault("schemas", {}).update(
            schema.get("components", {}).get("schemas", {})
        )
    if document is None:
        raise ValueError("no app to document")
    return document
