"""The portal's sign-in codes in memory, with the rules of the DynamoDB store: kept by digest,
used once and only before they expire."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from supportflow.services.ports.portal import SignInCode


@dataclass
class _Kept:
    code: SignInCode
    used: datetime | None = None


class InMemorySignInCodes:
    def __init__(self) -> None:
        self.kept: dict[str, _Kept] = {}
        self._lock = threading.Lock()

    def keep(self, digest: str, code: SignInCode) -> None:
        with self._lock:
            if digest in self.kept:
                raise RuntimeError("a sign-in code was issued twice")
            self.kept[digest] = _Kept(code)

    def forget(self, email: str) -> int:
        with self._lock:
            gone = [d for d, k in self.kept.items() if k.code.email.casefold() == email.casefold()]
            for digest in gone:
                del self.kept[digest]
            return len(gone)

    def use(self, digest: str, now: datetime) -> SignInCode | None:
        with self._lock:
            found = self.kept.get(digest)
            if found is None or found.used is not None or now >= found.code.expires_at:
                return None
            found.used = now
            return found.code
