"""The local desk's mailbox: an SMTP server (aiosmtpd) on localhost that takes mail for any address
at the desk's domain and hands each message to the receive_mail function the way SES does on
AWS: stored in the mail bucket (moto's S3) under inbound/, then the function is invoked with the
bucket's notification. `smtplib` scripts and any mail client can write to the desk.

A message is accepted (250) only after the function has taken it: a ticket opened, a message
threaded, a filing held or a machine's mail set aside. A failure answers 451, and the sender's
mail client tries again later, as it would with any mail server.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

import boto3
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

log = logging.getLogger(__name__)
MAX_MESSAGE = 25 * 1024 * 1024  # what SES accepts (its receiving limit is 40 MB)
TRIES = 5  # a ticket still in triage is busy for a moment: try again before answering 451


class DeskMailbox:
    """aiosmtpd's handler: recipients at the desk's domains, each message to `deliver`."""

    def __init__(
        self, domains: set[str], bucket: str, deliver: Callable[[dict[str, Any]], Any], region: str
    ) -> None:
        self.domains = {d.casefold() for d in domains}
        self.bucket, self.deliver, self.region = bucket, deliver, region
        self.received = 0
        self.failed = 0

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        domain = address.rsplit("@", 1)[-1].casefold()
        if domain not in self.domains:
            return f"550 5.1.1 not a desk address (write to any address at {self.first_domain})"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    @property
    def first_domain(self) -> str:
        return sorted(self.domains)[0]

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", errors="surrogateescape")
        loop = asyncio.get_running_loop()
        try:
            outcome = await loop.run_in_executor(None, self.take, raw)
        except Exception as exc:  # the client tries again later; nothing is lost
            self.failed += 1
            log.warning("mail not taken: %r", exc)
            return "451 4.3.0 the desk could not take this message now; try again later"
        self.received += 1
        return f"250 OK {outcome}"

    def take(self, raw: bytes) -> str:
        """Store the message as SES does and invoke the function with the notification."""
        key = f"inbound/{uuid.uuid4().hex}"
        s3 = boto3.client("s3", region_name=self.region)
        s3.put_object(Bucket=self.bucket, Key=key, Body=raw)
        event = {
            "Records": [
                {
                    "eventSource": "aws:s3",
                    "eventName": "ObjectCreated:Put",
                    "s3": {"bucket": {"name": self.bucket}, "object": {"key": key}},
                }
            ]
        }
        for attempt in range(TRIES):
            try:
                result = self.deliver(event)
                return ",".join(result.get("outcomes", [])) if isinstance(result, dict) else ""
            except Exception:
                if attempt == TRIES - 1:
                    raise
                time.sleep(0.2 * 2**attempt)
        raise AssertionError("unreachable")


def start(mailbox: DeskMailbox, port: int) -> Controller:
    controller = Controller(
        mailbox, hostname="127.0.0.1", port=port, data_size_limit=MAX_MESSAGE, ready_timeout=10
    )
    controller.start()
    return controller
