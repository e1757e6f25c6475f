"""Which notices each agent turned off, in the ticket table: one item for the whole desk.

| item | pk | sk |
|---|---|---|
| the desk's notice settings | DESK#NOTICES | NOTICES (off: JSON {email: [kind, ...]}, version) |

A notice to a line's agents reads it once (one GetItem, however many agents); an agent's change
is a conditional write on the version read, retried when two agents change theirs at once.
"""

from __future__ import annotations

import json

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError

from supportflow.adapters.dynamodb.models import MODELS, _Base
from supportflow.services.ports.tickets import TemporarilyUnavailable

PK, SK = "DESK#NOTICES", "NOTICES"
ATTEMPTS = 5


class NoticeSettingsItem(_Base):
    off = UnicodeAttribute()
    version = NumberAttribute()


MODELS.append(NoticeSettingsItem)


class DynamoNoticePreferences:
    """`NoticePreferences` on DynamoDB."""

    def turned_off(self) -> dict[str, frozenset[str]]:
        item = self._item()
        if item is None:
            return {}
        return {email: frozenset(kinds) for email, kinds in json.loads(item.off).items()}

    def set_off(self, email: str, kinds: frozenset[str]) -> None:
        for _ in range(ATTEMPTS):
            item = self._item()
            off = json.loads(item.off) if item is not None else {}
            if kinds:
                off[email.lower()] = sorted(kinds)
            else:
                off.pop(email.lower(), None)
            version = int(item.version) if item is not None else 0
            new = NoticeSettingsItem(pk=PK, sk=SK, off=json.dumps(off), version=version + 1)
            condition = (
                NoticeSettingsItem.pk.does_not_exist()
                if item is None
                else NoticeSettingsItem.version == version
            )
            try:
                new.save(condition=condition)
                return
            except PutError as exc:
                if exc.cause_response_code != "ConditionalCheckFailedException":
                    raise
        raise TemporarilyUnavailable("the desk's notice settings kept changing")

    def _item(self) -> NoticeSettingsItem | None:
        try:
            return NoticeSettingsItem.get(PK, SK, consistent_read=True)
        except NoticeSettingsItem.DoesNotExist:
            return None
