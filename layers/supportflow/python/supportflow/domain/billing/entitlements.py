"""Entitlements: what an organisation may use under its contract, judged when a ticket opens.

Nothing here refuses a ticket. A rule that is exceeded raises a flag (rule, code, reason in
words, with the figures) for a person to act on: R000-5 free emergencies and the additional SLA
beyond them, R000-6 fair use, R001-4 critical cases from contacts who are not authorised,
R001-5 advice and training as consultancy, R004-1 change requests outside standard support.

The contract's side is `Terms` (built from a stored contract version, or from the `assess`
command's input), the organisation's earlier tickets are `PastTicket`s.
"""

from __future__ import annotations

import calendar as _month_calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from supportflow.domain.policy.policy import Policy
from supportflow.domain.policy.priority_rules import TicketAttributes
from supportflow.domain.sla.sla_state import TicketEvent

FLAG_CODES = (
    "free_emergency",
    "additional_sla_needed",
    "fair_use_review",
    "downgraded_not_authorised",
    "consultancy",
    "outside_standard_support",
)


@dataclass(frozen=True)
class Period:
    """An agreed period [start, end), e.g. a standby period (R003-4)."""

    start: datetime
    end: datetime

    def covers(self, instant: datetime) -> bool:
        return self.start <= instant < self.end


@dataclass(frozen=True)
class Terms:
    """What one contract version says about using and paying for support. None: the contract
    does not say (a rule that needs it then does not apply, or falls back to the pack)."""

    hourly_rate: Decimal | None = None
    investigation_fee: Decimal | None = None
    live_support_rate: Decimal | None = None
    live_support_quota_hours: Decimal = Decimal(0)
    warranty_until: date | None = None
    care_subscription: bool = False
    authorised_contacts: tuple[str, ...] | None = None
    standby: tuple[Period, ...] | None = None
    average_tickets_per_org: Decimal | None = None

    def agreed_at(self, instant: datetime) -> tuple[str, ...] | None:
        """The kinds of agreed period `instant` falls in; None when the contract lists none (a
        standing agreement: every time outside office hours is standby)."""
        if self.standby is None:
            return None
        return ("standby",) if any(p.covers(instant) for p in self.standby) else ()

    def is_authorised(self, address: str | None) -> bool | None:
        """Whether `address` is an authorised contact; None when either is unknown."""
        if self.authorised_contacts is None or not address:
            return None
        return address.casefold() in {a.casefold() for a in self.authorised_contacts}


@dataclass(frozen=True)
class PastTicket:
    """One earlier ticket of the same organisation, as far as entitlements look at it."""

    opened: datetime
    priority: str | None
    category: str | None = None
    type: str = "incident"


@dataclass(frozen=True)
class Flag:
    rule: str
    code: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "code": self.code, "reason": self.reason}

    @classmethod
    def from_event(cls, event: TicketEvent) -> Flag:
        return cls(str(event.data["rule"]), str(event.data["code"]), str(event.data["reason"]))


def months_before(instant: datetime, months: int) -> datetime:
    """The same local date and time `months` calendar months earlier (the last day of a
    shorter month: 29 Feb less a year is 28 Feb)."""
    month0 = instant.year * 12 + instant.month - 1 - months
    year, month = divmod(month0, 12)
    last = _month_calendar.monthrange(year, month + 1)[1]
    return instant.replace(year=year, month=month + 1, day=min(instant.day, last))


def downgrade(
    policy: Policy, terms: Terms, priority: str | None, contact: str | None
) -> tuple[str, Flag] | None:
    """R001-4: a priority only authorised contacts may file, from another contact: the
    priority anyone may file, and the flag that says why; None when it stands."""
    if priority is None or priority not in policy.conversation.authorised_only:
        return None
    if terms.is_authorised(contact) is not False:
        return None
    reason = f"{priority} is for authorised contacts; filed by another contact ({contact})"
    rule = policy.conversation.contacts_rule or "-"
    lowered = policy.priorities.default or priority
    return lowered, Flag(rule, "downgraded_not_authorised", reason)


def needs_history(policy: Policy, priority: str | None) -> bool:
    """Whether the flags of a ticket at `priority` read the organisation's earlier tickets."""
    rights = policy.entitlements
    urgent = rights.emergencies is not None and priority == rights.emergencies.priority
    return urgent or rights.fair_use is not None


def opening_flags(
    policy: Policy,
    terms: Terms,
    ticket: TicketAttributes,
    priority: str | None,
    opened: datetime,
    history: Sequence[PastTicket],
) -> list[Flag]:
    """The flags a ticket gets for what it is and who files it, at `priority`."""
    zone = policy.calendar().zone
    local = opened.astimezone(zone)
    flags: list[Flag] = []
    rights = policy.entitlements
    emergencies = rights.emergencies
    if emergencies is not None and priority == emergencies.priority:
        flags.append(_emergency(emergencies, ticket, local, history, zone))
    fair = rights.fair_use
    if fair is not None and terms.average_tickets_per_org:
        since = months_before(local, fair.window_months)
        count = 1 + sum(1 for h in history if since < h.opened <= opened)
        limit = fair.factor * terms.average_tickets_per_org
        if count > limit:
            average = _plain(terms.average_tickets_per_org)
            flags.append(
                Flag(
                    fair.rule,
                    "fair_use_review",
                    f"{count} tickets in the {fair.window_months} months since "
                    f"{since:%Y-%m-%d} against an average of {average} per "
                    f"organisation: above {_plain(fair.factor)}x ({_plain(limit)}); time for "
                    "a conversation, support goes on",
                )
            )
    for code, disposition in (
        ("consultancy", rights.consultancy),
        ("outside_standard_support", rights.outside_standard_support),
    ):
        if disposition is None:
            continue
        if ticket.type in disposition.types or (ticket.category in disposition.categories):
            what = ticket.type if ticket.type in disposition.types else ticket.category
            flags.append(Flag(disposition.rule, code, _disposition_reason(code, str(what))))
    return flags


def _emergency(
    rule: Any,
    ticket: TicketAttributes,
    local: datetime,
    history: Sequence[PastTicket],
    zone: Any,
) -> Flag:
    if ticket.category in rule.always_free:
        return Flag(
            rule.rule,
            "free_emergency",
            f"a security emergency ({ticket.category}) is always a free urgent case",
        )
    since = months_before(local, 12)
    earlier = sorted(
        h.opened
        for h in history
        if h.priority == rule.priority
        and h.category not in rule.always_free
        and since < h.opened <= local
    )
    if len(earlier) < rule.free_per_year:
        return Flag(
            rule.rule,
            "free_emergency",
            f"no other urgent request since {since:%Y-%m-%d %H:%M}: free "
            f"({rule.free_per_year} a rolling year)",
        )
    last = earlier[-1].astimezone(zone)
    return Flag(
        rule.rule,
        "additional_sla_needed",
        f"{len(earlier)} other urgent request(s) since {since:%Y-%m-%d %H:%M}, the last on "
        f"{last:%Y-%m-%d}: beyond {rule.free_per_year} free a rolling year this needs an "
        "additional SLA; handled as urgent all the same",
    )


def _disposition_reason(code: str, what: str) -> str:
    if code == "consultancy":
        return f"{what}: advice or training, handled as consultancy rather than support"
    return f"{what}: not standard support, it needs a separate agreement"


def action_flag(policy: Policy, code: str, reason: str) -> Flag:
    """The flag an agent's decision raises (turning a ticket into consultancy or taking it out
    of standard support), with the pack's rule id."""
    rights = policy.entitlements
    disposition = rights.consultancy if code == "consultancy" else rights.outside_standard_support
    rule = disposition.rule if disposition else "-"
    return Flag(rule, code, reason)


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")
