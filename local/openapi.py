"""Writes openapi.json: the OpenAPI document of the whole API (intake + ticket API), generated
from the Powertools routes and their pydantic models. `make openapi` runs it; a test keeps the
checked-in file equal to what the code generates."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from supportflow.entrypoints.api import intake, ticket_api

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "openapi.json"


def generate() -> dict[str, Any]:
    merged: dict[str, Any] | None = None
    for module in (intake, ticket_api):
        schema = module.app.get_openapi_schema(
            title="supportflow API",
            version="0.1.0",
            description="Tickets in, SLA deadlines out: intake, agent and customer actions.",
        ).model_dump(mode="json", by_alias=True, exclude_none=True)
        if merged is None:
            merged = schema
        else:
            merged["paths"].update(schema["paths"])
            merged.setdefault("components", {}).setdefault("schemas", {}).update(
                schema.get("components", {}).get("schemas", {})
            )
    assert merged is not None
    return merged


def render() -> str:
    return json.dumps(generate(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    TARGET.write_text(render())
    sys.stdout.write(f"wrote {TARGET.relative_to(ROOT)}\n")
