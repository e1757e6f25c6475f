"""A ticket's event log: one entry per thing that happened to it, in order (`seq` from 1)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from supportflow.domain.sla.sla_state import TicketEvent


@dataclass(frozen=True)
class LoggedEvent:
    """One entry of a ticket's event log."""

    seq: int
    at: datetime
    type: str
    actor: str
    data: Mapping[str, Any] = field(default_factory=dict)

    def as_clock_event(self) -> TicketEvent:
        return TicketEvent(self.at, self.type, self.data.get("priority"), dict(self.data))


SYSTEM = "supportflow"  # the actor of what the desk does by itself (escalations, auto-close)
