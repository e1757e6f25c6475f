"""Live-support bookings (R001-6) in the ticket table.

| item | pk | sk |
|---|---|---|
| booking | BOOKINGS#<customer> | BOOKING#<booking id> |

One query reads a customer's bookings (a few a month); a change is a Put conditional on the
stored revision, so two agents changing one booking cannot both win. The ticket API's existing
GetItem, PutItem and Query permissions cover it.
"""

from __future__ import annotations

import json
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError

from supportflow.adapters.dynamodb.models import MODELS, _Base
from supportflow.domain.billing.bookings import Booking
from supportflow.domain.common.timeutil import format_instant, parse_instant
from supportflow.services.ports.tickets import TemporarilyUnavailable


class BookingItem(_Base):
    version = NumberAttribute()
    body = UnicodeAttribute()  # the booking as JSON


MODELS.append(BookingItem)


def _pk(customer_id: str) -> str:
    return f"BOOKINGS#{customer_id}"


def _sk(booking_id: str) -> str:
    return f"BOOKING#{booking_id}"


def _encode(booking: Booking) -> str:
    data: dict[str, Any] = {
        "booking_id": booking.booking_id,
        "start": format_instant(booking.start),
        "minutes": booking.minutes,
        "booked_at": format_instant(booking.booked_at),
        "cancelled_at": format_instant(booking.cancelled_at),
        "no_show_at": format_instant(booking.no_show_at),
        "booked_by": booking.booked_by,
        "subject": booking.subject,
    }
    return json.dumps(data, separators=(",", ":"), sort_keys=True)


def _decode(item: BookingItem) -> Booking:
    data = json.loads(item.body)
    return Booking(
        booking_id=data["booking_id"],
        start=parse_instant(data["start"]),
        minutes=int(data["minutes"]),
        booked_at=parse_instant(data["booked_at"]),
        cancelled_at=parse_instant(data["cancelled_at"]) if data.get("cancelled_at") else None,
        no_show_at=parse_instant(data["no_show_at"]) if data.get("no_show_at") else None,
        booked_by=data.get("booked_by", ""),
        subject=data.get("subject", ""),
        version=int(item.version),
    )


def _conditional_failure(exc: PutError) -> bool:
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


class DynamoBookings:
    """`BookingStore` on DynamoDB."""

    def of_customer(self, customer_id: str) -> list[Booking]:
        items = BookingItem.query(
            _pk(customer_id), BookingItem.sk.startswith("BOOKING#"), consistent_read=True
        )
        return [_decode(item) for item in items]

    def get(self, customer_id: str, booking_id: str) -> Booking | None:
        try:
            return _decode(BookingItem.get(_pk(customer_id), _sk(booking_id), consistent_read=True))
        except BookingItem.DoesNotExist:
            return None

    def _put(self, customer_id: str, booking: Booking, condition: Any) -> bool:
        item = BookingItem(
            pk=_pk(customer_id),
            sk=_sk(booking.booking_id),
            version=booking.version,
            body=_encode(booking),
        )
        try:
            item.save(condition=condition)
        except PutError as exc:
            if _conditional_failure(exc):
                return False
            raise TemporarilyUnavailable(str(exc)) from exc
        return True

    def add(self, customer_id: str, booking: Booking) -> bool:
        return self._put(customer_id, booking, BookingItem.pk.does_not_exist())

    def replace(self, customer_id: str, booking: Booking) -> bool:
        return self._put(customer_id, booking, BookingItem.version == booking.version - 1)
