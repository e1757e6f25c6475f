"""The shipped policy packs and the registry that picks a policy version for a ticket.

Each YAML file here is one version of one pack (`id`, `version`, `effective_from`). A ticket keeps
the version that was in effect on the local date it was opened. Versions published later (by an
admin, as data: `services/admin/policies.py`) join the shipped ones; `in_use()` is the registry the
running process reads them from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path

from supportflow.domain.policy.errors import PolicyError
from supportflow.domain.policy.policy import Policy, load_policy_text


class UnknownPolicyError(LookupError):
    """No such policy id, or no version of it in effect on the date asked for."""


class PolicyRegistry:
    def __init__(self, policies: Iterable[Policy]) -> None:
        self._versions: dict[str, list[Policy]] = {}
        for policy in policies:
            versions = self._versions.setdefault(policy.id, [])
            if any(p.version == policy.version for p in versions):
                raise PolicyError(policy.id, "version", f"version {policy.version} appears twice")
            versions.append(policy)
        for versions in self._versions.values():
            versions.sort(key=lambda p: (p.effective_from, p.version))

    @classmethod
    def from_directory(cls, directory: Path) -> PolicyRegistry:
        return cls(load_policy_file(path) for path in sorted(directory.glob("*.yaml")))

    def ids(self) -> list[str]:
        return sorted(self._versions)

    def versions(self, policy_id: str) -> list[Policy]:
        if policy_id not in self._versions:
            known = ", ".join(self.ids())
            raise UnknownPolicyError(f"unknown policy {policy_id!r} (known: {known})")
        return list(self._versions[policy_id])

    def get(
        self, policy_id: str, on: date | datetime | None = None, version: int | None = None
    ) -> Policy:
        """The version in effect on `on` (a local date, or an instant read in the policy's zone),
        or the exact `version`, or the newest."""
        versions = self.versions(policy_id)
        if version is not None:
            for policy in versions:
                if policy.version == version:
                    return policy
            raise UnknownPolicyError(f"policy {policy_id!r} has no version {version}")
        if on is None:
            return versions[-1]
        if isinstance(on, datetime):
            on = on.astimezone(versions[-1].calendar().zone).date()
        in_effect = [p for p in versions if p.effective_from <= on]
        if not in_effect:
            first = versions[0].effective_from.isoformat()
            raise UnknownPolicyError(
                f"policy {policy_id!r} is not in effect on {on.isoformat()} (first from {first})"
            )
        return in_effect[-1]


def load_policy_file(path: Path | str) -> Policy:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise PolicyError(str(path), "", f"cannot read: {reason}") from None
    return load_policy_text(text, str(path))


@cache
def shipped() -> PolicyRegistry:
    """The packs that ship inside the package (loaded once per process)."""
    folder = resources.files("supportflow.policies")
    policies = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            policies.append(load_policy_text(entry.read_text(encoding="utf-8"), entry.name))
    return PolicyRegistry(policies)


@dataclass(frozen=True)
class PublishedPolicy:
    """A pack version an admin published: the pack, its text as sent, who and when."""

    policy: Policy
    text: str
    recorded_at: datetime
    recorded_by: str


def with_published(published: Iterable[Policy]) -> PolicyRegistry:
    """The shipped versions and the published ones (a published version never replaces a
    shipped one: publishing refuses a version number that is taken)."""
    base = shipped()
    taken = {(p.id, p.version) for policy_id in base.ids() for p in base.versions(policy_id)}
    extra = [p for p in published if (p.id, p.version) not in taken]
    return PolicyRegistry([*(p for i in base.ids() for p in base.versions(i)), *extra])


class LivePolicies(PolicyRegistry):
    """A registry that reads the current one at every use (a new published version shows up
    in a warm function without rebuilding what holds the registry)."""

    def __init__(self, current: Callable[[], PolicyRegistry]) -> None:
        self._current = current

    def ids(self) -> list[str]:
        return self._current().ids()

    def versions(self, policy_id: str) -> list[Policy]:
        return self._current().versions(policy_id)


_IN_USE: list[PolicyRegistry] = []


def use(registry: PolicyRegistry) -> None:
    """Make `registry` the one `in_use()` answers (the process's published versions)."""
    _IN_USE[:] = [registry]


def in_use() -> PolicyRegistry:
    """The packs this process knows: the shipped ones and, once read, the published ones."""
    return _IN_USE[0] if _IN_USE else shipped()
