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

    def in_role(self, role: str) -> list[Agent]:
        """The agents who hold this role (one group of the pool: not the whole pool read)."""

    def add(self, email: str, name: str, roles: tuple[str, ...]) -> Agent: ...

    def set_roles(self, email: str, roles: tuple[str, ...]) -> Agent: ...

    def set_enabled(self, email: str, enabled: bool) -> Agent: ...


class NoticePreferences(Protocol):
    """Which notices each agent has turned off (the desk's table)."""

    def turned_off(self) -> dict[str, frozenset[str]]:
        """Every agent's notice kinds turned off, by e-mail address (one read)."""

    def set_off(self, email: str, kinds: frozenset[str]) -> None:
        """Keep these kinds turned off for this agent (the rest on)."""
