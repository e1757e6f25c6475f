"""A mailer that keeps every message as a real MIME `.eml` file in a folder (the local outbox):
what a manager would receive, readable in any mail client."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any


class FileOutbox:
    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def send(self, raw: bytes) -> str:
        message = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
        with self._lock:
            # after the highest number (mails erased for privacy leave gaps: never overwrite)
            numbers = [int(p.name[:5]) for p in self.folder.glob("*.eml") if p.name[:5].isdigit()]
            number = max(numbers, default=0) + 1
            subject = re.sub(r"[^A-Za-z0-9]+", "-", str(message["Subject"] or ""))[:40].strip("-")
            name = f"{number:05d}-{subject or 'message'}.eml"
            path = self.folder / name
            temporary = path.with_suffix(".tmp")
            temporary.write_bytes(raw)
            temporary.replace(path)  # a message is in the outbox whole or not at all
        return name

    def forget(self, words: Iterable[str]) -> int:
        """Delete every kept mail that names any of `words` (an erased person's address, name
        or phone number, an erased ticket's id) in a header or any text part; how many."""
        parser = BytesParser(policy=policy.default)
        gone = 0
        with self._lock:
            for path in sorted(self.folder.glob("*.eml")):
                message = parser.parsebytes(path.read_bytes())
                assert isinstance(message, EmailMessage)
                if names_any(message, words, path.name):
                    path.unlink(missing_ok=True)
                    gone += 1
        return gone

    def messages(self) -> list[dict[str, Any]]:
        parser = BytesParser(policy=policy.default)
        out = []
        for path in sorted(self.folder.glob("*.eml")):
            message = parser.parsebytes(path.read_bytes())
            assert isinstance(message, EmailMessage)
            body = message.get_body(("plain",))
            out.append(
                {
                    "id": path.name,
                    "from": str(message["From"]),
                    "to": str(message["To"]),
                    "subject": str(message["Subject"]),
                    # the mail's own Date (the contract's zone), else when it was written
                    "date": _date(message)
                    or datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(),
                    "text": body.get_content() if body is not None else "",
                }
            )
        return out


def _date(message: EmailMessage) -> str | None:
    try:
        return parsedate_to_datetime(str(message["Date"])).isoformat() if message["Date"] else None
    except (TypeError, ValueError):
        return None


def names_any(message: EmailMessage, words: Iterable[str], also: str = "") -> bool:
    """Whether the mail names any of `words` (case aside) in a header or a text part."""
    wanted = [w.casefold() for w in words if w]
    if not wanted:
        return False
    texts = [also, *(f"{k}: {v}" for k, v in message.items())]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            try:
                texts.append(str(part.get_content()))
            except (LookupError, ValueError):  # an unknown charset: the bytes as they are
                payload = part.get_payload(decode=True)
                texts.append(
                    payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
                )
    folded = "\n".join(texts).casefold()
    return any(w in folded for w in wanted)
