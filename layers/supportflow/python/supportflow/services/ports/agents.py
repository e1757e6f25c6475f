"""The desk's agents as a port: their accounts and roles (Cognito's user pool on AWS, moto's
locally, a dict in the unit tests)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Agent:
    email: str
    name: str
    roles: tuple[str, ...] = ()
    enabled: bool = True
    status: str = "CONFIRMED"  # the pool's: FORCE_CHANGE_PASSWORD until the first sign-in

    def as_dict(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "name": self.name,
            "roles": list(self.roles),
            "enabled": self.enabled,
            "status": self.status,
        }


class AgentDirectory(Protocol):
    """The agents' accounts; an agent is known by their e-mail address."""

    def all(self) -> list[Agent]: ...

    def get(self, email: str) -> Agent | None: ...

    def add(self, email: str, name: str, roles: tuple[str, ...]) -> Agent: ...

    def set_roles(self, email: str, roles: tuple[str, ...]) -> Agent: ...

    def set_enabled(self, email: str, enabled: bool) -> Agent: ...
