"""What privacy keeps: the record of every erasure (never the erased data)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Protocol

from supportflow.domain.common.timeutil import format_instant


@dataclass(frozen=True)
class ErasureRecord:
    """An erasure as the desk can prove it: who asked, who did it, when, on what ground, and
    what it touched (counts and ticket ids), but nothing of what it erased."""

    erasure_id: str
    at: datetime
    scope: str  # person | customer | ticket (retention)
    ground: str
    requested_by: str
    done_by: str
    customer_id: str | None = None  # a customer's erasure: which (an organisation, not a person)
    tickets: tuple[str, ...] = ()  # the tickets it changed
    held: tuple[str, ...] = ()  # the tickets it left alone: under a legal hold
    files: int = 0  # attachments and raw mails deleted
    filings: int = 0  # held filings removed
    sign_ins: int = 0  # portal sign-in codes removed
    contracts: int = 0  # contract versions whose contact lists were pseudonymised
    bookings: int = 0  # live-support bookings whose subjects were erased
    mails: int = 0  # copies of sent mail deleted (the local outbox)
    complete: bool = True  # False: it ran out of time; the same erasure again goes on
    counts: Mapping[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["at"] = format_instant(self.at)
        data["tickets"], data["held"] = list(self.tickets), list(self.held)
        data["counts"] = dict(self.counts)
        return data


class ErasureLog(Protocol):
    def record(self, erasure: ErasureRecord) -> None:
        """Keep the record (the same id again: the newer stands)."""

    def recent(self, limit: int = 100) -> list[ErasureRecord]:
        """The newest first."""


class KeptMail(Protocol):
    """Copies of sent mail the desk keeps (the local outbox; SES keeps none)."""

    def forget(self, words: Iterable[str]) -> int:
        """Delete every kept mail naming any of `words`; how many."""
