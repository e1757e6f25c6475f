"""The charge rules a ticket's events add up to, one function each, applied in the order of
`CHARGE_RULES` (the order of a ticket's charge lines). A rule reads the pack's section that
switches it on and the contract's terms, and returns its charge line or None. A new charge
rule is its pack section (policy/entitlement_rules.py) and its function and line here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from supportflow.domain.billing.charges import Charge, ChargeError, Work, hourly_charge, work_of
from supportflow.domain.billing.entitlements import Terms
from supportflow.domain.common.money import cents
from supportflow.domain.common.timeutil import parse_duration
from supportflow.domain.policy.policy import Policy
from supportflow.domain.policy.priority_rules import TicketAttributes
from supportflow.domain.sla.sla_state import TicketEvent


@dataclass(frozen=True)
class Charged:
    """What every charge rule reads of one ticket."""

    policy: Policy
    terms: Terms
    ticket: TicketAttributes
    events: Sequence[TicketEvent]
    priority: str | None
    work: Sequence[Work]
    inside: Decimal  # minutes worked within the contract
    outside: Decimal  # minutes worked outside it (R003-5)


def standby_call_work(c: Charged) -> Charge | None:
    """R003-4: the work on a standby call, on top of the period's fee, at least the minimum."""
    standby = c.policy.charges.standby
    if standby is None or c.priority != standby_priority(c.policy) or not c.inside:
        return None
    minimum = Decimal(parse_duration(standby.call_work_minimum)) / 60
    rate = _rate(c.terms, standby.rule)
    return hourly_charge(standby.rule, "standby_call_work", max(c.inside, minimum), rate)


def live_support(c: Charged) -> Charge | None:
    """R001-5: a live-support session's work at the live-support rate, at least the minimum."""
    live = c.policy.entitlements.live_support
    if live is None or c.ticket.type != live.type or not c.inside:
        return None
    minimum = Decimal(parse_duration(live.minimum)) / 60
    rate = c.terms.live_support_rate if c.terms.live_support_rate is not None else live.rate_eur
    return hourly_charge(live.charge_rule, "live_support", max(c.inside, minimum), rate)


def investigation(c: Charged) -> Charge | None:
    """R002-6: the investigation fee, when one is due (see _investigation_due)."""
    rule = c.policy.charges.investigation
    if rule is None or not _investigation_due(c):
        return None
    fee = c.terms.investigation_fee if c.terms.investigation_fee is not None else rule.fee_eur
    return Charge(rule.rule, "investigation", None, fee, cents(fee))


def out_of_contract_work(c: Charged) -> Charge | None:
    """R003-5: work outside the contract at the hourly rate."""
    out = c.policy.charges.out_of_contract
    if out is None or not c.outside:
        return None
    return hourly_charge(out.rule, "out_of_contract_work", c.outside, _rate(c.terms, out.rule))


CHARGE_RULES: tuple[Callable[[Charged], Charge | None], ...] = (
    standby_call_work,
    live_support,
    investigation,
    out_of_contract_work,
)


def ticket_charges(
    policy: Policy,
    terms: Terms,
    ticket: TicketAttributes,
    events: Sequence[TicketEvent],
    priority: str | None,
) -> list[Charge]:
    """Every charge the ticket's events add up to so far, in the order of CHARGE_RULES."""
    work = work_of(events)
    inside = sum((w.minutes for w in work if not w.outside_contract), Decimal(0))
    outside = sum((w.minutes for w in work if w.outside_contract), Decimal(0))
    charged = Charged(policy, terms, ticket, events, priority, work, inside, outside)
    return [line for rule in CHARGE_RULES if (line := rule(charged)) is not None]


def standby_priority(policy: Policy) -> str | None:
    """The priority a standby call gets: the one the pack's `agreed` rule gives."""
    for rule in policy.priorities.rules:
        if rule.when.agreed == "standby":
            return rule.priority
    return None


def _investigation_due(c: Charged) -> bool:
    """R002-6: past the warranty, without care, and either accepted by the customer or (no
    choice recorded) investigated by second line. Declined: the ticket lapses, no fee."""
    policy, terms, events = c.policy, c.terms, c.events
    local_day = events[0].at.astimezone(policy.calendar().zone).date()
    if terms.warranty_until is not None and local_day <= terms.warranty_until:
        return False
    if terms.care_subscription:
        return False
    choice = None
    for event in events:
        if event.type in ("investigation_accepted", "investigation_declined"):
            choice = event.type
    if choice is not None:
        return choice == "investigation_accepted"
    return any(w.line == "second" for w in c.work)


def _rate(terms: Terms, rule: str) -> Decimal:
    if terms.hourly_rate is None:
        raise ChargeError(f"{rule}: the contract's hourly rate (hourly_rate_eur) is needed")
    return terms.hourly_rate
