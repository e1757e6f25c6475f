"""A mailer that keeps every message as a real MIME `.eml` file in a folder (the local outbox):
what a manager would receive, readable in any mail client."""

from __future__ import annotations

import re
import threading
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
            number = len(list(self.folder.glob("*.eml"))) + 1
            subject = re.sub(r"[^A-Za-z0-9]+", "-", str(message["Subject"] or ""))[:40].strip("-")
            name = f"{number:05d}-{subject or 'message'}.eml"
            path = self.folder / name
            temporary = path.with_suffix(".tmp")
            temporary.write_bytes(raw)
            temporary.replace(path)  # a message is in the outbox whole or not at all
        return name

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
