"""Policy versions: a ticket keeps the version in effect on the day it was opened."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import supportflow.policies
from supportflow.domain.common.timeutil import parse_instant
from supportflow.domain.policy.errors import PolicyError
from supportflow.domain.policy.priority_rules import TicketAttributes
from supportflow.domain.sla.clock import compute_sla
from supportflow.domain.sla.sla_state import TicketEvent
from supportflow.policies.registry import PolicyRegistry, UnknownPolicyError

PACKS = Path(supportflow.policies.__file__).parent


def _two_versions(tmp_path: Path) -> PolicyRegistry:
    text = (PACKS / "web-agency.yaml").read_text()
    (tmp_path / "web-agency.yaml").write_text(text)
    newer = text.replace("version: 1", "version: 2").replace(
        "effective_from: 2020-01-01", "effective_from: 2026-01-01"
    )
    newer = newer.replace("high: { response: 2h,", "high: { response: 1h,")
    (tmp_path / "web-agency.2026.yaml").write_text(newer)
    return PolicyRegistry.from_directory(tmp_path)


def test_a_ticket_keeps_the_version_it_was_opened_under(tmp_path: Path) -> None:
    registry = _two_versions(tmp_path)
    assert [p.version for p in registry.versions("web-agency")] == [1, 2]
    # Opened on New Year's Eve 23:30 local time (22:30 UTC): still version 1.
    opened = parse_instant("2025-12-31T23:30:00+01:00")
    old = registry.get("web-agency", opened)
    assert old.version == 1
    assert registry.get("web-agency", parse_instant("2025-12-31T23:30:00Z")).version == 2
    assert registry.get("web-agency", date(2026, 1, 1)).version == 2
    assert registry.get("web-agency").version == 2
    assert registry.get("web-agency", version=1).version == 1
    events = [TicketEvent(parse_instant("2026-01-05T09:00:00+01:00"), "opened")]
    ticket = TicketAttributes(priority="high")
    now = events[0].at
    assert compute_sla(old, ticket, events, now).metrics["response"].due == parse_instant(
        "2026-01-05T11:00:00+01:00"
    )
    new = registry.get("web-agency", events[0].at)
    assert compute_sla(new, ticket, events, now).metrics["response"].due == parse_instant(
        "2026-01-05T10:00:00+01:00"
    )


def test_unknown_ids_versions_and_dates(tmp_path: Path) -> None:
    registry = _two_versions(tmp_path)
    with pytest.raises(UnknownPolicyError, match="unknown policy"):
        registry.get("nope")
    with pytest.raises(UnknownPolicyError, match="no version 7"):
        registry.get("web-agency", version=7)
    with pytest.raises(UnknownPolicyError, match="not in effect on 2019-12-31"):
        registry.get("web-agency", date(2019, 12, 31))


def test_the_same_version_twice_is_an_error(tmp_path: Path) -> None:
    text = (PACKS / "web-agency.yaml").read_text()
    (tmp_path / "a.yaml").write_text(text)
    (tmp_path / "b.yaml").write_text(text)
    with pytest.raises(PolicyError, match="version 1 appears twice"):
        PolicyRegistry.from_directory(tmp_path)
