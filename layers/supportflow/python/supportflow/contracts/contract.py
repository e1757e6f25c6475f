"""A customer's contract: its pack, its contacts and escalation addresses, and what the customer
is entitled to and pays (rates, warranty, care, agreed standby, live-support quota); checked
against its pack when read."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from supportflow.domain.billing.entitlements import Period, Terms
from supportflow.domain.common.money import parse_eur
from supportflow.domain.common.text import EmailAddress, OneLine
from supportflow.policies.registry import in_use

# A web origin: https with a host name (and a port), or http on this machine (a developer's site).
ORIGIN = re.compile(
    r"https://(?=.{1,253}(:|$))[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*"
    r"(:[0-9]{1,5})?|http://(localhost|127\.0\.0\.1)(:[0-9]{1,5})?"
)


class ContractError(ValueError):
    """A contract file that cannot be used, or a customer without a contract."""


class Rates(BaseModel):
    """What the customer pays, in EUR (decimals: "95", "95.50"); None: the pack's default where
    the seed names one, else the rule that needs it cannot bill."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    hourly_eur: Decimal | None = Field(default=None, description="R003-4, R003-5: standard rate")
    standby_hourly_eur: Decimal | None = Field(
        default=None, description="R003-4: the rate standby fees are a share of (default hourly)"
    )
    investigation_fee_eur: Decimal | None = Field(default=None, description="R002-6 (45)")
    live_support_eur: Decimal | None = Field(default=None, description="R001-5 (150 per hour)")

    @field_validator("*", mode="before")
    @classmethod
    def _amount(cls, value: Any) -> Decimal | None:
        return None if value is None else parse_eur(value, "rate")

    def standby_base(self) -> Decimal | None:
        return self.standby_hourly_eur if self.standby_hourly_eur is not None else self.hourly_eur


class StandbyPeriod(BaseModel):
    """R003-4: one standby period agreed in advance, [from, to) with offsets."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    start: datetime = Field(alias="from")
    end: datetime = Field(alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> StandbyPeriod:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("a standby period's instants need a UTC offset")
        if self.end <= self.start:
            raise ValueError("a standby period must end after it starts")
        return self


class Contract(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    customer_id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")
    name: OneLine
    policy: str
    language: str = Field(default="nl", pattern="^(nl|en|de)$")
    contacts: list[EmailAddress] = Field(default_factory=list, description="authorised contacts")
    owner: EmailAddress | None = Field(
        default=None,
        description="the account owner's known address (R000-7; default: the first authorised "
        "contact)",
    )
    other_contacts: list[EmailAddress] = Field(
        default_factory=list,
        description="known people at the customer who are not authorised contacts (R001-4: "
        "they may file, not at every priority)",
    )
    escalation: dict[str, EmailAddress] = Field(
        default_factory=dict, description="policy role -> the address that role's e-mails go to"
    )
    desk_address: EmailAddress = "support@supportflow.example"
    alert_keys: list[str] = Field(
        default_factory=list,
        description="SHA-256 (hex) of the keys the customer's monitoring posts alerts with",
    )
    form_keys: list[str] = Field(
        default_factory=list,
        description="SHA-256 (hex) of the keys a customer's own web forms file with",
    )
    allowed_origins: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="the customer's own sites (https://host[:port]) whose pages may file tickets "
        "and show their status through the API from the browser (CORS); none by default",
    )
    policy_version: int | None = Field(
        default=None,
        ge=1,
        description="a fixed version of the pack; default: the version in force when a ticket "
        "opens",
    )
    rates: Rates = Field(default_factory=lambda: Rates())
    warranty_until: date | None = Field(
        default=None, description="R002-6: the end of the warranty after delivery"
    )
    care_subscription: bool = Field(default=False, description="R002-6: no investigation fee")
    standby: list[StandbyPeriod] | None = Field(
        default=None,
        description="R003-4: the standby periods agreed in advance; none listed: every time "
        "outside office hours is agreed standby (a standing agreement)",
    )
    retention_days: int = Field(
        default=730,
        ge=30,
        le=3650,
        description="AVG/GDPR: how many days after a ticket closes its personal data is kept "
        "(contact, texts, files, raw mails); then the retention run erases it, unless an admin "
        "set a legal hold on the ticket. Its times, figures and SLA outcome stay.",
    )
    live_support_quota_hours: Decimal = Field(
        default=Decimal(0), ge=0, le=744, description="R001-6: hours a month, expiring at month end"
    )

    @model_validator(mode="after")
    def _fits_its_pack(self) -> Contract:
        policy = in_use().get(self.policy)
        most = policy.conversation.max_authorised
        if most is not None and len(self.contacts) > most:
            rule = policy.conversation.contacts_rule or policy.id
            raise ValueError(f"at most {most} authorised contacts on {policy.id} ({rule})")
        for role in self.escalation:
            if role not in policy.escalation.roles:
                raise ValueError(
                    f"escalation: {role!r} is not a role of {policy.id} "
                    f"({', '.join(policy.escalation.roles)})"
                )
        if self.policy_version is not None:
            in_use().get(self.policy, version=self.policy_version)
        return self

    def terms(self) -> Terms:
        """What the domain's entitlement and charge rules read from this contract."""
        return Terms(
            hourly_rate=self.rates.hourly_eur,
            investigation_fee=self.rates.investigation_fee_eur,
            live_support_rate=self.rates.live_support_eur,
            live_support_quota_hours=self.live_support_quota_hours,
            warranty_until=self.warranty_until,
            care_subscription=self.care_subscription,
            authorised_contacts=tuple(self.contacts),
            standby=None
            if self.standby is None
            else tuple(Period(p.start, p.end) for p in self.standby),
        )

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, values: list[str]) -> list[str]:
        out = []
        for value in values:
            origin = value.strip().lower()
            if not ORIGIN.fullmatch(origin):
                raise ValueError(
                    f"{value!r} is not a site's origin: https://host or https://host:port, no "
                    "path (http only for localhost)"
                )
            out.append(origin)
        return list(dict.fromkeys(out))

    def allows_origin(self, origin: str) -> bool:
        return origin.lower() in self.allowed_origins

    @field_validator("policy")
    @classmethod
    def _known_policy(cls, value: str) -> str:
        if value not in in_use().ids():
            raise ValueError(f"unknown policy {value!r}")
        return value

    @property
    def main_contact(self) -> str:
        """Where the desk writes when nobody in particular filed (an alert, a caller without an
        address): the first authorised contact, else the desk itself."""
        return self.contacts[0] if self.contacts else self.desk_address

    def is_owner(self, address: str) -> bool:
        owner = self.owner or (self.contacts[0] if self.contacts else None)
        return owner is not None and owner.casefold() == address.casefold()

    def is_authorised(self, address: str) -> bool:
        return address.casefold() in {c.casefold() for c in self.contacts}

    def knows(self, address: str) -> bool:
        """An authorised contact or another known contact of this customer."""
        return self.is_authorised(address) or address.casefold() in {
            c.casefold() for c in self.other_contacts
        }


def with_pseudonyms(contract: Contract, addresses: Mapping[str, str]) -> Contract | None:
    """The contract with each of `addresses` (folded -> pseudonym) replaced wherever it names
    a person (contacts, owner, other contacts, escalation); None if it names none of them."""

    def swap(address: str) -> str:
        return addresses.get(address.strip().casefold(), address)

    changed = contract.model_copy(
        update={
            "contacts": [swap(a) for a in contract.contacts],
            "owner": swap(contract.owner) if contract.owner else None,
            "other_contacts": [swap(a) for a in contract.other_contacts],
            "escalation": {role: swap(a) for role, a in contract.escalation.items()},
        }
    )
    return None if changed == contract else changed


def people_of(contract: Contract) -> set[str]:
    """The customer's people the contract names, folded (not the escalation addresses: those
    are roles' mailboxes)."""
    found = {a.strip().casefold() for a in (*contract.contacts, *contract.other_contacts)}
    if contract.owner:
        found.add(contract.owner.strip().casefold())
    return found
