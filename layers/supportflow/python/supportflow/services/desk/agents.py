"""The desk's agents (issue 20): who is on the desk and in which roles, the roles the contracts
name (R004-6: first line, second line, the support coordinator, the service support manager;
R003-3, R002-1), plus `admins`, who manage contracts, packs and agents. Agents are the user
pool's users and roles its groups; nobody shares an account (seed 000: always show who wrote
which message when). Only an admin adds an agent, changes roles or disables an account."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from supportflow.services.ports.agents import Agent, AgentDirectory

ROLES = ("first_line", "second_line", "coordinator", "service_manager", "admins")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")


class AgentError(ValueError):
    """An agent or a role that cannot be (422), or an agent the desk does not have (404)."""


class UnknownAgent(LookupError):
    pass


def checked_roles(roles: Any) -> tuple[str, ...]:
    if not isinstance(roles, list | tuple) or not all(isinstance(r, str) for r in roles):
        raise AgentError("roles: a list of role names")
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise AgentError(f"roles: {', '.join(unknown)} (one of {', '.join(ROLES)})")
    return tuple(r for r in ROLES if r in roles)


@dataclass(frozen=True)
class ManageAgents:
    directory: AgentDirectory

    def every(self) -> dict[str, Any]:
        agents = sorted(self.directory.all(), key=lambda a: a.email)
        return {"agents": [a.as_dict() for a in agents], "roles": list(ROLES)}

    def in_role(self, role: str) -> list[Agent]:
        """The enabled agents in `role` (who a group's notification goes to)."""
        return [a for a in self.directory.all() if role in a.roles and a.enabled]

    def add(self, email: str, name: str, roles: Any) -> Agent:
        email = email.strip().lower()
        if not EMAIL.match(email):
            raise AgentError(f"email: {email!r} is not an e-mail address")
        if self.directory.get(email) is not None:
            raise AgentError(f"email: {email} is an agent of the desk already")
        return self.directory.add(email, name.strip() or email, checked_roles(roles))

    def set_roles(self, email: str, roles: Any, by: str) -> Agent:
        wanted = checked_roles(roles)
        if email == by and "admins" not in wanted:
            raise AgentError("roles: an admin cannot take the admin role from themselves")
        return self.directory.set_roles(self._known(email), wanted)

    def set_enabled(self, email: str, enabled: bool, by: str) -> Agent:
        if email == by and not enabled:
            raise AgentError("an admin cannot disable their own account")
        return self.directory.set_enabled(self._known(email), enabled)

    def _known(self, email: str) -> str:
        if self.directory.get(email) is None:
            raise UnknownAgent(f"no agent {email!r} on this desk")
        return email
