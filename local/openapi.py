"""Writes openapi.json: the OpenAPI document of the whole API (intake, ticket API, portal, privacy),
generated from the Powertools routes and their pydantic models. `make openapi` runs it; a test
keeps the checked-in file equal to what the code generates."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from supportflow.entrypoints.api import intake, portal, privacy, ticket_api
from supportflow.entrypoints.api.openapi import merged

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "openapi.json"


def generate() -> dict[str, Any]:
    return merged([intake.app, ticket_api.app, portal.app, privacy.app])


def render() -> str:
    return json.dumps(generate(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    TARGET.write_text(render())
    sys.stdout.write(f"wrote {TARGET.relative_to(ROOT)}\n")
