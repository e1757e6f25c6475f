"""What is wrong with a policy pack: `PathError` inside validation (a place from the policy
root), `PolicyError` for the caller (the file and the place)."""

from __future__ import annotations


class PolicyError(ValueError):
    """A policy that cannot be used: `where` is the file, `path` the place inside it."""

    def __init__(self, where: str, path: str, reason: str) -> None:
        self.where, self.path, self.reason = where, path, reason
        location = f"{where}: {path}" if path else where
        super().__init__(f"{location}: {reason}")


class PathError(ValueError):
    """Raised inside validation with a path relative to the policy root."""

    def __init__(self, path: str, reason: str) -> None:
        self.path, self.reason = path, reason
        super().__init__(reason)
