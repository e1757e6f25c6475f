"""The versions of a customer's contract: each in force from the date it takes effect (in the
pack's zone) until a later one takes over; history is never rewritten."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from supportflow.contracts.contract import Contract
from supportflow.policies.registry import in_use


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
