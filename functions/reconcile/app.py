"""Every few minutes: compare every open ticket's desired timers, kept timers, real schedules and
workflow state, repair the differences, and sweep the outbox for effects left behind. A large
desk's round hands its open tickets to shards, `RECONCILE_SHARD_SIZE` each: this function again,
invoked asynchronously with `{"shard": [ticket ids]}`."""

from __future__ import annotations

from typing import Any

from supportflow.bootstrap import Container, entry
from supportflow.observability import Handler, count, instrument, logger
from supportflow.services.workflow.reconcile import SHARD_SIZE
from supportflow.settings import ReconcileSettings

SETTINGS = ReconcileSettings


def build(deps: Container) -> Handler:
    reconcile = deps.reconcile()

    @instrument(correlation_id_path="id", capture_response=False)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        def time_left() -> float:
            return float(context.get_remaining_time_in_millis()) / 1000

        shard = event.get("shard")
        if isinstance(shard, list):  # a shard of a round: these tickets
            report = reconcile.shard([str(t) for t in shard], time_left)
        else:
            shards = deps.shards(context.function_name)
            config = deps.settings
            size = config.shard_size if isinstance(config, ReconcileSettings) else SHARD_SIZE
            report = reconcile(time_left, shards, size)
            count("ReconcileShards", report.shards)
        count("TicketsReconciled", report.checked)
        count("Repairs", len(report.repairs))
        count("EffectsSwept", report.swept)
        count("StuckTickets", len(report.stuck))  # the alarm in template.yaml watches this
        if report.unfinished:  # out of time: the next round (minutes away) goes on
            logger.warning("round ended early", extra={"unfinished": report.unfinished})
        if report.stuck:
            logger.error("tickets need a person", extra={"stuck": report.stuck})
        return {
            "checked": report.checked,
            "swept": report.swept,
            "repairs": len(report.repairs),
            "stuck": len(report.stuck),
            "unfinished": report.unfinished,
            "shards": report.shards,
        }

    return handler


lambda_handler = entry(build, SETTINGS)
