"""The month's volume for the SLA review (R004-12): what came in, not only how it was judged.

Every ticket leaves one `Intake` in the month it was opened (in the pack's zone), next to the
verdicts the review keeps per customer and month, so the month's volume is read with the same
one query:
- tickets in: per channel (R003-1: portal, e-mail, phone, monitoring, ...) and per priority;
  problem records and RCA tasks (R004-8) are the desk's own tickets and are counted apart;
- outages: monitoring alerts and the tickets the pack's availability rule counts as outages
  (R001-7, R004-11);
- standby calls: tickets with the priority the pack's standby rule gives (R003-4), and the
  work charged on them (`standby_call_work`), counted in the month the call came in.

Nothing here reads a clock or does I/O.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any

from supportflow.domain.common.money import eur
from supportflow.domain.common.periods import Month
from supportflow.domain.common.timeutil import format_instant, parse_instant
from supportflow.domain.review.problems import PROBLEM, RCA
from supportflow.domain.review.verdicts import local_text

UNKNOWN = "unknown"  # a channel not recorded (an intake kept before channels were)
NO_PRIORITY = "none"  # a ticket without a priority level (R004-1: an information request)
DESK_TYPES = (PROBLEM, RCA)  # the desk's own tickets, not filed by the customer
MONITORING = "monitoring"
CALL_WORK = "standby_call_work"  # the charge code of the work on a standby call (R003-4)


@dataclass(frozen=True)
class Intake:
    """One ticket as it came in, kept in the month it was opened."""

    ticket_id: str
    opened_at: datetime
    channel: str = UNKNOWN
    priority: str | None = None
    type: str = "incident"
    outage: bool = False
    standby: bool = False
    call_work: Decimal = Decimal(0)  # EUR charged for the work on a standby call

    def month(self, zone: tzinfo) -> Month:
        return Month.of(self.opened_at, zone)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ticket_id": self.ticket_id,
            "opened_at": format_instant(self.opened_at),
            "channel": self.channel,
            "priority": self.priority,
            "type": self.type,
            "outage": self.outage,
            "standby": self.standby,
            "call_work_eur": eur(self.call_work),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Intake:
        """An intake as stored; what an older row lacks takes its default."""
        return cls(
            ticket_id=str(data["ticket_id"]),
            opened_at=parse_instant(str(data["opened_at"])),
            channel=str(data.get("channel") or UNKNOWN),
            priority=data.get("priority"),
            type=str(data.get("type") or "incident"),
            outage=bool(data.get("outage", False)),
            standby=bool(data.get("standby", False)),
            call_work=Decimal(str(data.get("call_work_eur") or "0")),
        )


def intake_of(
    ticket_id: str,
    opened_at: datetime,
    channel: str | None,
    priority: str | None,
    ticket_type: str | None,
    *,
    outage: bool,
    standby_priority: str | None,
    charges: Iterable[Mapping[str, Any]] = (),
) -> Intake:
    """A ticket's intake: `charges` are its `charged` events' data (rule, code, amount)."""
    standby = standby_priority is not None and priority == standby_priority
    work = sum(
        (Decimal(str(c.get("amount") or "0")) for c in charges if c.get("code") == CALL_WORK),
        Decimal(0),
    )
    return Intake(
        ticket_id=ticket_id,
        opened_at=opened_at,
        channel=channel or UNKNOWN,
        priority=priority,
        type=ticket_type or "incident",
        outage=outage or channel == MONITORING,
        standby=standby,
        call_work=work if standby else Decimal(0),
    )


def month_volume(
    intakes: Iterable[Intake],
    period: Month,
    zone: tzinfo,
    *,
    priorities: Sequence[str] = (),
    channels: Sequence[str] = (),
    standby: bool = False,
    standby_periods: Decimal | None = None,
) -> dict[str, Any]:
    """The volume of `period` as JSON.

    `priorities` and `channels` are the pack's, in its order (shown even when none came in);
    `standby` whether the pack bills standby at all (R003-4: otherwise no fees are shown);
    `standby_periods` the fees of the agreed standby periods that start in the month (from the
    customer's statement), None when they are not known."""
    month = sorted(
        (i for i in intakes if i.month(zone) == period), key=lambda i: (i.opened_at, i.ticket_id)
    )
    filed = [i for i in month if i.type not in DESK_TYPES]
    by_channel = _ordered(Counter(i.channel for i in filed), channels)
    by_priority = _ordered(Counter(i.priority or NO_PRIORITY for i in filed), priorities)
    outages = [i for i in filed if i.outage]
    calls = [i for i in filed if i.standby]
    fees = None
    if standby:
        call_work = sum((i.call_work for i in calls), Decimal(0))
        periods = standby_periods or Decimal(0)
        fees = {
            "periods_eur": None if standby_periods is None else eur(periods),
            "call_work_eur": eur(call_work),
            "total_eur": eur(periods + call_work),
            "rule": "R003-4",
        }
    return {
        "period": str(period),
        "tickets": len(filed),
        "by_channel": by_channel,
        "by_priority": by_priority,
        "outages": len(outages),
        "standby_calls": len(calls),
        "standby_fees": fees,
        "desk_tickets": len(month) - len(filed),
        "outage_tickets": [_listed(i, zone) for i in outages],
        "standby_tickets": [_listed(i, zone) for i in calls],
    }


def _ordered(counts: Counter[str], order: Sequence[str]) -> dict[str, int]:
    """The counts in the pack's order (zeros included), the rest after it by name, unknown last."""
    out = {name: counts.get(name, 0) for name in order}
    rest = sorted(set(counts) - set(order), key=lambda n: (n in (UNKNOWN, NO_PRIORITY), n))
    out.update((name, counts[name]) for name in rest)
    return out


def _listed(intake: Intake, zone: tzinfo) -> dict[str, Any]:
    return {
        "id": intake.ticket_id,
        "opened_at": format_instant(intake.opened_at, zone),
        "opened_text": local_text(intake.opened_at, zone),
        "channel": intake.channel,
        "priority": intake.priority,
        "call_work_eur": eur(intake.call_work) if intake.standby else None,
    }
