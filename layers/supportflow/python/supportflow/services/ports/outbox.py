"""The outbox as the dispatcher needs it: the effects a ticket's change wrote, taken for delivery
(a lease for what is not idempotent itself), and marked done once performed; and what an effect
is: data with a JSON form that knows how it is performed (`services/outbox/effects.py` has the
kinds)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Protocol

from supportflow.services.ports.external import Mailer, Timers, Workflow


class Performers(Protocol):
    """What effects are performed through: the workflow, the timers, the mail service, and the
    two things the ticket store does for the dispatcher."""

    @property
    def workflow(self) -> Workflow: ...

    @property
    def timers(self) -> Timers: ...

    @property
    def mailer(self) -> Mailer: ...

    def receipt(self, ticket_id: str, key: str) -> str | None:
        """The receipt of the ticket's mail with this key, if it was sent already."""

    def log_on(
        self, ticket_id: str, key: str, kind: str, actor: str, data: Mapping[str, Any], at: datetime
    ) -> None:
        """Log an event on a ticket once per `key` (a repeat finds the key in its log)."""


class Effect(ABC):
    """One thing that must happen besides writing a ticket. Each kind (a frozen dataclass) has a
    `kind` name for its JSON form, and is safe to perform twice."""

    kind: ClassVar[str]
    leased: ClassVar[bool] = False  # not idempotent itself: leased while it is performed

    @abstractmethod
    def as_json(self) -> dict[str, Any]:
        """Its fields as JSON (without `kind`)."""

    @classmethod
    @abstractmethod
    def from_json(cls, data: Mapping[str, Any]) -> Effect:
        """The effect its JSON form describes."""

    @abstractmethod
    def perform(self, to: Performers) -> str | None:
        """Do it; returns a receipt to record (a mail's message id), or None."""


# What an erasure drops from a ticket's outbox (they carry what was erased): its mails not yet
# sent and its log entries not yet written. Workflow and timer effects hold ids only.
ERASED_WITH_TICKET = frozenset({"mail", "log"})


@dataclass(frozen=True)
class OutboxEntry:
    """One effect waiting in the outbox: `position` orders a ticket's effects (the ticket
    version that wrote it, then its place in that write)."""

    ticket_id: str
    position: str
    effect: Effect
    created_at: datetime

    @staticmethod
    def position_of(version: int, index: int) -> str:
        return f"{version:010d}.{index:03d}"


class Lease(StrEnum):
    """What taking an outbox entry for delivery found."""

    TAKEN = "taken"  # it is ours until the lease ends: perform it, then mark it done
    GONE = "gone"  # delivered already
    BUSY = "busy"  # another deliverer holds it now


class Outbox(Protocol):
    """The effects waiting to be performed."""

    def pending(self, ticket_id: str) -> list[OutboxEntry]:
        """The ticket's effects not yet delivered, in order."""

    def stale(self, before: datetime, limit: int = 100) -> list[OutboxEntry]:
        """Undelivered effects written before `before`, oldest first (for the sweep)."""

    def lease(self, entry: OutboxEntry, now: datetime, until: datetime) -> Lease:
        """Take an entry for delivery until `until` (another deliverer gets BUSY meanwhile)."""

    def release(self, entry: OutboxEntry) -> None:
        """Give a leased entry back undelivered (the next attempt need not wait for the lease)."""

    def done(self, entry: OutboxEntry, receipt: str | None = None) -> None:
        """The effect happened: remove the entry; a mail's receipt (the provider's message id)
        is recorded under its key, in the same write."""

    def sent(self, ticket_id: str, key: str) -> str | None:
        """The receipt of the ticket's mail with this key, if it was sent."""
