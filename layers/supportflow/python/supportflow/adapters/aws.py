"""EventBridge Scheduler timers, the SES mailer and the Step Functions workflow (boto3)."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from botocore.exceptions import ClientError

from supportflow.domain.timers import whole_second_up

log = logging.getLogger(__name__)


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


class SchedulerTimers:
    """One-time schedules (`at()`, an explicit time zone, deleted after they fire) in the app's
    schedule group, each invoking the fire-timer function with the timer's payload."""

    def __init__(self, client: Any, group: str, target_arn: str, role_arn: str) -> None:
        self.client, self.group, self.target_arn, self.role_arn = (
            client,
            group,
            target_arn,
            role_arn,
        )

    def schedule(self, name: str, at: datetime, payload: Mapping[str, Any]) -> None:
        at = whole_second_up(at)  # at() takes whole seconds: never fire before the deadline
        zone = at.tzinfo.key if isinstance(at.tzinfo, ZoneInfo) else "UTC"
        local = at if isinstance(at.tzinfo, ZoneInfo) else at.astimezone(UTC)
        try:
            self.client.create_schedule(
                Name=name,
                GroupName=self.group,
                ScheduleExpression=f"at({local:%Y-%m-%dT%H:%M:%S})",
                ScheduleExpressionTimezone=zone,
                FlexibleTimeWindow={"Mode": "OFF"},
                ActionAfterCompletion="DELETE",
                Target={
                    "Arn": self.target_arn,
                    "RoleArn": self.role_arn,
                    "Input": json.dumps(dict(payload), sort_keys=True),
                    "RetryPolicy": {"MaximumRetryAttempts": 10, "MaximumEventAgeInSeconds": 3600},
                },
            )
        except ClientError as exc:
            if _code(exc) != "ConflictException":  # the same timer planned twice: fine
                raise

    def cancel(self, name: str) -> None:
        try:
            self.client.delete_schedule(Name=name, GroupName=self.group)
        except ClientError as exc:
            if _code(exc) != "ResourceNotFoundException":  # fired and deleted already: fine
                raise


class SesMailer:
    def __init__(self, client: Any) -> None:
        self.client = client

    def send(self, raw: bytes) -> str:
        response = self.client.send_raw_email(RawMessage={"Data": raw})
        return str(response["MessageId"])


class StepFunctionsWorkflow:
    def __init__(self, client: Any, state_machine_arn: str) -> None:
        self.client, self.state_machine_arn = client, state_machine_arn

    def start(self, name: str, payload: Mapping[str, Any]) -> None:
        try:
            self.client.start_execution(
                stateMachineArn=self.state_machine_arn,
                name=name,
                input=json.dumps(dict(payload), sort_keys=True),
            )
        except ClientError as exc:
            if _code(exc) != "ExecutionAlreadyExists":  # a duplicate intake: one execution
                raise

    def signal(self, token: str, output: Mapping[str, Any]) -> None:
        try:
            self.client.send_task_success(taskToken=token, output=json.dumps(dict(output)))
        except ClientError as exc:
            if _code(exc) in ("TaskDoesNotExist", "TaskTimedOut", "InvalidToken"):
                log.warning("the waiting step is gone", extra={"error": _code(exc)})
                return
            raise
