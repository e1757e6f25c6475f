"""Policy packs as published data: a new version is checked as a shipped file is, takes the next
number, never takes effect in the past, and is seen by every registry reading the store."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

import supportflow.policies as packs
from supportflow.adapters.memory.stores import InMemoryPolicies
from supportflow.domain.policy.errors import PolicyError
from supportflow.policies.registry import LivePolicies, in_use, shipped, use
from supportflow.services.admin.policies import PolicyBook, PublishPolicies

NOW = datetime(2025, 3, 31, 7, 0, tzinfo=UTC)  # Monday 09:00 in Amsterdam


@pytest.fixture(autouse=True)
def _shipped_again() -> Any:
    yield
    use(shipped())  # what this process knows goes back to the shipped packs


def _pack(**changes: Any) -> dict[str, Any]:
    text = (Path(packs.__file__).parent / "web-agency.yaml").read_text()
    return {**json.loads(json.dumps(yaml.safe_load(text), default=str)), **changes}


def _desk() -> tuple[PublishPolicies, LivePolicies, InMemoryPolicies]:
    store = InMemoryPolicies()
    book = PolicyBook(store)
    book.CHECK_EVERY = 0.0  # read the revision at every use
    return PublishPolicies(store, book, lambda: NOW), LivePolicies(book.registry), store


def test_a_published_version_joins_the_registry_from_its_date() -> None:
    publish, registry, store = _desk()
    policy, text = publish.read(_pack(version=2, effective_from="2025-04-07", name="Sneller"))
    published, created = publish.publish(policy, text, "ada")
    assert created and published.recorded_by == "ada" and store.revision() == 1
    assert registry.get("web-agency", datetime(2025, 4, 4, 12, tzinfo=UTC)).version == 1
    assert registry.get("web-agency", datetime(2025, 4, 7, 12, tzinfo=UTC)).name == "Sneller"
    assert registry.get("web-agency", version=1).version == 1  # old tickets keep theirs
    assert in_use().get("web-agency", version=2).name == "Sneller"  # contracts may name it
    again, created = publish.publish(policy, text, "bob")
    assert not created and again.recorded_by == "ada" and store.revision() == 1


def test_a_new_pack_id_can_be_published() -> None:
    publish, registry, _ = _desk()
    policy, text = publish.read(_pack(id="web-agency-plus", effective_from="2025-03-31"))
    publish.publish(policy, text, "ada")
    assert "web-agency-plus" in registry.ids()
    assert [p["id"] for p in publish.list()].count("web-agency-plus") == 1


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"version": 1}, "the next version is 2"),
        ({"version": 3}, "the next version is 2"),
        ({"version": 2, "effective_from": "2025-03-30"}, "history is not rewritten"),
        ({"version": 2, "targets": {"high": {"response": "soon"}}}, "targets"),
        ({"version": 2, "calendars": "none"}, "calendars"),
    ],
)
def test_a_bad_version_names_the_reason_and_stores_nothing(
    changes: dict[str, Any], reason: str
) -> None:
    publish, _, store = _desk()
    with pytest.raises(PolicyError, match=reason):
        publish.publish(*publish.read(_pack(**changes)), "ada")
    assert store.revision() == 0


def test_a_version_never_takes_effect_before_the_one_it_follows() -> None:
    publish, _, _ = _desk()
    publish.publish(*publish.read(_pack(version=2, effective_from="2025-05-01")), "ada")
    with pytest.raises(PolicyError, match="before version 2"):
        publish.publish(*publish.read(_pack(version=3, effective_from="2025-04-01")), "ada")
