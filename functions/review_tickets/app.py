"""The table's stream, for the SLA review: each ticket whose event log grew has its verdicts
kept (recomputed from the whole log), the month's early warnings it tips mailed to the service
manager (once each) and, if an incident, is watched for problem management
(R004-8: an RCA task for a top incident, a problem record suggested when production incidents
recur); and the desk's search index holds the ticket's words. All are safe to repeat, so a record
delivered twice or late does no harm."""

from __future__ import annotations

from typing import Any

from supportflow.bootstrap import Container, entry
from supportflow.observability import Handler, count, instrument
from supportflow.services.ports.tickets import ConcurrentUpdate, TemporarilyUnavailable
from supportflow.settings import ReviewTicketsSettings

SETTINGS = ReviewTicketsSettings


def build(deps: Container) -> Handler:
    from supportflow.adapters.dynamodb.stream import changed_tickets  # pynamodb: at first use

    review = deps.review_tickets()

    @instrument(correlation_id_path="Records[0].eventID", capture_response=False)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        failures: list[dict[str, str]] = []
        kept = warned = suggested = tasks = indexed = 0
        for ticket_id, sequence in changed_tickets(event):
            if failures:  # after a failure, the rest of the batch comes again, in order
                failures.append({"itemIdentifier": sequence})
                continue
            try:
                done = review(ticket_id)
            except (TemporarilyUnavailable, ConcurrentUpdate):
                failures.append({"itemIdentifier": sequence})
                continue
            kept += done.kept
            warned += done.warned
            suggested += done.watched.suggestion is not None
            tasks += done.watched.rca_task is not None
            indexed += done.indexed
        count("VerdictsKept", kept)
        count("EarlyWarningsMailed", warned)
        count("ProblemsSuggested", suggested)
        count("RcaTasksOpened", tasks)
        count("SearchWordsKept", indexed)
        return {"batchItemFailures": failures}

    return handler


lambda_handler = entry(build, SETTINGS)
