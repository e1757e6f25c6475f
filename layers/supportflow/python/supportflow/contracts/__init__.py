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
    escalation: dict[str, EmailAddress] = Field(
        default_factory=dict, description="policy role -> the address that role's e-mails go to"
    )
    desk_address: EmailAddress = "support@supportflow.example"
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
