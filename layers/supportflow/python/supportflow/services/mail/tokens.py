"""The customer's links: where people act on a ticket, and the secret token in a customer's link
(an HMAC of the ticket id and the version of its links, so nothing needs storing and any link can
be checked; how long a version works is the ticket's: domain/ticket/links.py)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Links:
    """Where people act on a ticket (the agent view, the customer's status page)."""

    agent_base: str = "http://localhost:8080/agent"
    customer_base: str = "http://localhost:8080/status"
    review_base: str = "http://localhost:8080/review"
    portal_base: str = "http://localhost:8080/portal"

    @classmethod
    def under(cls, base: str) -> Links:
        return cls(
            agent_base=f"{base}/agent",
            customer_base=f"{base}/status",
            review_base=f"{base}/review",
            portal_base=f"{base}/portal",
        )

    def portal_sign_in(self, code: str, ticket_id: str | None = None) -> str:
        """The one-time sign-in link a contact is mailed (in the fragment: never sent to a
        server, so never in an access log); with a ticket, the portal opens it."""
        return f"{self.portal_base}#code={code}" + (f"&ticket={ticket_id}" if ticket_id else "")

    def review(self, customer_id: str, period: str) -> str:
        return f"{self.review_base}?customer={customer_id}&period={period}"

    def agent(self, ticket_id: str) -> str:
        return f"{self.agent_base}#/tickets/{ticket_id}"

    def customer(self, ticket_id: str, token: str) -> str:
        return f"{self.customer_base}#/tickets/{ticket_id}?token={token}"


MAC = 32  # hex characters of the HMAC in a token; a version after it, in hex (none: version 0)


class CustomerTokens:
    """Signs and checks the token in a customer's links. The secret is read on first use (only
    the functions that sign or check links need it). A token is hex only: the HMAC of the
    ticket id (version 0, the links of a ticket whose links were never withdrawn) or of the
    ticket id and its links' version, followed by that version."""

    def __init__(self, secret: bytes | Callable[[], bytes]) -> None:
        self._secret = secret

    def _key(self) -> bytes:
        if callable(self._secret):
            self._secret = self._secret()
        return self._secret

    def key(self) -> bytes:
        """The secret itself (other signers derive their own keys from it)."""
        return self._key()

    def sign(self, ticket_id: str, version: int = 0) -> str:
        message = ticket_id if version == 0 else f"{ticket_id}#links.{version}"
        mac = hmac.new(self._key(), message.encode(), hashlib.sha256).hexdigest()[:MAC]
        return mac if version == 0 else f"{mac}{version:x}"

    def version_of(self, ticket_id: str, token: str | None) -> int | None:
        """The links' version a genuine token of this ticket was made for, or None (not one of
        ours, or for another ticket)."""
        if token is None or len(token) < MAC or len(token) > MAC + 16:
            return None
        tail = token[MAC:]
        try:
            version = int(tail, 16) if tail else 0
        except ValueError:
            return None
        if tail and (version <= 0 or tail != f"{version:x}"):
            return None  # one spelling per version
        given = token.encode("utf-8", errors="surrogateescape")  # any text compares, as bytes
        genuine = hmac.compare_digest(self.sign(ticket_id, version).encode(), given)
        return version if genuine else None

    def check(self, ticket_id: str, token: str | None, version: int = 0) -> bool:
        """A genuine token of this ticket for this version of its links."""
        return self.version_of(ticket_id, token) == version
