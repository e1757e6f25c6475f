"""EventBridge Scheduler timers, the SES mailer, the Step Functions workflow and the
reconciliation's shards (boto3)."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from botocore.exceptions import ClientError

from supportflow.domain.ticket.timers import whole_second_up
from supportflow.services.ports.agents import Agent
from supportflow.services.ports.external import ExecutionState

log = logging.getLogger(__name__)


GONE = ("TaskDoesNotExist", "TaskTimedOut", "InvalidToken")


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


class SchedulerTimers:
    """One-time schedules (`at()`, an explicit time zone, deleted after they fire) in the app's
    schedule group, each invoking the fire-timer function with the timer's payload."""

    def __init__(
        self, client: Any, group: str, target_arn: str, role_arn: str, dead_letters: str = ""
    ) -> None:
        self.client, self.group, self.target_arn, self.role_arn = (
            client,
            group,
            target_arn,
            role_arn,
        )
        self.dead_letters = dead_letters  # an SQS queue for deliveries Scheduler gave up on

    def schedule(self, name: str, at: datetime, payload: Mapping[str, Any]) -> None:
        at = whole_second_up(at)  # at() takes whole seconds: never fire before the deadline
        zone = at.tzinfo.key if isinstance(at.tzinfo, ZoneInfo) else "UTC"
        local = at if isinstance(at.tzinfo, ZoneInfo) else at.astimezone(UTC)
        target: dict[str, Any] = {
            "Arn": self.target_arn,
            "RoleArn": self.role_arn,
            "Input": json.dumps(dict(payload), sort_keys=True),
            "RetryPolicy": {"MaximumRetryAttempts": 10, "MaximumEventAgeInSeconds": 3600},
        }
        if self.dead_letters:
            target["DeadLetterConfig"] = {"Arn": self.dead_letters}
        try:
            self.client.create_schedule(
                Name=name,
                GroupName=self.group,
                ScheduleExpression=f"at({local:%Y-%m-%dT%H:%M:%S})",
                ScheduleExpressionTimezone=zone,
                FlexibleTimeWindow={"Mode": "OFF"},
                ActionAfterCompletion="DELETE",
                Target=target,
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

    def existing(self, prefix: str) -> set[str]:
        names: set[str] = set()
        pages = self.client.get_paginator("list_schedules")
        for page in pages.paginate(GroupName=self.group, NamePrefix=prefix):
            names.update(s["Name"] for s in page.get("Schedules", []))
        return names


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
            if _code(exc) in GONE:  # completed already, or timed out: the reconciliation
                log.warning("the waiting step is gone", extra={"error": _code(exc)})
                return  # re-routes a ticket whose workflow waits elsewhere
            raise

    def heartbeat(self, token: str) -> bool:
        try:
            self.client.send_task_heartbeat(taskToken=token)
        except ClientError as exc:
            if _code(exc) in GONE:
                return False
            raise
        return True

    def state(self, name: str) -> ExecutionState | None:
        arn = self.state_machine_arn.replace(":stateMachine:", ":execution:") + f":{name}"
        try:
            status = self.client.describe_execution(executionArn=arn)["status"]
        except ClientError as exc:
            if _code(exc) == "ExecutionDoesNotExist":
                return None
            raise
        if status != "RUNNING":
            return ExecutionState(running=False)
        history = self.client.get_execution_history(
            executionArn=arn, reverseOrder=True, maxResults=50
        )["events"]
        return waiting_step(sorted(history, key=lambda e: int(e["id"]), reverse=True))


def waiting_step(newest_first: list[dict[str, Any]]) -> ExecutionState:
    """The callback step a running execution waits in, from its newest history events: a
    `.waitForTaskToken` task that was scheduled and has not ended (its token is in the
    scheduled task's parameters, as Step Functions records them)."""
    for event in newest_first:
        kind = event["type"]
        if kind in ("TaskSucceeded", "TaskFailed", "TaskTimedOut", "TaskStateExited"):
            break
        if kind == "TaskScheduled":
            details = event.get("taskScheduledEventDetails") or {}
            if not str(details.get("resource", "")).endswith("waitForTaskToken"):
                break
            payload = json.loads(details.get("parameters") or "{}").get("Payload") or {}
            return ExecutionState(True, payload.get("stage"), payload.get("token"))
    return ExecutionState(running=True)


class S3MailStore:
    """The bucket SES stores received mail in (`inbound/`); attachments are kept beside it."""

    def __init__(self, client: Any, bucket: str, local_base: str = "") -> None:
        self.client, self.bucket, self.local_base = client, bucket, local_base.rstrip("/")

    def raw(self, key: str) -> bytes:
        return bytes(self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read())

    def keep(self, key: str, data: bytes, content_type: str) -> str:
        self.client.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=data,
            ContentType=content_type,
            ServerSideEncryption="AES256",
        )
        return f"s3://{self.bucket}/{key}"

    def adopt(self, key: str, to: str) -> str:
        self.client.copy_object(
            Bucket=self.bucket,
            Key=to,
            CopySource={"Bucket": self.bucket, "Key": key},
            ServerSideEncryption="AES256",
        )
        return f"s3://{self.bucket}/{to}"

    def upload_form(
        self, key: str, content_type: str, max_bytes: int, expires: int
    ) -> dict[str, Any]:
        fields = {"Content-Type": content_type, "x-amz-server-side-encryption": "AES256"}
        conditions: list[Any] = [
            {"Content-Type": content_type},
            {"x-amz-server-side-encryption": "AES256"},
            ["content-length-range", 1, max_bytes],
        ]
        form = dict(
            self.client.generate_presigned_post(
                Bucket=self.bucket,
                Key=key,
                Fields=fields,
                Conditions=conditions,
                ExpiresIn=expires,
            )
        )
        if self.local_base:  # the local stack takes the post itself (and checks its policy),
            # on the page's own origin (the address the browser used, whatever its host name)
            form["url"] = urlsplit(self.local_base).path.rsplit("/", 1)[0] + "/uploads"
        return form

    def stat(self, key: str) -> tuple[int, str] | None:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=key)
        except self.client.exceptions.ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code")) in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return int(head["ContentLength"]), str(head.get("ContentType") or "")

    def _key_of(self, reference: str) -> str | None:
        """The bucket's key of a reference it handed out (an inbound mail's key as it is);
        None for anything else (a link the customer typed, another bucket's)."""
        if reference.startswith("s3://"):
            prefix = f"s3://{self.bucket}/"
            return reference.removeprefix(prefix) if reference.startswith(prefix) else None
        return reference if reference.startswith(("inbound/", "attachments/")) else None

    def fetch(self, reference: str) -> bytes | None:
        key = self._key_of(reference)
        if key is None:
            return None
        try:
            return bytes(self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read())
        except self.client.exceptions.ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code")) in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def delete(self, reference: str) -> bool:
        key = self._key_of(reference)
        if key is None:
            return False
        self.client.delete_object(Bucket=self.bucket, Key=key)  # nothing there: no error
        return True

    def delete_under(self, prefix: str) -> int:
        gone = 0
        for page in self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix
        ):
            for found in page.get("Contents", []):
                self.client.delete_object(Bucket=self.bucket, Key=found["Key"])
                gone += 1
        return gone

    def link(self, reference: str) -> str:
        key = reference.removeprefix(f"s3://{self.bucket}/")
        if self.local_base:  # the local stack serves moto's objects itself
            return f"{self.local_base}/{quote(key)}"
        return str(
            self.client.generate_presigned_url(
                "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=300
            )
        )


class LambdaShards:
    """A reconciliation shard: the same function invoked asynchronously with its tickets (the
    function's async settings drop a shard older than a round: the next round lists again)."""

    def __init__(self, client: Any, function_name: str) -> None:
        self.client, self.function_name = client, function_name

    def start(self, ticket_ids: Sequence[str]) -> None:
        payload = json.dumps({"shard": list(ticket_ids)}).encode()
        self.client.invoke(FunctionName=self.function_name, InvocationType="Event", Payload=payload)


class CognitoAgents:
    """The agents' accounts in the Cognito user pool: a user per agent (signed in with their
    e-mail address), a group per role."""

    def __init__(self, client: Any, pool_id: str, roles: Sequence[str]) -> None:
        self.client, self.pool_id, self.roles = client, pool_id, tuple(roles)

    def all(self) -> list[Agent]:
        users: dict[str, dict[str, Any]] = {}
        for page in self.client.get_paginator("list_users").paginate(UserPoolId=self.pool_id):
            for user in page.get("Users", []):
                users[user["Username"]] = user
        roles: dict[str, list[str]] = {name: [] for name in users}
        for role in self.roles:
            pages = self.client.get_paginator("list_users_in_group").paginate(
                UserPoolId=self.pool_id, GroupName=role
            )
            for page in pages:
                for user in page.get("Users", []):
                    roles.setdefault(user["Username"], []).append(role)
        return [self._agent(u, roles.get(name, [])) for name, u in users.items()]

    def get(self, email: str) -> Agent | None:
        """One agent: their account and their groups (two calls, not the whole pool)."""
        try:
            user = self.client.admin_get_user(UserPoolId=self.pool_id, Username=email)
        except self.client.exceptions.UserNotFoundException:
            return None
        groups = self.client.admin_list_groups_for_user(UserPoolId=self.pool_id, Username=email)
        held = {g["GroupName"] for g in groups.get("Groups", [])}
        user = {**user, "Attributes": user.get("UserAttributes", [])}
        return self._agent(user, [r for r in self.roles if r in held])

    def in_role(self, role: str) -> list[Agent]:
        agents = []
        pages = self.client.get_paginator("list_users_in_group").paginate(
            UserPoolId=self.pool_id, GroupName=role
        )
        for page in pages:
            agents += [self._agent(user, [role]) for user in page.get("Users", [])]
        return agents

    def add(self, email: str, name: str, roles: tuple[str, ...]) -> Agent:
        created = self.client.admin_create_user(
            UserPoolId=self.pool_id,
            Username=email,
            UserAttributes=[
                {"Name": "email", "Value": email},
                {"Name": "email_verified", "Value": "true"},
                {"Name": "name", "Value": name},
            ],
            DesiredDeliveryMediums=["EMAIL"],  # Cognito mails the temporary password
        )["User"]
        for role in roles:
            self.client.admin_add_user_to_group(
                UserPoolId=self.pool_id, Username=email, GroupName=role
            )
        return self._agent(created, list(roles))

    def set_roles(self, email: str, roles: tuple[str, ...]) -> Agent:
        held = {
            g["GroupName"]
            for g in self.client.admin_list_groups_for_user(
                UserPoolId=self.pool_id, Username=email
            ).get("Groups", [])
        }
        for role in sorted(set(roles) - held):
            self.client.admin_add_user_to_group(
                UserPoolId=self.pool_id, Username=email, GroupName=role
            )
        for role in sorted(held & set(self.roles) - set(roles)):
            self.client.admin_remove_user_from_group(
                UserPoolId=self.pool_id, Username=email, GroupName=role
            )
        return self._one(email)

    def set_enabled(self, email: str, enabled: bool) -> Agent:
        if enabled:
            self.client.admin_enable_user(UserPoolId=self.pool_id, Username=email)
        else:
            self.client.admin_disable_user(UserPoolId=self.pool_id, Username=email)
        return self._one(email)

    def _one(self, email: str) -> Agent:
        found = self.get(email)
        if found is None:
            raise LookupError(f"no agent {email!r}")
        return found

    @staticmethod
    def _agent(user: dict[str, Any], roles: list[str]) -> Agent:
        attributes = {a["Name"]: a["Value"] for a in user.get("Attributes", [])}
        email = attributes.get("email") or user["Username"]
        return Agent(
            email=email,
            name=attributes.get("name") or email,
            roles=tuple(roles),
            enabled=bool(user.get("Enabled", True)),
            status=str(user.get("UserStatus") or ""),
        )
