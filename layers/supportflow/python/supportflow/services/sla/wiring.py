"""The deadlines every use case shares, wired (a mixin of the composition root,
bootstrap.Container): the policy registry and the timers a ticket's state asks for."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from supportflow.policies.registry import PolicyRegistry
    from supportflow.services.sla.deadlines import Deadlines

    class Needs(Protocol):
        @property
        def policies(self) -> PolicyRegistry: ...


class SlaServices:
    @cached_property
    def deadlines(self: Needs) -> Deadlines:
        from supportflow.services.sla.deadlines import Deadlines

        return Deadlines(self.policies)
