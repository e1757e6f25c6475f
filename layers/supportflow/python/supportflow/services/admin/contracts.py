"""Contracts as stored data: the directory every use case reads (reloaded when a version is
added), and the admin's use cases: record a new version, show one customer's, list them all.

A change is a new version with the date it takes effect; nothing stored is ever changed. Tickets
keep the version they were judged by (`Ticket.contract_version`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from supportflow.contracts.contract import Contract, ContractError
from supportflow.contracts.directory import ContractDirectory
from supportflow.contracts.loading import reason_of
from supportflow.contracts.versions import ContractVersion, in_force
from supportflow.policies.registry import in_use
from supportflow.services.admin.revisions import RevisionedCopy
from supportflow.services.ports.stores import ContractStore
from supportflow.services.ports.tickets import Clock, ConcurrentUpdate

log = logging.getLogger(__name__)
MAX_TRIES = 5


class ContractBook(RevisionedCopy[ContractVersion]):
    """The directory of the stored contracts (reloaded when the store's revision moved)."""

    REBUILD_AFTER = timedelta(minutes=1)  # which version is current moves with the clock

    def __init__(self, store: ContractStore, clock: Clock) -> None:
        super().__init__(store)
        self.clock = clock
        self._versions: list[ContractVersion] = []
        self._built: tuple[datetime, ContractDirectory] | None = None

    def _loaded(self, versions: list[ContractVersion]) -> None:
        self._versions, self._built = versions, None

    def directory(self) -> ContractDirectory:
        now = self.clock()
        with self._lock:
            self._refresh()
            built = self._built
            if built is None or not built[0] <= now < built[0] + self.REBUILD_AFTER:
                built = (now, ContractDirectory(versions=self._versions, now=now))
                self._built = built
            return built[1]


@dataclass(frozen=True)
class ContractInput:
    """A contract as an admin sends it: the contract's fields plus `effective_from` (a date;
    default: today in the pack's zone)."""

    contract: Contract
    effective_from: date | None


def read_contract(data: Any, where: str = "contract") -> ContractInput:
    """A contract from JSON-like data, or ContractError naming the path and the reason."""
    if not isinstance(data, dict):
        raise ContractError(f"{where}: a contract must be an object")
    fields = dict(data)
    raw_from = fields.pop("effective_from", None)
    fields.pop("version", None)  # a version number is the store's to give
    try:
        contract = Contract.model_validate(fields)
    except ValueError as exc:
        raise ContractError(f"{where}: {reason_of(exc)}") from None
    effective = None
    if raw_from is not None:
        try:
            effective = date.fromisoformat(str(raw_from))
        except ValueError:
            raise ContractError(f"{where}: effective_from: {raw_from!r} is not a date") from None
    return ContractInput(contract, effective)


@dataclass
class ManageContracts:
    store: ContractStore
    book: ContractBook
    clock: Clock

    def put(self, given: ContractInput, by: str) -> ContractVersion:
        """Record `given` as the customer's next version. An effective date before today is
        allowed (a correction that took effect earlier) but never before the version it
        follows: history is not rewritten."""
        now = self.clock()
        zone = in_use().get(given.contract.policy).calendar().zone
        today = now.astimezone(zone).date()
        effective = given.effective_from or today
        for _ in range(MAX_TRIES):
            kept = self.book.directory().versions(given.contract.customer_id)
            if kept and effective < max(v.effective_from for v in kept):
                latest = max(v.effective_from for v in kept)
                raise ContractError(
                    f"effective_from {effective.isoformat()} is before the latest version's "
                    f"({latest.isoformat()}): history is not rewritten"
                )
            if (
                kept
                and kept[-1].contract == given.contract
                and kept[-1].effective_from == effective
            ):
                return kept[-1]  # the same contract sent again: nothing new to record
            version = ContractVersion(
                contract=given.contract,
                version=(kept[-1].version + 1) if kept else 1,
                effective_from=effective,
                recorded_at=now,
                recorded_by=by,
            )
            stored = self.store.add(version)
            self.book.forget()  # recorded, or someone else was first: read the store again
            if stored:
                log.info(
                    "contract version recorded",
                    extra={"customer": version.customer_id, "version": version.version},
                )
                return version
        raise ConcurrentUpdate("the contract is being changed by someone else; try again")

    def add_contact(self, customer_id: str, address: str, by: str) -> ContractVersion:
        """The customer's next version with `address` among its known contacts (R001-4: they
        may file), from today (or from the latest version's date); the same if it knows them."""
        kept = self.book.directory().versions(customer_id)
        if not kept:
            raise ContractError(f"no contract for customer {customer_id!r}")
        latest = max(kept, key=lambda v: (v.effective_from, v.version))
        if latest.contract.knows(address):
            return latest
        contract = latest.contract.model_copy(
            update={"other_contacts": [*latest.contract.other_contacts, address.lower()]}
        )
        zone = in_use().get(contract.policy).calendar().zone
        today = self.clock().astimezone(zone).date()
        return self.put(ContractInput(contract, max(today, latest.effective_from)), by)

    def show(self, customer_id: str) -> dict[str, Any]:
        directory = self.book.directory()
        versions = directory.versions(customer_id)
        if not versions:
            raise ContractError(f"no contract for customer {customer_id!r}")
        current = in_force(versions, self.clock())
        return {
            "customer_id": customer_id,
            "current_version": current.version if current else None,
            "versions": [v.as_dict() for v in versions],
        }

    def list(self) -> list[dict[str, Any]]:
        directory = self.book.directory()
        now = self.clock()
        out = []
        for contract in sorted(directory.all(), key=lambda c: c.customer_id):
            versions = directory.versions(contract.customer_id)
            current = in_force(versions, now)
            out.append(
                {
                    "customer_id": contract.customer_id,
                    "name": contract.name,
                    "policy": contract.policy,
                    "current_version": current.version if current else None,
                    "versions": len(versions),
                    "next": _next(versions, current),
                }
            )
        return out


def _order(v: ContractVersion) -> tuple[date, int]:
    return (v.effective_from, v.version)


def _next(
    versions: list[ContractVersion], current: ContractVersion | None
) -> dict[str, Any] | None:
    """The first version still to take effect after the current one, if any."""
    later = [v for v in versions if current is None or _order(v) > _order(current)]
    if not later:
        return None
    first = min(later, key=_order)
    return {"version": first.version, "effective_from": first.effective_from.isoformat()}
