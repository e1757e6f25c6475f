"""Contract versions in the ticket table.

| item | pk | sk |
|---|---|---|
| contract version | CONTRACTS | <customer>#V<version, 6 digits> |
| revision counter | CONTRACTS#REVISION | REVISION |

The same table as the tickets: a desk's contracts are a few kilobytes each, read together (one
query loads every version), and sharing the table keeps one set of permissions, one backup and
one stream. A version and the revision counter are written in one transaction, so a reader that
sees the counter unchanged may keep what it loaded.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from supportflow.adapters.dynamodb.models import MODELS, _Base
from supportflow.adapters.dynamodb.transactions import add_version, bump_revision, revision_of
from supportflow.contracts.contract import Contract, with_pseudonyms
from supportflow.contracts.versions import ContractVersion
from supportflow.domain.common.timeutil import format_instant, parse_instant

PK = "CONTRACTS"
REVISION = "CONTRACTS#REVISION"


class ContractItem(_Base):
    version = NumberAttribute()
    effective_from = UnicodeAttribute()
    recorded_at = UnicodeAttribute()
    recorded_by = UnicodeAttribute()
    body = UnicodeAttribute()  # the contract as JSON


MODELS.append(ContractItem)


def _sk(customer_id: str, version: int) -> str:
    return f"{customer_id}#V{version:06d}"


class DynamoContracts:
    """`ContractStore` on DynamoDB."""

    def all_versions(self) -> list[ContractVersion]:
        return [
            ContractVersion(
                contract=Contract.model_validate(json.loads(item.body)),
                version=int(item.version),
                effective_from=date.fromisoformat(item.effective_from),
                recorded_at=parse_instant(item.recorded_at),
                recorded_by=item.recorded_by,
            )
            for item in ContractItem.query(PK, consistent_read=True)
        ]

    def revision(self) -> int:
        return revision_of(REVISION)

    def add(self, version: ContractVersion) -> bool:
        body = version.contract.model_dump(mode="json", by_alias=True, exclude_none=True)
        item = ContractItem(
            pk=PK,
            sk=_sk(version.customer_id, version.version),
            version=version.version,
            effective_from=version.effective_from.isoformat(),
            recorded_at=format_instant(version.recorded_at) or "",
            recorded_by=version.recorded_by,
            body=json.dumps(body, separators=(",", ":"), sort_keys=True),
        )
        return add_version(item, REVISION)

    def pseudonymise(self, customer_id: str, addresses: Mapping[str, str]) -> int:
        changed = 0
        for item in ContractItem.query(PK, ContractItem.sk.startswith(f"{customer_id}#V")):
            contract = Contract.model_validate(json.loads(item.body))
            renamed = with_pseudonyms(contract, addresses)
            if renamed is None:
                continue
            body = renamed.model_dump(mode="json", by_alias=True, exclude_none=True)
            item.body = json.dumps(body, separators=(",", ":"), sort_keys=True)
            item.save()
            changed += 1
        if changed:
            bump_revision(REVISION)  # every reader loads the contracts again
        return changed
