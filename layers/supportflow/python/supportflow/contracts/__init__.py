"""Customer contracts: which policy pack a customer is under, who may file, who gets escalations.

Contracts come from a YAML file: CONTRACTS_FILE, or the embedded default `demo.yaml` here (baked
into the layer). There is no contracts table yet.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from supportflow.domain.text import EmailAddress, OneLine
from supportflow.policies import shipped


class ContractError(ValueError):
    """A contract file that cannot be used, or a customer without a contract."""


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

    @field_validator("policy")
    @classmethod
    def _known_policy(cls, value: str) -> str:
        if value not in shipped().ids():
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


class ContractDirectory:
    """The contracts by customer id."""

    def __init__(self, contracts: list[Contract]) -> None:
        self._by_id = {c.customer_id: c for c in contracts}

    def find(self, customer_id: str) -> Contract | None:
        return self._by_id.get(customer_id)

    def get(self, customer_id: str) -> Contract:
        contract = self._by_id.get(customer_id)
        if contract is None:
            raise ContractError(f"no contract for customer {customer_id!r}")
        return contract

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
        try:
            data = yaml.safe_load(text) or {}
            return cls([Contract.model_validate(c) for c in data.get("contracts", [])])
        except (yaml.YAMLError, ValidationError, AttributeError) as exc:
            reason = " ".join(str(exc).split())
            raise ContractError(f"{where}: {reason}") from None

    @classmethod
    def from_file(cls, path: str | Path) -> ContractDirectory:
        return cls.from_yaml(Path(path).read_text(encoding="utf-8"), str(path))


@cache
def demo() -> ContractDirectory:
    """The embedded demo contracts: one customer on each shipped pack."""
    text = resources.files(__name__).joinpath("demo.yaml").read_text(encoding="utf-8")
    return ContractDirectory.from_yaml(text, "demo.yaml")
