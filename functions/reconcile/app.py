"""Every few minutes: compare every open ticket's desired timers, kept timers, real schedules and
workflow state, repair the differences, and sweep the outbox for effects left behind."""

from __future__ import annotations

from typing import Any

from supportflow.bootstrap import Container, entry
from supportflow.observability import Handler, count, instrument, logger
from supportflow.settings import ReconcileSettings

SETTINGS = ReconcileSettings


def build(deps: Container) -> Handler:
    reconcile = deps.reconcile()

    @instrument(correlation_id_path="id", capture_response=False)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        report = reconcile(lambda: context.get_remaining_time_in_millis() / 1000)
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
        }

    return handler


lambda_handler = entry(build, SETTINGS)
