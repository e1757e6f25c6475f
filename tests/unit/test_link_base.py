"""The desk's URL (where the mails link) is read from SSM once per function instance, not per
request: the intake asks for it for every browser's cross-site check."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from supportflow.adapters.build import LOCAL_DESK, Adapters
from supportflow.settings import Settings, load_settings


class _Ssm:
    def __init__(self) -> None:
        self.calls = 0

    def get_parameter(self, Name: str) -> dict[str, Any]:
        self.calls += 1
        return {"Parameter": {"Value": "https://d111.cloudfront.net/"}}


def test_the_desk_url_is_read_once() -> None:
    settings = load_settings(
        Settings, {"TABLE_NAME": "unused", "LINK_BASE_PARAMETER": "/supportflow/desk-url"}
    )
    adapters = Adapters(settings, clock=lambda: datetime.now(UTC))
    ssm = _Ssm()
    adapters._client = lambda service: ssm  # type: ignore[method-assign]
    assert adapters.link_base() == "https://d111.cloudfront.net"
    assert adapters.link_base() == "https://d111.cloudfront.net"
    assert ssm.calls == 1


def test_a_given_url_or_the_local_desk_needs_no_read() -> None:
    given = load_settings(
        Settings, {"TABLE_NAME": "unused", "LINK_BASE": "https://support.example"}
    )
    assert Adapters(given, clock=lambda: datetime.now(UTC)).link_base() == "https://support.example"
    local = load_settings(Settings, {"TABLE_NAME": "unused"})
    assert Adapters(local, clock=lambda: datetime.now(UTC)).link_base() == LOCAL_DESK
