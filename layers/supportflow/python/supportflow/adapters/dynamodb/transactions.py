"""Conditional transactions on the ticket table: telling a failed condition from a fault, and
adding a version to a versioned set (contracts, policy packs) with its revision counter."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from supportflow.adapters.dynamodb.models import RevisionItem, _Base
from supportflow.services.ports.tickets import TemporarilyUnavailable


def transaction_conflict(exc: Exception) -> bool:
    """A transaction cancelled because one of its conditions failed (not a fault)."""
    reasons: Any = getattr(exc, "cancellation_reasons", None) or []
    if any(getattr(r, "code", None) == "ConditionalCheckFailed" for r in reasons if r):
        return True
    return "ConditionalCheckFailed" in str(exc)


def revision_of(key: str) -> int:
    try:
        return int(RevisionItem.get(key, "REVISION", consistent_read=True).revision)
    except RevisionItem.DoesNotExist:
        return 0


def add_version(item: _Base, revision_key: str) -> bool:
    """Store a new version item and count it under `revision_key`, in one transaction; False
    when the item's key is taken (a concurrent writer was first)."""
    counter = RevisionItem(pk=revision_key, sk="REVISION")
    try:
        with TransactWrite(connection=item._get_connection().connection) as tx:
            tx.save(item, condition=type(item).pk.does_not_exist())
            tx.update(counter, actions=[RevisionItem.revision.add(1)])
    except TransactWriteError as exc:
        if transaction_conflict(exc):
            return False
        raise TemporarilyUnavailable(str(exc)) from exc
    return True


def bump_revision(revision_key: str) -> None:
    """Count a change made in place (privacy's pseudonyms) under `revision_key`."""
    counter = RevisionItem(pk=revision_key, sk="REVISION")
    counter.update(actions=[RevisionItem.revision.add(1)])
