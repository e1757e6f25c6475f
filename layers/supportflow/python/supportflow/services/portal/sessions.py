"""A contact's portal session: a signed, self-contained token naming the contact and the customer,
valid for a few hours (`Authorization: Portal <token>`).

Nothing is stored per session: the token is `<payload>.<mac>`, both base64url, the payload JSON
(contact, customer, issued, expires, a random id), the MAC an HMAC-SHA256 under a key derived
from the desk's link secret for this one purpose (a session can never pass for a ticket link, nor
a link for a session). Whether the contact may still see anything is asked again on every
request (access.py): taking someone off the contract ends their sessions at once."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

PURPOSE = b"supportflow/portal-session/v1"
SCHEME = "portal"  # Authorization: Portal <token>
MAX_TOKEN = 1200
TOKEN = re.compile(r"^[A-Za-z0-9_-]{10,1100}\.[A-Za-z0-9_-]{43}$")


class NotSignedIn(Exception):
    """No valid portal session: none given, not ours, or run out (HTTP 401)."""


@dataclass(frozen=True)
class PortalSession:
    email: str
    customer_id: str
    issued_at: datetime
    expires_at: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class PortalSessions:
    """Issues and reads session tokens; `secret` is the desk's link secret (read on first use)."""

    def __init__(self, secret: Callable[[], bytes], hours: int = 8) -> None:
        self._secret, self._key, self.lasts = secret, b"", timedelta(hours=hours)

    def _mac(self, payload: str) -> str:
        if not self._key:
            self._key = hmac.new(self._secret(), PURPOSE, hashlib.sha256).digest()
        return _b64(hmac.new(self._key, payload.encode(), hashlib.sha256).digest())

    def issue(self, email: str, customer_id: str, now: datetime) -> tuple[str, PortalSession]:
        session = PortalSession(email, customer_id, now, now + self.lasts)
        claims = {
            "sub": email,
            "cus": customer_id,
            "iat": int(now.timestamp()),
            "exp": int(session.expires_at.timestamp()),
            "jti": secrets.token_hex(8),
        }
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{payload}.{self._mac(payload)}", session

    def read(self, token: str | None, now: datetime) -> PortalSession:
        """The session a token stands for, or NotSignedIn."""
        if not token or len(token) > MAX_TOKEN or not TOKEN.match(token):
            raise NotSignedIn("sign in to the portal first")
        payload, mac = token.split(".")
        if not hmac.compare_digest(self._mac(payload).encode(), mac.encode()):
            raise NotSignedIn("this portal session is not valid: sign in again")
        try:
            claims = json.loads(_unb64(payload))
            session = PortalSession(
                str(claims["sub"]),
                str(claims["cus"]),
                datetime.fromtimestamp(int(claims["iat"]), UTC),
                datetime.fromtimestamp(int(claims["exp"]), UTC),
            )
        except (ValueError, KeyError, TypeError, binascii.Error):
            raise NotSignedIn("this portal session is not valid: sign in again") from None
        if now >= session.expires_at:
            raise NotSignedIn("your portal session has ended: sign in again")
        return session


def session_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Portal <token>` header (None: no header, or another
    scheme: an agent's bearer token is not a portal session)."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    return token.strip() if scheme.lower() == SCHEME else None
