"""A mail to the desk: SES stored it in the mail bucket (`inbound/`), the bucket's notification
invokes this function, and the mail becomes a ticket, a message on its ticket, a filing held for
an agent, or nothing (a machine's mail). Redelivery is harmless (keyed by Message-ID)."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

from supportflow.bootstrap import Container, entry
from supportflow.observability import Handler, count, instrument, logger
from supportflow.settings import ReceiveMailSettings

SETTINGS = ReceiveMailSettings


def build(deps: Container) -> Handler:
    receive = deps.receive_mail()
    bucket = deps.settings.mail_bucket

    @instrument(correlation_id_path="Records[0].s3.object.key", capture_response=False)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        outcomes = []
        for record in event.get("Records", []):
            s3 = record.get("s3") or {}
            if (s3.get("bucket") or {}).get("name") != bucket:
                logger.warning("a notification from another bucket ignored")
                continue
            key = unquote_plus(str((s3.get("object") or {}).get("key", "")))
            received = receive(key)  # an error: the invocation is retried, then dead-lettered
            count(f"Mail_{received.outcome}")
            logger.info(
                "mail received",
                extra={
                    "outcome": received.outcome,
                    "ticket_id": received.ticket_id,
                    "filing_id": received.filing_id,
                    "reason": received.reason,
                },
            )
            outcomes.append(received.outcome)
        return {"outcomes": outcomes}

    return handler


lambda_handler = entry(build, SETTINGS)
