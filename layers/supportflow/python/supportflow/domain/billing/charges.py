"""Charges: what a ticket costs under its contract, from its events, each line with its rule id,
quantity, rate and amount (Decimal, rounded to the cent as an invoice line is).

    R003-4  the fee of an agreed standby period, and the work on a standby call on top
    R003-5  work outside the contract at the hourly rate
    R002-6  after the warranty and beyond first line: the investigation fee (not with care)
    R001-5  live support beyond the monthly quota at the live-support rate

The rules a ticket's events are charged by are in charge_rules.py (one function each, in a
table); this module has the charge lines, the work logged, and the standby fee.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from supportflow.domain.common.money import cents, eur, number
from supportflow.domain.common.timeutil import from_us, parse_duration, to_us
from supportflow.domain.policy.policy import Policy
from supportflow.domain.sla.priority import TicketError
from supportflow.domain.sla.sla_state import TicketEvent

LINES = ("first", "second")
MAX_MINUTES = 31 * 24 * 60
HOUR = Decimal(3600)


class ChargeError(ValueError):
    """A charge that cannot be worked out: a missing rate, a period that is not standby."""


@dataclass(frozen=True)
class Charge:
    rule: str
    code: str
    hours: Decimal | None  # the billed hours; None for a fixed fee
    rate: Decimal
    amount: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "code": self.code,
            "hours": None if self.hours is None else number(self.hours),
            "rate_eur": eur(self.rate),
            "amount_eur": eur(self.amount),
        }

    def event_data(self) -> dict[str, Any]:
        """As stored on a `charged` event (decimals as texts, exact)."""
        return {
            "rule": self.rule,
            "code": self.code,
            "hours": None if self.hours is None else str(self.hours),
            "rate": eur(self.rate),
            "amount": eur(self.amount),
        }

    @classmethod
    def from_event(cls, event: TicketEvent) -> Charge:
        d = event.data
        hours = d.get("hours")
        return cls(
            str(d["rule"]),
            str(d["code"]),
            None if hours is None else Decimal(str(hours)),
            Decimal(str(d["rate"])),
            Decimal(str(d["amount"])),
        )


@dataclass(frozen=True)
class Work:
    at: datetime
    minutes: Decimal
    line: str
    outside_contract: bool


def work_of(events: Sequence[TicketEvent]) -> list[Work]:
    """The `work_logged` events, checked: minutes a positive number (at most a month), line
    first or second (default first)."""
    found = []
    for n, event in enumerate(events):
        if event.type != "work_logged":
            continue
        raw = event.data.get("minutes")
        try:
            if isinstance(raw, bool) or raw is None:
                raise InvalidOperation
            minutes = Decimal(str(raw))
        except InvalidOperation:
            raise TicketError(f"event {n} (work_logged): minutes {raw!r} is not a number") from None
        if not minutes.is_finite() or not 0 < minutes <= MAX_MINUTES:
            raise TicketError(f"event {n} (work_logged): minutes must be from 0 to {MAX_MINUTES}")
        line = event.data.get("line", "first")
        if line not in LINES:
            raise TicketError(f"event {n} (work_logged): line {line!r} is not first or second")
        outside = event.data.get("outside_contract", False)
        if not isinstance(outside, bool):
            raise TicketError(f"event {n} (work_logged): outside_contract must be true or false")
        found.append(Work(event.at, minutes, str(line), outside))
    return found


def hourly_charge(rule: str, code: str, minutes: Decimal, rate: Decimal) -> Charge:
    """`minutes` at an hourly `rate`, the amount rounded to the cent."""
    hours = minutes / 60
    return Charge(rule, code, hours, rate, cents(hours * rate))


# ----- R003-4: the fee of one agreed standby period -----------------------------------------


@dataclass(frozen=True)
class StandbyPart:
    """One kind's share of a standby period's fee: its real hours (DST nights count 23 or 25),
    the hours billed (at least the kind's minimum), its percent of the rate and the amount."""

    kind: str
    hours: Decimal
    billed_hours: Decimal
    percent: Decimal
    amount: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "hours": number(self.hours),
            "billed_hours": number(self.billed_hours),
            "percent": number(self.percent),
            "amount_eur": eur(self.amount),
        }


@dataclass(frozen=True)
class StandbyFee:
    """The fee of one agreed standby period: a part per kind (per contiguous piece when the
    pack's `minimums` is per_piece), in the order they come; the total is the sum of the
    parts, each rounded to the cent as an invoice line is."""

    parts: tuple[StandbyPart, ...]
    minimums: str
    rule: str

    @property
    def hours(self) -> Decimal:
        return sum((p.hours for p in self.parts), Decimal(0))

    @property
    def billed_hours(self) -> Decimal:
        return sum((p.billed_hours for p in self.parts), Decimal(0))

    @property
    def amount(self) -> Decimal:
        return sum((p.amount for p in self.parts), Decimal(0))

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.kind for p in self.parts))

    def as_dict(self) -> dict[str, Any]:
        return {
            "parts": [p.as_dict() for p in self.parts],
            "minimums": self.minimums,
            "hours": number(self.hours),
            "billed_hours": number(self.billed_hours),
            "amount_eur": eur(self.amount),
        }


def standby_kind_pieces(
    policy: Policy, start: datetime, end: datetime
) -> list[tuple[str, int, int]]:
    """The period cut at local midnight and the weekend daytime bounds, each piece with its kind
    (holiday, weekend, evening_night, or office: the office is open, no standby); adjacent
    pieces of one kind are joined (a night across midnight is one piece)."""
    tariff = policy.charges.standby
    if tariff is None:
        raise ChargeError(f"policy {policy.id} has no standby tariff")
    office = policy.calendar(tariff.calendar)
    day_from, day_to = tariff.minutes()
    t, stop = to_us(start), to_us(end)
    pieces: list[tuple[str, int, int]] = []
    while t < stop:
        day = from_us(t, office.zone).date()
        bounds = [office.local_instant(day, m) for m in (0, day_from, day_to, 24 * 60)]
        part = max(i for i in range(3) if bounds[i] <= t)
        piece_end = min(bounds[part + 1], stop)
        if office.segments_us(t, piece_end):
            kind = "office"
        elif office.holiday_name(day) is not None:
            kind = "holiday"
        elif part == 1 and not office.weekly[day.weekday()]:
            kind = "weekend"
        else:
            kind = "evening_night"
        if pieces and pieces[-1][0] == kind and pieces[-1][2] == t:
            pieces[-1] = (kind, pieces[-1][1], piece_end)
        else:
            pieces.append((kind, t, piece_end))
        t = piece_end
    return pieces


def standby_fee(policy: Policy, start: datetime, end: datetime, rate: Decimal) -> StandbyFee:
    """R003-4: the fee of one agreed standby period at the contract's hourly `rate`. The period
    may span kinds (Friday 18:00 to Monday 08:30: evening and night, weekend, ...): each kind
    is billed at its share of the rate for its real hours, at least its minimum, applied once
    per kind over its hours in the whole period (per_kind) or to each contiguous piece
    (per_piece), as the pack's `charges.standby.minimums` says. A period that reaches into
    office hours is not standby: an error naming where."""
    if end <= start:
        raise ChargeError("a standby period must end after it starts")
    tariff = policy.charges.standby
    if tariff is None:
        raise ChargeError(f"policy {policy.id} has no standby tariff")
    pieces = standby_kind_pieces(policy, start, end)
    office = policy.calendar(tariff.calendar)
    for kind, a, b in pieces:
        if kind == "office":
            opens = office.segments_us(a, b)[0][0]
            raise ChargeError(
                f"the period reaches into office hours at "
                f"{from_us(opens, office.zone):%a %Y-%m-%d %H:%M} ({office.timezone}): "
                "that is not standby"
            )
    spans: dict[tuple[str, int], int] = {}  # (kind, n) -> microseconds, in order of appearance
    for n, (kind, a, b) in enumerate(pieces):
        key = (kind, 0) if tariff.minimums == "per_kind" else (kind, n)
        spans[key] = spans.get(key, 0) + b - a
    parts = []
    for (kind, _), us in spans.items():
        terms = getattr(tariff, kind)
        hours = Decimal(us) / (HOUR * 1_000_000)
        billed = max(hours, Decimal(parse_duration(terms.minimum)) / HOUR)
        amount = cents(billed * rate * terms.percent / 100)
        parts.append(StandbyPart(kind, hours, billed, terms.percent, amount))
    return StandbyFee(tuple(parts), tariff.minimums, tariff.rule)
