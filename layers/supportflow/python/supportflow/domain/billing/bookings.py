"""R001-6 live-support bookings: booked at least N calendar days ahead, at least 30 minutes;
cancelled in time up to the day before (the evening before is enough); a no-show after 5
minutes counts as used; a monthly quota of hours that expires at month end, used first come
first served (in the order the sessions were booked); beyond it a session is billed (R001-5).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from supportflow.domain.billing.charges import Charge, hourly_charge
from supportflow.domain.common.timeutil import parse_duration
from supportflow.domain.policy.policy import Policy


class BookingError(ValueError):
    """A booking, cancellation or no-show the rules do not allow (with the rule and why)."""


@dataclass(frozen=True)
class Booking:
    booking_id: str
    start: datetime
    minutes: int
    booked_at: datetime
    cancelled_at: datetime | None = None
    no_show_at: datetime | None = None
    booked_by: str = ""
    subject: str = ""
    version: int = 1  # the stored revision: an update is conditional on it

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)

    @property
    def state(self) -> str:
        if self.no_show_at is not None:
            return "no_show"
        if self.cancelled_at is not None:
            return "cancelled"
        return "booked"

    def used(self, policy: Policy) -> bool:
        """A held session, a no-show, or a cancellation too late uses its time."""
        if self.cancelled_at is None:
            return True
        return not cancel_in_time(policy, self.start, self.cancelled_at)


def check_booking(policy: Policy, start: datetime, minutes: int, booked_at: datetime) -> None:
    """A new booking: long enough, and far enough ahead in calendar days (the pack's zone)."""
    rule = policy.entitlements.live_support
    if rule is None:
        raise BookingError(f"policy {policy.id} has no live-support bookings")
    shortest = parse_duration(rule.minimum) // 60
    if minutes < shortest:
        raise BookingError(f"{rule.rule}: a session is at least {shortest} minutes")
    zone = policy.calendar().zone
    ahead = (start.astimezone(zone).date() - booked_at.astimezone(zone).date()).days
    if ahead < rule.book_days_ahead:
        raise BookingError(
            f"{rule.rule}: book at least {rule.book_days_ahead} days ahead "
            f"(this is {ahead} day{'s' if ahead != 1 else ''} ahead)"
        )


def cancel_in_time(policy: Policy, start: datetime, at: datetime) -> bool:
    """In time: on the day (`cancel_days_ahead`) before the session's day or earlier, at any
    hour of it (R001-6: 'the evening before is enough')."""
    rule = policy.entitlements.live_support
    if rule is None:
        raise BookingError(f"policy {policy.id} has no live-support bookings")
    zone = policy.calendar().zone
    last_day = start.astimezone(zone).date() - timedelta(days=rule.cancel_days_ahead)
    return at.astimezone(zone).date() <= last_day


def check_no_show(policy: Policy, start: datetime, at: datetime) -> None:
    rule = policy.entitlements.live_support
    if rule is None:
        raise BookingError(f"policy {policy.id} has no live-support bookings")
    wait = timedelta(seconds=parse_duration(rule.no_show_after))
    if at < start + wait:
        raise BookingError(
            f"{rule.rule}: a no-show counts after {int(wait.total_seconds() // 60)} minutes"
        )


def month_charges(
    policy: Policy,
    bookings: Sequence[Booking],
    quota_hours: Decimal,
    rate: Decimal | None,
) -> dict[str, Charge | None]:
    """Per booking of one month: None when its time fits the month's quota, else the charge for
    the part beyond it (first come first served: in the order booked). Cancelled in time: no
    charge and no quota used."""
    rule = policy.entitlements.live_support
    if rule is None:
        raise BookingError(f"policy {policy.id} has no live-support bookings")
    left = quota_hours * 60
    per_hour = rate if rate is not None else rule.rate_eur
    out: dict[str, Charge | None] = {}
    for booking in sorted(bookings, key=lambda b: (b.booked_at, b.booking_id)):
        if not booking.used(policy):
            out[booking.booking_id] = None
            continue
        covered = min(left, Decimal(booking.minutes))
        left -= covered
        billed = Decimal(booking.minutes) - covered
        if billed <= 0:
            out[booking.booking_id] = None
            continue
        out[booking.booking_id] = hourly_charge(rule.charge_rule, "live_support", billed, per_hour)
    return out
