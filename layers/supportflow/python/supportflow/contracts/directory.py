"""The contracts by customer: the one in force now, and every version kept for judging a ticket
by the version in force when it opened."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from supportflow.contracts.contract import Contract, ContractError
from supportflow.contracts.loading import contracts_from_yaml
from supportflow.contracts.versions import ContractVersion, in_force


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
