"""The customer's links: where people act on a ticket, and the secret token in a customer's link
(an HMAC of the ticket id, so nothing needs storing and any link can be checked)."""

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

    @classmethod
    def under(cls, base: str) -> Links:
        return cls(
            agent_base=f"{base}/agent", customer_base=f"{base}/status", review_base=f"{base}/review"
        )

    def review(self, customer_id: str, period: str) -> str:
        return f"{self.review_base}?customer={customer_id}&period={period}"

    def agent(self, ticket_id: str) -> str:
        return f"{self.agent_base}#/tickets/{ticket_id}"

    def customer(self, ticket_id: str, token: str) -> str:
        return f"{self.customer_base}#/tickets/{ticket_id}?token={token}"


class CustomerTokens:
    """Signs and checks the token in a customer's links. The secret is read on first use (only
    the functions that sign or check links need it)."""

    def __init__(self, secret: bytes | Callable[[], bytes]) -> None:
        self._secret = secret

    def _key(self) -> bytes:
        if callable(self._secret):
            self._secret = self._secret()
        return self._secret

    def sign(self, ticket_id: str) -> str:
        return hmac.new(self._key(), ticket_id.encode(), hashlib.sha256).hexdigest()[:32]

    def check(self, ticket_id: str, token: str | None) -> bool:
        if token is None:
            return False
        given = token.encode("utf-8", errors="surrogateescape")  # any text compares, as bytes
        return hmac.compare_digest(self.sign(ticket_id).encode(), given)
