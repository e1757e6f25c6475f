"""The entitlements and charges sections of a policy pack: what an organisation may use for free,
what gets flagged (never refused) and what is billed, each with the contract rule it comes from.

The amounts a customer pays (hourly rate, investigation fee, live-support rate) are the
contract's; a pack gives the rules and the default an amount falls back to when the contract is
silent and the seed document names one (R001-5's 150 EUR/h, R002-6's 45 EUR).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator

from supportflow.domain.common.money import parse_eur
from supportflow.domain.common.timeutil import parse_duration
from supportflow.domain.common.vocabulary import DurationText, PolicyModel


class Emergencies(PolicyModel):
    """R000-5: security emergencies are always free urgent cases; other urgent requests are free
    `free_per_year` times in the year before the ticket opened (a rolling year: an earlier
    request counts when it was opened after the same local date and time one year earlier);
    beyond that the ticket is flagged as needing an additional SLA, never refused."""

    priority: str = Field(description="the urgent priority level")
    always_free: list[str] = Field(description="categories that are security emergencies")
    free_per_year: int = Field(default=1, ge=0)
    rule: str


class FairUse(PolicyModel):
    """R000-6: an organisation's tickets over the window against `factor` times the average of
    all organisations over the same window; above it the ticket is flagged for a conversation."""

    window_months: int = Field(default=12, ge=1, le=36)
    factor: Decimal = Field(default=Decimal(3), gt=0)
    rule: str


class Disposition(PolicyModel):
    """Tickets of these types or categories (or turned so by an agent) leave standard support:
    flagged, with their own state on the ticket, never silently closed."""

    types: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    rule: str


class VendorEscalation(PolicyModel):
    """R004-9: a defect in the vendor's service is escalated to the vendor and followed up."""

    follow_up_every: DurationText = Field(
        default="2 workdays", description="how often the desk chases the vendor"
    )
    rule: str


class LiveSupport(PolicyModel):
    """R001-5 and R001-6: live-support sessions are booked ahead against a monthly quota (the
    contract's; it expires at month end, first come first served); a session beyond the quota is
    billed at the contract's live-support rate (default `rate_eur`)."""

    type: str = Field(default="live_booking", description="the request type of a booking")
    rate_eur: Decimal = Field(description="per hour, when the contract names no rate")
    book_days_ahead: int = Field(default=3, ge=0, description="calendar days before the session")
    cancel_days_ahead: int = Field(
        default=1,
        ge=0,
        description="a cancellation on this many calendar days before the session or earlier is "
        "in time, at any hour (R001-6: 'the evening before is enough')",
    )
    minimum: DurationText = "30m"
    no_show_after: DurationText = "5m"
    rule: str = Field(description="the booking rules")
    charge_rule: str = Field(description="the billing rule")

    @field_validator("rate_eur", mode="before")
    @classmethod
    def _rate(cls, value: object) -> Decimal:
        return parse_eur(value, "rate_eur")


class StandbyKind(PolicyModel):
    percent: Decimal = Field(gt=0, le=500, description="of the contract's hourly rate")
    minimum: DurationText


# How each kind's minimum applies when one agreed standby period spans kinds (R003-4 is silent):
#   per_kind   each kind's minimum once per agreed period, over that kind's hours in all of it
#   per_piece  each contiguous piece of one kind separately (as if agreed as separate periods)
StandbyMinimums = Literal["per_kind", "per_piece"]


class StandbyTariff(PolicyModel):
    """R003-4: the fee of an agreed standby period by kind: a public holiday (the whole day),
    weekend daytime (`day` on Saturday and Sunday), or evening and night (the rest of the time
    outside `calendar`'s open hours). One period may span kinds: each kind is billed at its
    share of the rate, its minimum applied as `minimums` says. A call in one is billed on top
    for the time worked, at the hourly rate, at least `call_work_minimum`."""

    calendar: str = Field(description="the office calendar: no standby while it is open")
    day: str = Field(pattern=r"^\d\d:\d\d-\d\d:\d\d$", description="weekend daytime")
    weekend: StandbyKind
    evening_night: StandbyKind
    holiday: StandbyKind
    minimums: StandbyMinimums = Field(
        default="per_kind",
        description="a period spanning kinds: each kind's minimum once over its hours in the "
        "period (per_kind) or for each contiguous piece (per_piece); the desk's own choice",
    )
    call_work_minimum: DurationText = "1h"
    rule: str

    def minutes(self) -> tuple[int, int]:
        start, end = self.day.split("-")
        a = int(start[:2]) * 60 + int(start[3:])
        b = int(end[:2]) * 60 + int(end[3:])
        if not 0 <= a < b <= 24 * 60:
            raise ValueError(f"day {self.day!r} must be an interval within one day")
        return a, b


class Investigation(PolicyModel):
    """R002-6: free within the warranty after delivery (the contract's end date); after it, a
    ticket solved by first line is free; otherwise the customer chooses an investigation for a
    fee or lets the ticket lapse; no fee with a care subscription."""

    fee_eur: Decimal = Field(description="when the contract names no fee")
    warranty_months: int = Field(default=3, ge=0, description="what the contract's end date is")
    rule: str

    @field_validator("fee_eur", mode="before")
    @classmethod
    def _fee(cls, value: object) -> Decimal:
        return parse_eur(value, "fee_eur")


class OutOfContract(PolicyModel):
    """R003-5: work outside the contract is billed at the hourly rate."""

    rule: str


class Entitlements(PolicyModel):
    emergencies: Emergencies | None = None
    fair_use: FairUse | None = None
    consultancy: Disposition | None = None
    outside_standard_support: Disposition | None = None
    vendor: VendorEscalation | None = None
    live_support: LiveSupport | None = None


class Charges(PolicyModel):
    currency: Literal["EUR"] = "EUR"
    standby: StandbyTariff | None = None
    investigation: Investigation | None = None
    out_of_contract: OutOfContract | None = None


def check_durations(
    entitlements: Entitlements, charges: Charges, workday_seconds: int
) -> list[tuple[str, str]]:
    """(path, reason) for every duration in the two sections that does not parse."""
    found: list[tuple[str, str]] = []
    texts: list[tuple[str, DurationText]] = []
    if entitlements.vendor:
        texts.append(("entitlements.vendor.follow_up_every", entitlements.vendor.follow_up_every))
    if entitlements.live_support:
        texts += [
            ("entitlements.live_support.minimum", entitlements.live_support.minimum),
            ("entitlements.live_support.no_show_after", entitlements.live_support.no_show_after),
        ]
    if charges.standby:
        s = charges.standby
        texts += [
            ("charges.standby.weekend.minimum", s.weekend.minimum),
            ("charges.standby.evening_night.minimum", s.evening_night.minimum),
            ("charges.standby.holiday.minimum", s.holiday.minimum),
            ("charges.standby.call_work_minimum", s.call_work_minimum),
        ]
        try:
            s.minutes()
        except ValueError as exc:
            found.append(("charges.standby.day", str(exc)))
    for path, text in texts:
        try:
            parse_duration(text, workday_seconds)
        except ValueError as exc:
            found.append((path, str(exc)))
    return found
