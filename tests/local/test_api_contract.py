"""Schemathesis against the running local stack, from the checked-in openapi.json: generated
and boundary requests to every operation (bounded in count), zero 5xx, and every response in
the documented statuses, schemas and content types."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.browser.conftest import ROOT, start_server

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "response_schema_conformance",
        "content_type_conformance",
    ]
)


def test_the_api_keeps_its_contract(tmp_path: Path) -> None:
    server = start_server(
        tmp_path / "data", SPEED="1", SEED="1", SIM_START="2025-03-31T09:00:00+02:00"
    )
    try:
        result = subprocess.run(
            [
                str(Path(sys.executable).parent / "st"),
                "run",
                str(ROOT / "openapi.json"),
                "--url",
                f"{server.base}/api",
                "--checks",
                CHECKS,
                "-H",
                "Authorization: Bearer local-agent-token",
                "--max-examples",
                "15",
                "--seed",
                "20261121",
                "--phases",
                "examples,coverage,fuzzing",
                "--request-timeout",
                "60",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=tmp_path,
        )
    finally:
        server.stop()
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
