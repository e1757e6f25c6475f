"""Fires due one-time EventBridge Scheduler schedules (moto stores them but never fires them).

A schedule `at(YYYY-MM-DDTHH:MM:SS)` in its own time zone is due when the clock has passed it;
firing invokes the schedule's target (the fire-timer function) with the schedule's input, then
deletes it, as `ActionAfterCompletion: DELETE` does on AWS. The clock is a parameter, so the
local stack can run it accelerated and tests can step it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from botocore.exceptions import ClientError

from supportflow.errors import TIMER_RETRYABLE, names

_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")


@dataclass(frozen=True)
class Fired:
    name: str
    due: datetime
    response: dict[str, Any] | None
    error: str | None


def due_at(schedule: dict[str, Any]) -> datetime | None:
    match = _AT.match(schedule.get("ScheduleExpression", ""))
    if not match:
        return None
    zone = ZoneInfo(schedule.get("ScheduleExpressionTimezone") or "UTC")
    return datetime.fromisoformat(match[1]).replace(tzinfo=zone)


class TimerPump:
    def __init__(self, scheduler: Any, lambda_client: Any, group: str) -> None:
        self.scheduler, self.lambda_client, self.group = scheduler, lambda_client, group
        self._known: dict[str, tuple[datetime, dict[str, Any]]] = {}  # name -> (due, schedule)
        self._spent: set[str] = set()  # ran; Scheduler has not deleted it yet (a refusal)

    def pending(self) -> list[tuple[datetime, dict[str, Any]]]:
        """Every one-time schedule in the group, earliest first. One listing per call; a
        schedule's details are read once (schedules are created and deleted, never changed)."""
        names: set[str] = set()
        paginator = self.scheduler.get_paginator("list_schedules")
        for page in paginator.paginate(GroupName=self.group):
            names.update(summary["Name"] for summary in page.get("Schedules", []))
        for gone in set(self._known) - names:
            del self._known[gone]
        for name in sorted(names - set(self._known)):
            try:
                schedule = self.scheduler.get_schedule(Name=name, GroupName=self.group)
            except ClientError as exc:  # deleted between the listing and now: fine
                if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                    continue
                raise
            when = due_at(schedule)
            if when is not None:
                self._known[name] = (when, schedule)
        return sorted(self._known.values(), key=lambda pair: pair[0])

    def fire_due(self, now: datetime) -> list[Fired]:
        """Fire every schedule due at `now`, earliest first."""
        for name in sorted(self._spent):  # ran, but its deletion was refused: again now
            self._spend(name)
        fired = []
        for when, schedule in self.pending():
            if when > now:
                break
            name = schedule["Name"]
            if name in self._spent:
                continue
            target = schedule["Target"]
            response: dict[str, Any] | None = None
            error = None
            result = self.lambda_client.invoke(
                FunctionName=target["Arn"], Payload=target.get("Input", "{}").encode()
            )
            payload = json.loads(result["Payload"].read() or b"null")
            if result.get("FunctionError"):
                error = f"{payload.get('errorType')}: {payload.get('errorMessage')}"
            else:
                response = payload
            if error is None or not _retryable(error):
                self._spend(name)  # Scheduler deletes a one-time schedule once it ran
            fired.append(Fired(name, when, response, error))
        return fired

    def _spend(self, name: str) -> None:
        """Delete a schedule that ran; while Scheduler refuses, it is not fired again."""
        self._spent.add(name)
        try:
            self.scheduler.delete_schedule(Name=name, GroupName=self.group)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                return  # kept as spent: deleted on a later pass
        self._spent.discard(name)
        self._known.pop(name, None)


def _retryable(error: str) -> bool:
    """Scheduler's retry policy: a transient failure is tried again on the next pump."""
    return error.split(":", 1)[0] in names(TIMER_RETRYABLE)
