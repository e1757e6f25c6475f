"""Canary: the moto behaviour the local runtime and the workflow tests rely on.

If a moto upgrade changes any of this, this file fails first and says what moved:
- `LambdaSimpleBackend.invoke(function_name, qualifier, body, headers, response_headers)` is what
  Step Functions' Lambda tasks reach, and an `x-amz-function-error` response header turns the
  payload's `errorType` into the state's error name (so Retry/Catch match by name);
- `.waitForTaskToken` tasks pass `$$.Task.Token` and resume on SendTaskSuccess with its output;
- moto never fires Scheduler schedules by itself (the timer pump must);
- every request moto handles passes `BotocoreStubber.process_request` (local/serial.py puts its
  lock there), and a DynamoDB transaction in one thread can undo another thread's write without
  that lock.
"""

from __future__ import annotations

import copy
import inspect
import io
import json
import time
import zipfile
from pathlib import Path
from typing import Any

import boto3
from local.lambda_shim import HandlerRegistry, installed
from local.stack import MOTO_CONFIG, REGION
from moto import mock_aws
from moto.awslambda_simple.models import LambdaSimpleBackend


def test_the_simple_backend_invoke_signature_is_what_the_shim_replaces() -> None:
    params = list(inspect.signature(LambdaSimpleBackend.invoke).parameters)
    assert params == ["self", "function_name", "qualifier", "body", "headers", "response_headers"]


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "")
    return buffer.getvalue()


def test_callbacks_errors_and_catch_through_the_shim(tmp_path: Path) -> None:
    tokens: list[str] = []

    def park(event: dict[str, Any], context: Any) -> dict[str, Any]:
        tokens.append(event["token"])
        return {}

    def fail(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise LookupError("no such ticket")

    with mock_aws(config=copy.deepcopy(MOTO_CONFIG)):
        iam = boto3.client("iam", region_name=REGION)
        role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        lam = boto3.client("lambda", region_name=REGION)
        arns = {
            name: lam.create_function(
                FunctionName=name,
                Runtime="python3.12",
                Role=role,
                Handler="app.lambda_handler",
                Code={"ZipFile": _zip()},
            )["FunctionArn"]
            for name in ("park", "fail")
        }
        definition = {
            "StartAt": "Wait",
            "States": {
                "Wait": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                    "Parameters": {
                        "FunctionName": arns["park"],
                        "Payload": {"token.$": "$$.Task.Token"},
                    },
                    "Next": "Fail",
                },
                "Fail": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": {"FunctionName": arns["fail"], "Payload": {}},
                    "Catch": [
                        {"ErrorEquals": ["LookupError"], "ResultPath": "$.error", "Next": "Caught"}
                    ],
                    "End": True,
                },
                "Caught": {"Type": "Succeed"},
            },
        }
        registry = HandlerRegistry()
        registry.overrides.update(park=park, fail=fail)
        sfn = boto3.client("stepfunctions", region_name=REGION)
        machine = sfn.create_state_machine(
            name="canary", definition=json.dumps(definition), roleArn=role
        )["stateMachineArn"]
        with installed(registry):
            execution = sfn.start_execution(stateMachineArn=machine, name="one", input="{}")[
                "executionArn"
            ]
            deadline = time.monotonic() + 10
            while not tokens and time.monotonic() < deadline:
                time.sleep(0.02)
            assert tokens, "the callback task never invoked the park function"
            sfn.send_task_success(taskToken=tokens[0], output=json.dumps({"resumed": True}))
            while time.monotonic() < deadline:
                status = sfn.describe_execution(executionArn=execution)
                if status["status"] != "RUNNING":
                    break
                time.sleep(0.02)
        assert status["status"] == "SUCCEEDED"
        output = json.loads(status["output"])
        assert output["resumed"] is True
        assert output["error"]["Error"] == "LookupError"
        assert "no such ticket" in output["error"]["Cause"]


def test_moto_keeps_schedules_but_never_fires_them() -> None:
    with mock_aws():
        scheduler = boto3.client("scheduler", region_name=REGION)
        scheduler.create_schedule_group(Name="g")
        scheduler.create_schedule(
            Name="past",
            GroupName="g",
            ScheduleExpression="at(2020-01-01T00:00:00)",
            ScheduleExpressionTimezone="Europe/Amsterdam",
            FlexibleTimeWindow={"Mode": "OFF"},
            ActionAfterCompletion="DELETE",
            Target={
                "Arn": "arn:aws:lambda:eu-west-1:123456789012:function:f",
                "RoleArn": "arn:aws:iam::123456789012:role/r",
                "Input": "{}",
            },
        )
        time.sleep(0.1)
        schedule = scheduler.get_schedule(Name="past", GroupName="g")
        assert schedule["ScheduleExpressionTimezone"] == "Europe/Amsterdam"
        assert schedule["ActionAfterCompletion"] == "DELETE"


def test_every_moto_request_passes_the_serialized_entry_point(monkeypatch: Any) -> None:
    from local.serial import LOCK, serialized
    from moto.core.botocore_stubber import BotocoreStubber

    params = list(inspect.signature(BotocoreStubber.process_request).parameters)
    assert params == ["self", "request"]
    held: list[bool] = []
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    original = BotocoreStubber.process_request

    def spy(self: Any, request: Any) -> Any:
        held.append(LOCK.held())
        return original(self, request)

    monkeypatch.setattr(BotocoreStubber, "process_request", spy)
    with mock_aws(), serialized():
        boto3.client("dynamodb", region_name=REGION).list_tables()
    assert held == [True]  # the request went through the entry point, holding the lock
