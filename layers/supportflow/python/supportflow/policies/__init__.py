"""The shipped policy packs and the registry that picks a policy version for a ticket.

Each YAML file here is one version of one pack (`id`, `version`, `effective_from`). A ticket keeps
the version that was in effect on the local date it was opened.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path

from supportflow.domain.policy import Policy, PolicyError, load_policy_text


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
    folder = resources.files(__name__)
    policies = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            policies.append(load_policy_text(entry.read_text(encoding="utf-8"), entry.name))
    return PolicyRegistry(policies)
