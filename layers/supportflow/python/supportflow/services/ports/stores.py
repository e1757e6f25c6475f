"""The desk's other stores: filings held for an agent, the mail quota, contracts, published
packs, live-support bookings and the SLA review's verdicts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from supportflow.domain.review.availability import Outage
from supportflow.domain.review.verdicts import Verdict
from supportflow.domain.review.volume import Intake

if TYPE_CHECKING:
    from supportflow.contracts.versions import ContractVersion
    from supportflow.domain.billing.bookings import Booking
    from supportflow.policies.registry import PublishedPolicy


@dataclass(frozen=True)
class HeldFiling:
    """A filing from an address the customer's contract does not know (or for a customer the
    desk does not know): kept for an agent to accept or reject, never answered by mail."""

    filing_id: str
    received_at: datetime
    form: Mapping[str, Any]  # the NewTicket as it came in
    idempotency_key: str | None


class Filings(Protocol):
    def hold(self, filing: HeldFiling) -> None: ...

    def held(self, limit: int = 100) -> list[HeldFiling]:
        """The filings waiting for an agent, oldest first."""

    def take(self, filing_id: str) -> HeldFiling | None:
        """Remove a held filing (once: a second take gets None)."""


class MailQuota(Protocol):
    def take(self, customer_id: str, hour: datetime, limit: int) -> bool:
        """Count one mail for the customer in this hour; False once `limit` were sent."""


class ContractStore(Protocol):
    """Every version of every customer's contract; a version once stored never changes."""

    def all_versions(self) -> list[ContractVersion]: ...

    def revision(self) -> int:
        """A number that grows with every version stored (a cache holds while it is the same)."""
        ...

    def add(self, version: ContractVersion) -> bool:
        """Store a new version; False if that customer already has this version number (a
        concurrent change: read again and renumber)."""
        ...

    def pseudonymise(self, customer_id: str, addresses: Mapping[str, str]) -> int:
        """Privacy: in every stored version of the customer's contract, each address (folded)
        replaced by its pseudonym, in the same place; how many versions changed."""
        ...


class PolicyStore(Protocol):
    """Every published policy pack version; a version once stored never changes."""

    def all_versions(self) -> list[PublishedPolicy]: ...

    def revision(self) -> int:
        """A number that grows with every version stored."""
        ...

    def add(self, published: PublishedPolicy) -> bool:
        """Store a new version; False if that pack already has this version number."""
        ...


class BookingStore(Protocol):
    """A customer's live-support sessions (R001-6)."""

    def of_customer(self, customer_id: str) -> list[Booking]: ...

    def get(self, customer_id: str, booking_id: str) -> Booking | None: ...

    def add(self, customer_id: str, booking: Booking) -> bool:
        """Store a new booking; False when one with its id exists (a repeated request)."""
        ...

    def replace(self, customer_id: str, booking: Booking) -> bool:
        """Store `booking` over the stored version `booking.version - 1`; False when another
        change came first (read again)."""
        ...


class VerdictStore(Protocol):
    """Each ticket's SLA verdicts, kept per customer and month of the deadline (the SLA review
    reads one customer's month with one query, never the whole table)."""

    def record(self, ticket_id: str, seq: int, rows: Sequence[VerdictRow]) -> bool:
        """Replace the ticket's verdicts with `rows`, computed from its log up to event `seq`.
        False (and nothing written) when verdicts from a later event are stored already."""
        ...

    def month(self, customer_id: str, month: str) -> list[VerdictRow]:
        """A customer's verdicts whose deadline falls in `month` (YYYY-MM), its outages
        that overlap the month, and the intakes of its tickets opened in it."""
        ...


@dataclass(frozen=True)
class VerdictRow:
    """One metric's verdict (kept in the month of its deadline), one outage (kept in each
    month it overlaps), a problem record (kept in each month it is open), or the ticket's
    intake (channel, priority: kept in the month it was opened), of one ticket."""

    customer_id: str
    month: str  # YYYY-MM, in the policy's zone
    verdict: Verdict | None = None
    outage: Outage | None = None
    problem: Mapping[str, Any] | None = None  # a problem record (R004-8), in each month it is open
    intake: Intake | None = None  # how the ticket came in (the review's volume, R004-12)

    @property
    def key(self) -> str:
        """What the row is of its ticket: the metric, 'outage', 'problem' or 'intake'."""
        if self.verdict is not None:
            return self.verdict.metric
        if self.intake is not None:
            return "intake"
        return "outage" if self.outage is not None else "problem"
