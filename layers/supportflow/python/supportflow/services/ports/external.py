"""The services outside the desk's table: the timers (EventBridge Scheduler), the mail service
(SES), the workflow (Step Functions), where received mail is kept (S3), and the
reconciliation's shards (Lambda)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class ExecutionState:
    """Where a ticket's workflow execution is: running or not, and the callback step that waits
    (the stage it waits at and its token), if one waits now."""

    running: bool
    stage: str | None = None
    token: str | None = None


class Timers(Protocol):
    def schedule(self, name: str, at: datetime, payload: Mapping[str, Any]) -> None:
        """A one-time timer that delivers `payload` to the timer handler at `at`."""

    def cancel(self, name: str) -> None:
        """Remove a pending timer (a timer already gone is fine)."""

    def existing(self, prefix: str) -> set[str]:
        """The names of the pending timers whose name starts with `prefix`."""


class MailStore(Protocol):
    """Where received mail is kept (SES stores each raw message; the desk keeps attachments)."""

    def raw(self, key: str) -> bytes:
        """The raw message stored under `key`."""

    def keep(self, key: str, data: bytes, content_type: str) -> str:
        """Store an attachment under `key`; returns its reference for the ticket."""

    def link(self, reference: str) -> str:
        """A short-lived address an agent's browser can fetch a kept attachment from."""

    def adopt(self, key: str, to: str) -> str:
        """Keep the uploaded file under `key` for good under `to` (uploads not adopted expire
        within a day); returns the reference the ticket keeps."""

    def upload_form(
        self, key: str, content_type: str, max_bytes: int, expires: int
    ) -> dict[str, Any]:
        """Where a browser may upload one file, straight to the store: {"url", "fields"} of a
        form post that takes only `key`, `content_type`, at most `max_bytes`, for `expires` s."""

    def stat(self, key: str) -> tuple[int, str] | None:
        """The size and type of the file under `key` (None: nothing there)."""

    def fetch(self, reference: str) -> bytes | None:
        """A kept file or raw mail by the reference a ticket holds (None: gone, or not the
        store's: a link the customer typed)."""

    def delete_under(self, prefix: str) -> int:
        """Delete every object whose key starts with `prefix` (an erased person's exports);
        how many."""

    def delete(self, reference: str) -> bool:
        """Delete a kept file or raw mail (privacy); False if the reference is not the store's.
        Deleting what is gone already is no error."""


class Mailer(Protocol):
    def send(self, raw: bytes) -> str:
        """Send a complete MIME message; returns the provider's message id."""


class Workflow(Protocol):
    def start(self, name: str, payload: Mapping[str, Any]) -> None:
        """Start an execution with this name (starting it twice is fine)."""

    def signal(self, token: str, output: Mapping[str, Any]) -> None:
        """Complete the waiting callback task that holds `token`."""

    def state(self, name: str) -> ExecutionState | None:
        """Where the execution with this name is (None if there is none)."""

    def heartbeat(self, token: str) -> bool:
        """Tell the waiting step it is still wanted; False if that step is gone."""


class Shards(Protocol):
    """The reconciliation's shards (a large desk's round, split)."""

    def start(self, ticket_ids: Sequence[str]) -> None:
        """Have these tickets reconciled by a shard of their own (not waited for)."""
