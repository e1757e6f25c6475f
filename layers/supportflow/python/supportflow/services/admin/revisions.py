"""A process's copy of a versioned store (the contracts, the published policy packs): the store's
revision is read at most once a second, and its versions loaded again only when it moved. A
warm function pays one small read now and then, and sees a new version within a second."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Generic, Protocol, TypeVar

V = TypeVar("V")
V_co = TypeVar("V_co", covariant=True)


class VersionedStore(Protocol[V_co]):
    def all_versions(self) -> Sequence[V_co]: ...

    def revision(self) -> int: ...


class RevisionedCopy(Generic[V]):
    CHECK_EVERY = 1.0  # seconds between reads of the revision

    def __init__(self, store: VersionedStore[V]) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._revision: int | None = None
        self._checked = 0.0

    def _refresh(self) -> None:
        """With the lock held: load the versions again (`_loaded`) if the revision moved."""
        if self._revision is not None and time.monotonic() - self._checked <= self.CHECK_EVERY:
            return
        revision = self.store.revision()
        self._checked = time.monotonic()
        if revision != self._revision:
            self._loaded(list(self.store.all_versions()))
            self._revision = revision

    def _loaded(self, versions: list[V]) -> None:
        raise NotImplementedError

    def forget(self) -> None:
        """Read the store again at the next use (after this process recorded a version)."""
        with self._lock:
            self._revision = None
