"""Policy packs as published data: a new pack version is published the way a contract version
is recorded (by an admin, through the API or `supportflow policy publish FILE`), and every
function sees it within a second.

A published version is checked as a shipped file is (the same loader and checks), takes the
next version number of its pack, and takes effect on its `effective_from`, never before the
latest version's: a ticket keeps the version in effect when it opened (`Ticket.policy_version`),
so history is not rewritten. The same pack sent again records nothing.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from supportflow.domain.policy.errors import PolicyError
from supportflow.domain.policy.policy import Policy, load_policy_text
from supportflow.policies.registry import (
    PolicyRegistry,
    PublishedPolicy,
    UnknownPolicyError,
    shipped,
    use,
    with_published,
)
from supportflow.services.admin.revisions import RevisionedCopy
from supportflow.services.ports.stores import PolicyStore
from supportflow.services.ports.tickets import Clock, ConcurrentUpdate

log = logging.getLogger(__name__)


class PolicyBook(RevisionedCopy[PublishedPolicy]):
    """The shipped packs plus the published versions (reloaded when the store's revision
    moved); the registry it builds is the one this process uses (`policies.use`)."""

    def __init__(self, store: PolicyStore) -> None:
        super().__init__(store)
        self._published: list[PublishedPolicy] = []
        self._registry: PolicyRegistry = shipped()

    def _loaded(self, versions: list[PublishedPolicy]) -> None:
        self._published = versions
        self._registry = with_published(p.policy for p in versions)

    def registry(self) -> PolicyRegistry:
        with self._lock:
            self._refresh()
            use(self._registry)
            return self._registry

    def published(self) -> list[PublishedPolicy]:
        with self._lock:
            self._refresh()
            return list(self._published)


def _summary(policy: Policy, published: PublishedPolicy | None) -> dict[str, Any]:
    return {
        "id": policy.id,
        "version": policy.version,
        "name": policy.name,
        "effective_from": policy.effective_from.isoformat(),
        "source": "published" if published else "shipped",
        "recorded_at": None if published is None else published.recorded_at.isoformat(),
        "recorded_by": None if published is None else published.recorded_by,
    }


@dataclass
class PublishPolicies:
    store: PolicyStore
    book: PolicyBook
    clock: Clock

    def read(self, data: Any, where: str = "policy") -> tuple[Policy, str]:
        """A pack from JSON-like data (as the API receives it), checked like a shipped file."""
        if not isinstance(data, dict):
            raise PolicyError(where, "", "a policy must be an object")
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
        return load_policy_text(text, where), text

    def publish(self, policy: Policy, text: str, by: str) -> tuple[PublishedPolicy, bool]:
        """Record the pack's next version; (the version, True), or (the one that holds this
        pack already, False)."""
        for _ in range(5):
            registry = self.book.registry()
            try:
                kept = registry.versions(policy.id)
            except UnknownPolicyError:
                kept = []
            earlier = self._published_of(policy.id, policy.version)
            if earlier is not None and earlier.text == text:
                return earlier, False  # the same pack sent again: nothing new to record
            latest = kept[-1] if kept else None
            expected = max((p.version for p in kept), default=0) + 1
            if policy.version != expected:
                raise PolicyError(
                    policy.id,
                    "version",
                    f"{policy.version} is taken or skips ahead: the next version is {expected}",
                )
            zone = policy.calendar().zone
            today = self.clock().astimezone(zone).date()
            if policy.effective_from < today:
                raise PolicyError(
                    policy.id,
                    "effective_from",
                    f"{policy.effective_from.isoformat()} is in the past: a published version "
                    "takes effect today or later (history is not rewritten)",
                )
            if latest is not None and policy.effective_from < latest.effective_from:
                raise PolicyError(
                    policy.id,
                    "effective_from",
                    f"{policy.effective_from.isoformat()} is before version {latest.version}'s "
                    f"({latest.effective_from.isoformat()})",
                )
            published = PublishedPolicy(policy, text, self.clock(), by)
            stored = self.store.add(published)
            self.book.forget()
            if stored:
                log.info(
                    "policy version published",
                    extra={"policy": policy.id, "version": policy.version},
                )
                return published, True
        raise ConcurrentUpdate(f"{policy.id}: versions kept being published; try again")

    def _published_of(self, policy_id: str, version: int) -> PublishedPolicy | None:
        for p in self.book.published():
            if (p.policy.id, p.policy.version) == (policy_id, version):
                return p
        return None

    def list(self) -> list[dict[str, Any]]:
        registry = self.book.registry()
        published = {(p.policy.id, p.policy.version): p for p in self.book.published()}
        today = self.clock()
        out = []
        for policy_id in registry.ids():
            versions = registry.versions(policy_id)
            try:
                current = registry.get(policy_id, today)
            except UnknownPolicyError:
                current = None
            out.append(
                {
                    "id": policy_id,
                    "current_version": None if current is None else current.version,
                    "versions": [_summary(p, published.get((p.id, p.version))) for p in versions],
                }
            )
        return out

    def show(self, policy_id: str) -> dict[str, Any]:
        for entry in self.list():
            if entry["id"] == policy_id:
                return entry
        raise UnknownPolicyError(f"unknown policy {policy_id!r}")
