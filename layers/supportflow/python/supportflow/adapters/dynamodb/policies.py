"""Published policy pack versions in the ticket table.

| item | pk | sk |
|---|---|---|
| pack version | POLICIES | <pack id>#V<version, 6 digits> |
| revision counter | POLICIES#REVISION | REVISION |

Beside the contracts, for the same reasons (`dynamodb_contracts.py`): a few versions, read
together, one set of permissions. A version and the counter are written in one transaction.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from supportflow.adapters.dynamodb.models import MODELS, _Base
from supportflow.adapters.dynamodb.transactions import add_version, revision_of
from supportflow.domain.common.timeutil import format_instant, parse_instant
from supportflow.domain.policy.policy import load_policy_text
from supportflow.policies.registry import PublishedPolicy

PK = "POLICIES"
REVISION = "POLICIES#REVISION"


class PolicyItem(_Base):
    version = NumberAttribute()
    recorded_at = UnicodeAttribute()
    recorded_by = UnicodeAttribute()
    text = UnicodeAttribute()  # the pack as it was published


MODELS.append(PolicyItem)


class DynamoPolicies:
    """`PolicyStore` on DynamoDB."""

    def all_versions(self) -> list[PublishedPolicy]:
        return [
            PublishedPolicy(
                policy=load_policy_text(item.text, item.sk),
                text=item.text,
                recorded_at=parse_instant(item.recorded_at),
                recorded_by=item.recorded_by,
            )
            for item in PolicyItem.query(PK, consistent_read=True)
        ]

    def revision(self) -> int:
        return revision_of(REVISION)

    def add(self, published: PublishedPolicy) -> bool:
        policy = published.policy
        item = PolicyItem(
            pk=PK,
            sk=f"{policy.id}#V{policy.version:06d}",
            version=policy.version,
            recorded_at=format_instant(published.recorded_at) or "",
            recorded_by=published.recorded_by,
            text=published.text,
        )
        return add_version(item, REVISION)
