"""The customer portal's one store: the one-time codes of the sign-in links mailed to contacts,
kept by their hash (the code itself is only in the mail), each usable once and until it expires."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class SignInCode:
    """What a sign-in link's code stands for: who may sign in, for which customer, until when;
    and the ticket to open after it (a fresh link asked for from an expired ticket link)."""

    email: str
    customer_id: str
    expires_at: datetime
    ticket_id: str | None = None


class SignInCodes(Protocol):
    def keep(self, digest: str, code: SignInCode) -> None:
        """Keep a new code under `digest` (the SHA-256 of the code, in hex) until it expires."""

    def forget(self, email: str) -> int:
        """Remove every code mailed to `email`, used or not (privacy); how many."""

    def use(self, digest: str, now: datetime) -> SignInCode | None:
        """The code under `digest`, marked used: once, and only before it expires (None: no such
        code, used already, or expired). Two uses at the same moment: one gets it."""
