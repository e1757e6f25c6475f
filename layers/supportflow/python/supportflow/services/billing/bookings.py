"""R001-6 live-support sessions: booked, cancelled and missed through the desk, and what each
month's sessions cost.

A session is booked for a customer whose contract's policy has live-support sessions (the rules
are in `domain/billing/bookings.py`). A repeated request (the same Idempotency-Key) answers the
booking it made. A cancellation records when it came: in time it uses nothing, too late it counts
as used; a no-show is recorded by the agent who waited (5 minutes past the start at the earliest).

A month's sessions are charged together, in the order they were booked (first come, first
served): under the contract version in force at the start of the month's first session, its
quota of hours (expiring at month end) and its live-support rate (R001-5, 150 EUR/h by default).
The charges are worked out on reading, so a session cancelled in time frees quota for the
sessions booked after it; the statement of the month lists them.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from supportflow.contracts.contract import Contract, ContractError
from supportflow.contracts.directory import ContractDirectory
from supportflow.domain.billing.bookings import (
    Booking,
    BookingError,
    cancel_in_time,
    check_booking,
    check_no_show,
    month_charges,
)
from supportflow.domain.billing.charges import Charge
from supportflow.domain.common.money import eur, number
from supportflow.domain.common.periods import Month, ReportError
from supportflow.domain.common.timeutil import format_instant
from supportflow.domain.policy.policy import Policy
from supportflow.policies.registry import PolicyRegistry
from supportflow.services.ports.stores import BookingStore
from supportflow.services.ports.tickets import Clock, ConcurrentUpdate, KeyReused


class BookingNotFound(LookupError):
    """No such booking for this customer (HTTP 404)."""


class BookingConflict(RuntimeError):
    """A change the booking's state does not allow: a cancelled session missed (HTTP 409)."""


def parse_period(text: str) -> tuple[int, int]:
    """A month as YYYY-MM (a statement's or a month of sessions), or ContractError."""
    try:
        month = Month.parse(text)
    except ReportError as exc:
        raise ContractError(str(exc)) from None
    return month.year, month.month


@dataclass(frozen=True)
class SessionLine:
    booking: Booking
    charge: Charge | None
    in_time: bool | None  # for a cancellation: was it in time
    used: bool  # held, missed, or cancelled too late: its time counts against the quota

    def as_dict(self, zone: Any) -> dict[str, Any]:
        b = self.booking
        return {
            "booking_id": b.booking_id,
            "start": format_instant(b.start, zone),
            "minutes": b.minutes,
            "subject": b.subject,
            "state": b.state,
            "booked_at": format_instant(b.booked_at, zone),
            "booked_by": b.booked_by,
            "cancelled_at": format_instant(b.cancelled_at, zone),
            "cancelled_in_time": self.in_time,
            "no_show_at": format_instant(b.no_show_at, zone),
            "charge": None
            if self.charge is None
            else {
                "rule": self.charge.rule,
                "code": self.charge.code,
                "hours": None if self.charge.hours is None else number(self.charge.hours),
                "rate_eur": eur(self.charge.rate),
                "amount_eur": eur(self.charge.amount),
            },
        }


@dataclass(frozen=True)
class MonthSessions:
    customer_id: str
    period: str
    policy: Policy | None
    quota_hours: Decimal
    lines: tuple[SessionLine, ...]

    @property
    def used_hours(self) -> Decimal:
        return sum((Decimal(s.booking.minutes) for s in self.lines if s.used), Decimal(0)) / 60

    def as_dict(self) -> dict[str, Any]:
        zone = self.policy.calendar().zone if self.policy is not None else None
        return {
            "customer_id": self.customer_id,
            "period": self.period,
            "quota_hours": number(self.quota_hours),
            "used_hours": number(self.used_hours),
            "left_hours": number(max(Decimal(0), self.quota_hours - self.used_hours)),
            "sessions": [line.as_dict(zone) for line in self.lines],
            "total_eur": eur(
                sum((s.charge.amount for s in self.lines if s.charge is not None), Decimal(0))
            ),
        }


@dataclass(frozen=True)
class LiveSupport:
    bookings: BookingStore
    contracts: Callable[[], ContractDirectory]
    policies: PolicyRegistry
    clock: Clock

    def _rules(self, customer_id: str, at: datetime) -> tuple[Policy, Contract]:
        """The contract version in force at `at`, and the policy version it names (or the one
        in effect then)."""
        contract = self.contracts().as_of(customer_id, at).contract
        policy = self.policies.get(contract.policy, at, contract.policy_version)
        if policy.entitlements.live_support is None:
            raise BookingError(
                f"{customer_id}: policy {policy.id} v{policy.version} has no live-support sessions"
            )
        return policy, contract

    def book(
        self,
        customer_id: str,
        start: datetime,
        minutes: int,
        by: str,
        subject: str = "",
        key: str | None = None,
    ) -> tuple[Booking, bool]:
        """A new session (and True), or the one this key already booked (and False)."""
        now = self.clock()
        booking_id = _booking_id(customer_id, key)
        if key is not None:
            earlier = self.bookings.get(customer_id, booking_id)
            if earlier is not None:
                return self._same(earlier, start, minutes), False
        if start.tzinfo is None:
            raise BookingError("start: give an instant with an offset")
        policy, _ = self._rules(customer_id, now)
        check_booking(policy, start, minutes, now)
        booking = Booking(
            booking_id=booking_id,
            start=start,
            minutes=minutes,
            booked_at=now,
            booked_by=by,
            subject=subject.strip()[:200],
        )
        if not self.bookings.add(customer_id, booking):  # the same key, at the same moment
            earlier = self.bookings.get(customer_id, booking_id)
            if earlier is None:
                raise ConcurrentUpdate("the booking changed while it was made; try again")
            return self._same(earlier, start, minutes), False
        return booking, True

    @staticmethod
    def _same(earlier: Booking, start: datetime, minutes: int) -> Booking:
        if earlier.start != start or earlier.minutes != minutes:
            raise KeyReused(
                f"this Idempotency-Key booked {earlier.booking_id} for another time; "
                "use a new key for a new session"
            )
        return earlier

    def get(self, customer_id: str, booking_id: str) -> Booking:
        found = self.bookings.get(customer_id, booking_id)
        if found is None:
            raise BookingNotFound(f"customer {customer_id!r} has no booking {booking_id!r}")
        return found

    def cancel(self, customer_id: str, booking_id: str) -> tuple[Booking, bool]:
        """Cancel (again: the same answer); True when it was in time (nothing used)."""
        booking = self.get(customer_id, booking_id)
        policy, _ = self._rules(customer_id, booking.booked_at)
        if booking.no_show_at is not None:
            raise BookingConflict(f"{booking_id} was recorded as a no-show; it cannot be cancelled")
        if booking.cancelled_at is None:
            now = self.clock()
            if now >= booking.start:
                raise BookingConflict(
                    f"{booking_id} has begun; a session not held is recorded as a no-show"
                )
            booking = self._change(customer_id, replace(booking, cancelled_at=now))
        assert booking.cancelled_at is not None
        return booking, cancel_in_time(policy, booking.start, booking.cancelled_at)

    def no_show(self, customer_id: str, booking_id: str) -> Booking:
        """The customer did not come: the session counts as used (again: the same answer)."""
        booking = self.get(customer_id, booking_id)
        policy, _ = self._rules(customer_id, booking.booked_at)
        if booking.cancelled_at is not None:
            raise BookingConflict(f"{booking_id} was cancelled; it cannot be missed")
        if booking.no_show_at is None:
            now = self.clock()
            check_no_show(policy, booking.start, now)
            booking = self._change(customer_id, replace(booking, no_show_at=now))
        return booking

    def _change(self, customer_id: str, booking: Booking) -> Booking:
        changed = replace(booking, version=booking.version + 1)
        if not self.bookings.replace(customer_id, changed):
            raise ConcurrentUpdate(f"{booking.booking_id} changed meanwhile; read it again")
        return changed

    def month(self, customer_id: str, period: str) -> MonthSessions:
        """The month's sessions (by their start, in the policy's zone) with their charges."""
        year, month = parse_period(period)
        directory = self.contracts()
        current = directory.get(customer_id)
        zone = self.policies.get(current.policy).calendar().zone
        sessions = sorted(
            (
                b
                for b in self.bookings.of_customer(customer_id)
                if (b.start.astimezone(zone).year, b.start.astimezone(zone).month) == (year, month)
            ),
            key=lambda b: (b.booked_at, b.booking_id),
        )
        if not sessions:
            return MonthSessions(customer_id, period, None, current.live_support_quota_hours, ())
        first = min(sessions, key=lambda b: b.start)
        policy, contract = self._rules(customer_id, first.start)
        terms = contract.terms()
        charges = month_charges(
            policy, sessions, terms.live_support_quota_hours, terms.live_support_rate
        )
        lines = tuple(
            SessionLine(
                b,
                charges.get(b.booking_id),
                None if b.cancelled_at is None else cancel_in_time(policy, b.start, b.cancelled_at),
                b.used(policy),
            )
            for b in sorted(sessions, key=lambda b: (b.start, b.booking_id))
        )
        return MonthSessions(customer_id, period, policy, terms.live_support_quota_hours, lines)


def _booking_id(customer_id: str, key: str | None) -> str:
    if key is None:
        return "B-" + secrets.token_hex(5).upper()
    digest = hashlib.sha256(f"{customer_id}\n{key}".encode()).hexdigest()
    return "B-" + digest[:10].upper()
