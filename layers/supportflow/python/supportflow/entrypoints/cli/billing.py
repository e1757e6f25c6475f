"""The entitlement and charge commands of the CLI (a public interface: scripts depend on it).

    supportflow assess --policy ID FILE
        {"contract": {...}, "ticket": {...}, "events": [...], "history": [...], "now": ISO}
        -> {"priority", "flags": [{"rule", "code", "reason"}],
            "charges": [{"rule", "code", "hours", "rate_eur", "amount_eur"}], "total_eur"}
    supportflow standby-fee --policy hosting-standby --from ISO --to ISO --rate EUR
        -> {"parts": [{"kind", "hours", "billed_hours", "percent", "amount_eur"}],
            "minimums", "hours", "billed_hours", "amount_eur"}   (a part per kind the period
            spans: evening_night, weekend, holiday; the totals are the parts' sums)

Bad input raises InputError (exit 2, one line)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from supportflow.domain.billing.assessment import Assessment, assess
from supportflow.domain.billing.charges import StandbyFee, standby_fee
from supportflow.domain.billing.entitlements import PastTicket, Period, Terms
from supportflow.domain.common.money import parse_eur
from supportflow.domain.policy.policy import Policy
from supportflow.domain.policy.priority_rules import TicketAttributes
from supportflow.domain.sla.sla_state import TicketEvent

# The keys of the `contract` object; a stored contract's other fields are allowed and ignored.
TERMS_KEYS = (
    "hourly_rate_eur",
    "investigation_fee_eur",
    "live_support_rate_eur",
    "live_support_quota_hours",
    "warranty_until",
    "care_subscription",
    "authorised_contacts",
    "standby",
    "average_tickets_per_org",
)
CONTRACT_KEYS = (
    "customer_id",
    "name",
    "policy",
    "policy_version",
    "language",
    "contacts",
    "other_contacts",
    "owner",
    "escalation",
    "desk_address",
    "effective_from",
    "version",
)
# Where the assess input names who filed the ticket (R001-4).
CONTACT_KEYS = ("contact", "contact_email", "email", "from", "reporter")


class InputError(ValueError):
    """Bad input to a billing command: exit 2 with this one line."""


Instant = Callable[[Any, str], datetime]


def terms_from_json(raw: Any, instant: Instant) -> Terms:
    """The `contract` object of the assess input as Terms."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise InputError("'contract' must be an object")
    unknown = sorted(set(raw) - set(TERMS_KEYS) - set(CONTRACT_KEYS))
    if unknown:
        raise InputError(f"contract: unknown key {unknown[0]!r} (known: {', '.join(TERMS_KEYS)})")

    def amount(key: str) -> Decimal | None:
        value = raw.get(key)
        return None if value is None else _eur(value, f"contract.{key}")

    authorised = raw.get("authorised_contacts", raw.get("contacts"))
    if authorised is not None and (
        not isinstance(authorised, list) or not all(isinstance(a, str) for a in authorised)
    ):
        raise InputError("contract.authorised_contacts must be a list of e-mail addresses")
    care = raw.get("care_subscription", False)
    if not isinstance(care, bool):
        raise InputError("contract.care_subscription must be true or false")
    average = raw.get("average_tickets_per_org")
    if average is not None:
        average = _number(average, "contract.average_tickets_per_org")
    quota = raw.get("live_support_quota_hours")
    return Terms(
        hourly_rate=amount("hourly_rate_eur"),
        investigation_fee=amount("investigation_fee_eur"),
        live_support_rate=amount("live_support_rate_eur"),
        live_support_quota_hours=(
            Decimal(0) if quota is None else _number(quota, "contract.live_support_quota_hours")
        ),
        warranty_until=_date(raw.get("warranty_until"), "contract.warranty_until"),
        care_subscription=care,
        authorised_contacts=None if authorised is None else tuple(authorised),
        standby=_periods(raw.get("standby"), instant),
        average_tickets_per_org=average,
    )


def _eur(value: Any, what: str) -> Decimal:
    try:
        return parse_eur(value, what)
    except ValueError as exc:
        raise InputError(str(exc)) from None


def _number(value: Any, what: str) -> Decimal:
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        number = Decimal(str(value))
    except InvalidOperation:
        raise InputError(f"{what}: {value!r} is not a number") from None
    if not number.is_finite() or number < 0:
        raise InputError(f"{what}: {value!r} is not a number of 0 or more")
    return number


def _date(value: Any, what: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InputError(f"{what}: {value!r} is not a date (YYYY-MM-DD)") from None


def _periods(raw: Any, instant: Instant) -> tuple[Period, ...] | None:
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise InputError("contract.standby must be a list of {from, to} periods")
    periods = []
    for n, item in enumerate(raw):
        if not isinstance(item, dict) or "from" not in item or "to" not in item:
            raise InputError(f"contract.standby[{n}] must be an object with 'from' and 'to'")
        start = instant(item["from"], f"contract.standby[{n}].from")
        end = instant(item["to"], f"contract.standby[{n}].to")
        if end <= start:
            raise InputError(f"contract.standby[{n}]: 'to' must be after 'from'")
        periods.append(Period(start, end))
    return tuple(periods)


def history_from_json(raw: Any, instant: Instant) -> list[PastTicket]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise InputError("'history' must be a list of earlier tickets")
    found = []
    for n, item in enumerate(raw):
        if not isinstance(item, dict) or "opened" not in item:
            raise InputError(f"history[{n}] must be an object with 'opened'")
        for key in ("priority", "category", "type"):
            if item.get(key) is not None and not isinstance(item[key], str):
                raise InputError(f"history[{n}].{key} must be a text")
        found.append(
            PastTicket(
                opened=instant(item["opened"], f"history[{n}].opened"),
                priority=item.get("priority"),
                category=item.get("category"),
                type=item.get("type") or "incident",
            )
        )
    return found


def contact_of(raw_ticket: dict[str, Any]) -> str | None:
    for key in CONTACT_KEYS:
        value = raw_ticket.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def run_assess(
    policy: Policy,
    document: dict[str, Any],
    ticket: TicketAttributes,
    events: list[TicketEvent],
    now: datetime,
    instant: Instant,
) -> Assessment:
    terms = terms_from_json(document.get("contract"), instant)
    history = history_from_json(document.get("history"), instant)
    raw_ticket = document.get("ticket") or {}
    return assess(policy, terms, ticket, events, history, now, contact_of(raw_ticket))


def run_standby_fee(policy: Policy, start: datetime, end: datetime, rate_text: str) -> StandbyFee:
    rate = _eur(rate_text, "--rate")
    return standby_fee(policy, start, end, rate)
