"""The portal's sign-in codes, in the ticket table, by the SHA-256 of the code (the code itself
is only in the mail).

| item | pk | sk |
|---|---|---|
| sign-in code | SIGNIN#<sha256 of the code> | SIGNIN |
| codes of an address | SIGNINS#<sha256 of the address> | <sha256 of the code> |

(attributes: email, customer_id, ticket_id, expires, used, ttl)

Using a code is one conditional UpdateItem (it exists, is unused and has not expired): a second
use, or two at once, fails. The table's TTL removes the item a day after it expired (TTL deletes
late: the condition, not the TTL, is what refuses an expired code).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DeleteError, PutError, UpdateError

from supportflow.adapters.dynamodb.codec import utc_key
from supportflow.adapters.dynamodb.models import MODELS, _Base
from supportflow.services.ports.portal import SignInCode
from supportflow.services.ports.tickets import TemporarilyUnavailable

SK = "SIGNIN"
KEEP = timedelta(days=1)  # after it expired, for the TTL


class SignInItem(_Base):
    email = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    ticket_id = UnicodeAttribute(null=True)
    expires = UnicodeAttribute()  # UTC key
    used = UnicodeAttribute(null=True)  # UTC key: when it was used
    ttl = NumberAttribute(null=True)


class SignInOfItem(_Base):
    """Which codes went to an address (pk: the SHA-256 of the folded address; sk: the code's
    digest), so an erasure finds them without reading the table. The same TTL as the code."""

    ttl = NumberAttribute(null=True)


MODELS.extend([SignInItem, SignInOfItem])


def _of(email: str) -> str:
    return "SIGNINS#" + hashlib.sha256(email.strip().casefold().encode()).hexdigest()


def _pk(digest: str) -> str:
    return f"SIGNIN#{digest}"


class DynamoSignInCodes:
    """`SignInCodes` on DynamoDB."""

    def keep(self, digest: str, code: SignInCode) -> None:
        item = SignInItem(
            pk=_pk(digest),
            sk=SK,
            email=code.email,
            customer_id=code.customer_id,
            ticket_id=code.ticket_id,
            expires=utc_key(code.expires_at),
            ttl=int((code.expires_at + KEEP).timestamp()),
        )
        SignInOfItem(pk=_of(code.email), sk=digest, ttl=item.ttl).save()  # first: never lost
        try:  # 256 random bits: a clash is a bug, never overwritten
            item.save(condition=SignInItem.pk.does_not_exist())
        except PutError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                raise RuntimeError("a sign-in code was issued twice") from exc
            raise TemporarilyUnavailable(str(exc)) from exc

    def forget(self, email: str) -> int:
        gone = 0
        for marker in SignInOfItem.query(_of(email), consistent_read=True):
            try:
                SignInItem(pk=_pk(marker.sk), sk=SK).delete()
                marker.delete()
            except DeleteError as exc:
                raise TemporarilyUnavailable(str(exc)) from exc
            gone += 1
        return gone

    def use(self, digest: str, now: datetime) -> SignInCode | None:
        item = SignInItem(pk=_pk(digest), sk=SK)
        usable = (
            SignInItem.pk.exists()
            & SignInItem.used.does_not_exist()
            & (SignInItem.expires > utc_key(now))
        )
        try:
            item.update(actions=[SignInItem.used.set(utc_key(now))], condition=usable)
        except UpdateError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return None
            raise TemporarilyUnavailable(str(exc)) from exc
        expires = datetime.strptime(item.expires, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        return SignInCode(item.email, item.customer_id, expires, item.ticket_id)
