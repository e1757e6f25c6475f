"""The table's stream: keep the SLA review's verdicts of each ticket whose event log grew
(recomputed from the whole log, so a record delivered twice or late does no harm)."""

from __future__ import annotations

from typing import Any

from supportflow.bootstrap import Container, entry
from supportflow.observability import Handler, count, instrument
from supportflow.services.ports import TemporarilyUnavailable
from supportflow.settings import KeepVerdictsSettings

SETTINGS = KeepVerdictsSettings


def build(deps: Container) -> Handler:
    from supportflow.adapters.dynamodb_items import changed_tickets  # pynamodb: at first use

    keep = deps.keep_verdicts()

    @instrument(correlation_id_path="Records[0].eventID", capture_response=False)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        failures: list[dict[str, str]] = []
        kept = 0
        for ticket_id, sequence in changed_tickets(event):
            if failures:  # after a failure, the rest of the batch comes again, in order
                failures.append({"itemIdentifier": sequence})
                continue
            try:
                kept += keep(ticket_id)
            except TemporarilyUnavailable:
                failures.append({"itemIdentifier": sequence})
        count("VerdictsKept", kept)
        return {"batchItemFailures": failures}

    return handler


lambda_handler = entry(build, SETTINGS)
