"""Uploads with a filing or a customer's message (issue 21): the browser asks for a place
(`offer`: a presigned POST to the mail bucket that only takes that file, of that type and at
most that size, for ten minutes), sends the file straight there, and files the ticket naming
the key; the desk then checks the file is there and within its limits (`verify`) and keeps it
(a copy out of the upload area, whose files expire within a day: a file nobody files with a
ticket does not stay) before the ticket lists it. Files never pass through the API."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from supportflow.domain.ticket.uploads import (
    MAX_FILES,
    UploadRefused,
    check_key,
    check_uploaded,
    kept_key,
    plan_upload,
)
from supportflow.services.ports.external import MailStore
from supportflow.services.ports.tickets import Clock

EXPIRES = 600  # seconds a place to upload to stays open


@dataclass(frozen=True)
class Uploads:
    store: Callable[[], MailStore]
    clock: Clock

    def offer(self, filename: str, content_type: str, size: int) -> dict[str, Any]:
        plan = plan_upload(
            filename, content_type, size, f"{self.clock():%Y-%m-%d}", secrets.token_hex(16)
        )
        form = self.store().upload_form(plan.key, plan.content_type, plan.max_bytes, EXPIRES)
        return {
            "key": plan.key,
            "name": plan.name,
            "max_bytes": plan.max_bytes,
            "expires_in": EXPIRES,
            "url": form["url"],
            "fields": form["fields"],
        }

    def verify(self, keys: Sequence[str]) -> tuple[str, ...]:
        """The references the ticket keeps for these uploads (UploadRefused if one is not
        there, or not within its limits)."""
        if len(keys) > MAX_FILES:
            raise UploadRefused(f"at most {MAX_FILES} files at a time")
        for key in keys:
            check_key(key)  # every key first: the store is asked only about the desk's own
        store = self.store()
        refs = []
        for key in dict.fromkeys(keys):
            check_uploaded(key, store.stat(key))
            refs.append(store.adopt(key, kept_key(key)))
        return tuple(refs)
