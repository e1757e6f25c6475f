"""The timers a ticket should have (planned from its SLA state by timers.py), and what changes
when the plan does."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class PlannedTimer:
    """A timer the ticket should have: its unique name, when it fires and what it carries."""

    name: str
    at: datetime
    payload: Mapping[str, Any]


@dataclass(frozen=True)
class TimerChanges:
    create: tuple[PlannedTimer, ...] = ()
    cancel: tuple[str, ...] = ()
