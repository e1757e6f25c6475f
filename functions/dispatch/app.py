"""The table's stream: perform the effects a change wrote to the outbox (start the workflow,
complete a step, create or cancel timers, send mail), at least once and in order per ticket."""

from __future__ import annotations

from typing import Any

from supportflow.bootstrap import Container, entry
from supportflow.observability import Handler, count, instrument
from supportflow.settings import DispatchSettings

SETTINGS = DispatchSettings


def build(deps: Container) -> Handler:
    from supportflow.adapters.dynamodb.stream import stream_entries  # pynamodb: at first use

    dispatcher = deps.dispatch()

    @instrument(correlation_id_path="Records[0].eventID", capture_response=False)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        batch = stream_entries(event)
        delivery = dispatcher.deliver([entry for _, entry in batch])
        left = {(e.ticket_id, e.position) for e in delivery.left}
        count("EffectsDelivered", len(delivery.done))
        if left:
            count("EffectsFailed", len(left))
        failures = [seq for seq, e in batch if (e.ticket_id, e.position) in left]
        return {"batchItemFailures": [{"itemIdentifier": seq} for seq in failures]}

    return handler


lambda_handler = entry(build, SETTINGS)
