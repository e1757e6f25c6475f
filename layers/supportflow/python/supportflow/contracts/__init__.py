"""Customer contracts: which policy pack a customer is under, who may file, who gets escalations,
and what the customer is entitled to and pays (rates, warranty, care, agreed standby, quota).

A contract is versioned data: every change is a new version with the date it takes effect, and
history is never rewritten. A ticket is judged and charged by the version in force when it was
opened; mail goes to the addresses of the version in force now. The versions are stored with the
tickets (services/admin/contracts.py, adapters/dynamodb/contracts.py); `demo.yaml` here holds the demo
contracts the local stack loads at its first start, and CONTRACTS_FILE a fixed set for tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from supportflow.domain.billing.entitlements import Period, Terms
from supportflow.domain.common.money import parse_eur
from supportflow.domain.common.text import EmailAddress, OneLine
from supportflow.policies import in_use


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
    language: str = Field(default="nl", pattern="^(nl|en)$")
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


@dataclass(frozen=True)
class ContractVersion:
    """One version of a customer's contract: in force from `effective_from` (the customer's
    local date, read in the pack's zone) until a later version takes over."""

    contract: Contract
    version: int
    effective_from: date
    recorded_at: datetime
    recorded_by: str

    @property
    def customer_id(self) -> str:
        return self.contract.customer_id

    def as_dict(self) -> dict[str, Any]:
        return {
            "customer_id": self.customer_id,
            "version": self.version,
            "effective_from": self.effective_from.isoformat(),
            "recorded_at": self.recorded_at.astimezone(UTC).isoformat(),
            "recorded_by": self.recorded_by,
            "contract": self.contract.model_dump(mode="json", by_alias=True, exclude_none=True),
        }


def in_force(versions: list[ContractVersion], instant: datetime) -> ContractVersion | None:
    """The version in force at `instant`: the latest `effective_from` on or before its local
    date (in the pack's zone), the later recorded one of two from the same date."""
    found = None
    for v in sorted(versions, key=lambda v: (v.effective_from, v.version)):
        zone = in_use().get(v.contract.policy).calendar().zone
        if v.effective_from <= instant.astimezone(zone).date():
            found = v
    return found


class ContractDirectory:
    """The contracts by customer id, as in force at one instant (`now`), with every version kept
    for judging a ticket by the version in force when it opened."""

    def __init__(
        self,
        contracts: list[Contract] | None = None,
        *,
        versions: list[ContractVersion] | None = None,
        now: datetime | None = None,
    ) -> None:
        origin = datetime(2000, 1, 1, tzinfo=UTC)
        self._versions: dict[str, list[ContractVersion]] = {}
        for c in contracts or []:
            self._versions[c.customer_id] = [ContractVersion(c, 1, date(2000, 1, 1), origin, "-")]
        for v in versions or []:
            self._versions.setdefault(v.customer_id, []).append(v)
        at = now or datetime.now(UTC)
        self._by_id: dict[str, Contract] = {}
        for customer_id, kept in self._versions.items():
            current = in_force(kept, at) or min(kept, key=lambda v: v.effective_from)
            self._by_id[customer_id] = current.contract

    def find(self, customer_id: str) -> Contract | None:
        return self._by_id.get(customer_id)

    def get(self, customer_id: str) -> Contract:
        contract = self._by_id.get(customer_id)
        if contract is None:
            raise ContractError(f"no contract for customer {customer_id!r}")
        return contract

    def versions(self, customer_id: str) -> list[ContractVersion]:
        return sorted(self._versions.get(customer_id, []), key=lambda v: v.version)

    def as_of(self, customer_id: str, instant: datetime) -> ContractVersion:
        """The version that judges and charges a ticket opened at `instant`."""
        kept = self._versions.get(customer_id)
        if not kept:
            raise ContractError(f"no contract for customer {customer_id!r}")
        found = in_force(kept, instant)
        if found is None:
            first = min(v.effective_from for v in kept).isoformat()
            raise ContractError(
                f"no contract for customer {customer_id!r} in force on "
                f"{instant.date().isoformat()} (the first is from {first})"
            )
        return found

    def version_of(self, customer_id: str, version: int) -> ContractVersion:
        for v in self._versions.get(customer_id, []):
            if v.version == version:
                return v
        raise ContractError(f"customer {customer_id!r} has no contract version {version}")

    def of_contact(self, address: str) -> Contract | None:
        """The customer whose contract knows this address (authorised or other), if exactly
        one does (an address two customers share says nothing about which one writes)."""
        found = [c for c in self._by_id.values() if c.knows(address)]
        return found[0] if len(found) == 1 else None

    def of_domain(self, address: str) -> Contract | None:
        """The customer whose known contacts share this address's domain, if exactly one: a
        guess for an agent to check, never a reason to accept a filing."""
        domain = address.rsplit("@", 1)[-1].casefold()
        found = [
            c
            for c in self._by_id.values()
            if any(
                a.rsplit("@", 1)[-1].casefold() == domain for a in (*c.contacts, *c.other_contacts)
            )
        ]
        return found[0] if len(found) == 1 else None

    def desk_domains(self) -> set[str]:
        return {c.desk_address.rsplit("@", 1)[-1].casefold() for c in self._by_id.values()}

    def all(self) -> list[Contract]:
        return list(self._by_id.values())

    @classmethod
    def from_yaml(cls, text: str, where: str) -> ContractDirectory:
        return cls(contracts_from_yaml(text, where))

    @classmethod
    def from_file(cls, path: str | Path) -> ContractDirectory:
        return cls.from_yaml(Path(path).read_text(encoding="utf-8"), str(path))


def contracts_from_yaml(text: str, where: str) -> list[Contract]:
    """The contracts of a YAML (or JSON) document: a `contracts` list, or one contract."""
    try:
        data = yaml.safe_load(text) or {}
        if isinstance(data, dict) and "contracts" not in data and "customer_id" in data:
            data = {"contracts": [data]}
        return [Contract.model_validate(c) for c in data.get("contracts", [])]
    except (yaml.YAMLError, ValidationError, AttributeError) as exc:
        raise ContractError(f"{where}: {reason_of(exc)}") from None


def reason_of(exc: Exception) -> str:
    """One line: for a validation error, the path of each problem and its reason."""
    if isinstance(exc, ValidationError):
        parts = []
        for e in exc.errors():
            where = ".".join(str(p) for p in e["loc"])
            message = str(e["msg"]).removeprefix("Value error, ")
            parts.append(f"{where}: {message}" if where else message)
        return "; ".join(parts)
    return " ".join(str(exc).split())


@cache
def demo() -> ContractDirectory:
    """The embedded demo contracts: one customer on each shipped pack."""
    return ContractDirectory(demo_contracts())


@cache
def demo_contracts() -> list[Contract]:
    text = resources.files(__name__).joinpath("demo.yaml").read_text(encoding="utf-8")
    return contracts_from_yaml(text, "demo.yaml")


def demo_versions() -> list[ContractVersion]:
    """The demo contracts as first versions, in force from 2020-01-01 (as the packs are)."""
    recorded = datetime(2020, 1, 1, tzinfo=UTC)
    return [ContractVersion(c, 1, date(2020, 1, 1), recorded, "demo") for c in demo_contracts()]
