"""The embedded AWS for workflow tests: moto with the real ASL executed, the in-process Lambda
shim, a steppable clock, and helpers that speak API Gateway events from events/."""

from __future__ import annotations

import copy
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import boto3
import pytest
from local.aws_calls import Call, recording
from local.faults import FAULTS
from local.iam_policies import grants, names_of, refused, translated
from local.lambda_shim import FakeContext, installed
from local.serial import serialized
from local.stack import ACCOUNT, MOTO_CONFIG, REGION, STACK, LocalStack, provision
from local.stream_pump import StreamPump
from local.timer_pump import TimerPump
from moto import mock_aws
from pynamodb.exceptions import PynamoDBException

from supportflow.adapters.dynamodb.models import bind_models
from supportflow.adapters.dynamodb.tickets import DynamoTickets
from supportflow.domain.common.timeutil import parse_instant
from supportflow.services.ports.tickets import TemporarilyUnavailable

EVENTS = Path(__file__).resolve().parents[2] / "events"


CLAIMS = "X-Test-Claims"  # not a header: what API Gateway's authorizer hands on (set_headers)


def signed_in(email: str, *groups: str) -> dict[str, str]:
    """A request API Gateway's Cognito authorizer let through for this agent (a valid ID token
    with these groups): `set_headers` puts the claims where API Gateway does."""
    claims = {"email": email, "cognito:username": email, "cognito:groups": ",".join(groups)}
    return {CLAIMS: json.dumps(claims)}


def set_headers(event: dict[str, Any], **headers: str) -> None:
    """Set headers in both places API Gateway puts them (a signed-in agent's claims in the
    request context, as its authorizer does)."""
    for key, value in headers.items():
        if key == CLAIMS:
            context = event.setdefault("requestContext", {})
            context["authorizer"] = {"claims": json.loads(value)}
            continue
        event["headers"][key] = value
        (event.get("multiValueHeaders") or {})[key] = [value]


def sample(name: str) -> dict[str, Any]:
    """A sample event from events/ (the same files `sam local invoke -e` takes)."""
    return json.loads((EVENTS / f"{name}.json").read_text())


class Clock:
    def __init__(self, start: str) -> None:
        self.now = parse_instant(start)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass
class Desk:
    """The running stack, driven as people and timers would."""

    stack: LocalStack
    clock: Clock
    pump: TimerPump
    sfn: Any
    ses: Any
    tickets: DynamoTickets

    def call(self, logical_id: str, event: dict[str, Any]) -> Any:
        name = self.stack.function_arns[logical_id].rsplit(":", 1)[-1]
        result = self.stack.registry.handler(name)(event, FakeContext(function_name=name))
        self.settle()
        return result

    def settle(self, timeout: float = 10.0) -> bool:
        """Wait until the outbox is empty: every effect written so far was delivered."""
        far = datetime(9999, 1, 1, tzinfo=UTC)
        deadline = time.monotonic() + timeout
        while True:
            try:
                if not self.tickets.stale(far, limit=1):
                    return True
            except TemporarilyUnavailable:  # an injected fault met the test's own look
                pass
            except PynamoDBException:
                pass
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)

    def post_ticket(self, sample_name: str = "intake/post_json", **changes: Any) -> dict[str, Any]:
        event = sample(sample_name)
        if changes:
            body = {**json.loads(event["body"]), **changes}
            event["body"] = json.dumps(body)
        return self.call("IntakeFunction", event)

    def agent(
        self, ticket_id: str, action: str, body: dict[str, Any] | None = None, **headers: str
    ) -> dict[str, Any]:
        event = sample("ticket_api/agent_respond")
        event["path"] = f"/tickets/{ticket_id}/actions/{action}"
        event["pathParameters"] = {"ticket_id": ticket_id, "action": action}
        event["body"] = json.dumps(body or {})
        set_headers(event, **headers)
        return self.call("TicketApiFunction", event)

    def customer(
        self, ticket_id: str, action: str, token: str, body: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        event = sample("ticket_api/customer_confirm")
        event["path"] = f"/tickets/{ticket_id}/customer/{action}"
        event["pathParameters"] = {"ticket_id": ticket_id, "action": action}
        set_headers(event, **{"X-Customer-Token": token})
        event["body"] = json.dumps(body or {})
        return self.call("TicketApiFunction", event)

    def request(
        self,
        logical_id: str,
        method: str,
        path: str,
        resource: str,
        body: Any = None,
        *,
        query: dict[str, str] | None = None,
        **headers: str,
    ) -> dict[str, Any]:
        """An API Gateway proxy request to a function: JSON `body`, `headers`, the path
        parameters read off `resource` (e.g. /tickets/{ticket_id})."""
        names = re.findall(r"\{(\w+)\}", resource)
        pattern = "^" + re.sub(r"\{\w+\}", "([^/]+)", resource) + "$"
        found = re.match(pattern, path)
        params = dict(zip(names, found.groups(), strict=True)) if found and names else None
        if body is not None:
            headers = {"Content-Type": "application/json", **headers}
        event: dict[str, Any] = {
            "httpMethod": method,
            "path": path,
            "resource": resource,
            "pathParameters": params,
            "headers": {},
            "multiValueHeaders": {},
            "queryStringParameters": query,
            "multiValueQueryStringParameters": {k: [v] for k, v in query.items()}
            if query
            else None,
            "requestContext": {"requestId": "test"},
            "body": None if body is None else json.dumps(body),
            "isBase64Encoded": False,
        }
        set_headers(event, **headers)
        return dict(self.call(logical_id, event))

    def mail_in(self, raw: bytes) -> dict[str, Any]:
        """A mail to the desk as SES delivers it: stored in the mail bucket under inbound/,
        then the bucket's notification invokes the receiving function."""
        bucket = self.stack.env["MAIL_BUCKET"]
        key = f"inbound/{uuid.uuid4().hex}"
        boto3.client("s3", region_name=REGION).put_object(Bucket=bucket, Key=key, Body=raw)
        event = sample("receive_mail/s3_put")
        event["Records"][0]["s3"]["bucket"]["name"] = bucket
        event["Records"][0]["s3"]["object"]["key"] = key
        return dict(self.call("ReceiveMailFunction", event))

    def reconcile(self) -> dict[str, Any]:
        return dict(self.call("ReconcileFunction", sample("reconcile/scheduled")))

    def view(self, ticket_id: str) -> dict[str, Any]:
        event = sample("ticket_api/get_ticket")
        event["path"] = f"/tickets/{ticket_id}"
        event["pathParameters"] = {"ticket_id": ticket_id}
        response = self.call("TicketApiFunction", event)
        assert response["statusCode"] == 200, response
        return json.loads(response["body"])

    def execution(self, ticket_id: str) -> dict[str, Any]:
        """The ticket's execution (the dispatcher starts it a moment after intake)."""
        arn = (
            self.stack.state_machine_arn.replace(":stateMachine:", ":execution:") + f":{ticket_id}"
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                return dict(self.sfn.describe_execution(executionArn=arn))
            except self.sfn.exceptions.ExecutionDoesNotExist:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def wait_for(self, what: Callable[[], bool], timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if what():
                return
            time.sleep(0.05)
        raise AssertionError("timed out waiting")

    def parked_at(self, ticket_id: str, stage: str) -> None:
        """Wait until the workflow waits at `stage` with its token on the ticket."""

        def ready() -> bool:
            ticket = self.tickets.get(ticket_id)
            return ticket.stage == stage and ticket.is_waiting_here and self.settle(0)

        self.wait_for(ready)

    def sent_mail(self, notices: bool = False) -> list[EmailMessage]:
        """Every message sent through SES, parsed back from its raw MIME; the notices to the
        desk's own agents only when asked for (every triaged ticket tells its line: the tests
        of the conversation with customers count the customers' mails)."""
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.ses.models import ses_backends

        backend = ses_backends[DEFAULT_ACCOUNT_ID][REGION]
        parser = BytesParser(policy=policy.default)
        sent = [
            parser.parsebytes(m.raw_data if isinstance(m.raw_data, bytes) else m.raw_data.encode())
            for m in backend.sent_messages
        ]  # type: ignore[misc]
        return sent if notices else [m for m in sent if ".notice." not in str(m["Message-ID"])]

    def mail_kinds(self) -> list[str]:
        """What was mailed, by kind (the Message-ID's key without the event number), in order:
        "confirmation", "answer", "escalation.response.0", ..."""
        return [mail_kind(m) for m in self.sent_mail()]


def mail_kind(message: EmailMessage) -> str:
    local = str(message["Message-ID"]).strip("<>").split("@", 1)[0]
    key = local.split(".", 1)[1]  # after the ticket id
    return re.sub(r"\.\d+$", "", key) if not key.startswith("escalation") else key


@contextmanager
def delivering(stack: LocalStack) -> Iterator[StreamPump]:
    """The outbox's effects delivered in the background, as the stream mapping does on AWS."""
    pump = stack.stream_pump()
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(0.02):
            try:
                pump.pump()
            except Exception:  # a test tearing down its mock; the next pass tries again
                continue

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield pump
    finally:
        stop.set()
        thread.join(timeout=5)


GRANTS: dict[str, list[str]] = {}  # function -> its statements' Sids (the report below)
USED: set[tuple[str, str]] = set()  # (function, Sid) that granted a call in some test


def check_least_privilege(stack: LocalStack, calls: list[Call]) -> None:
    """Every AWS call a function made in the test is one its role in template.yaml allows
    (moto checks no IAM): the function, the action and the resource of each that is not."""
    functions = {arn.rsplit(":", 1)[-1]: logical for logical, arn in stack.function_arns.items()}
    names = names_of(stack, REGION, ACCOUNT, STACK)
    cfn = translated()
    for logical in functions.values():
        GRANTS.setdefault(logical, grants(cfn, logical, names))
    refusals = refused(calls, functions, names, cfn, USED)
    if refusals:
        pytest.fail("not allowed by template.yaml:\n" + "\n".join(map(str, refusals)))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """test-artifacts/least-privilege.json: per function, the statements that granted a call in
    the tests and those no test exercised (on AWS only: see the README)."""
    if not GRANTS:
        return
    report = {
        function: {
            "used": sorted(sid for sid in sids if (function, sid) in USED),
            "not_exercised": sorted(sid for sid in sids if (function, sid) not in USED),
        }
        for function, sids in sorted(GRANTS.items())
    }
    out = Path(__file__).resolve().parents[2] / "test-artifacts" / "least-privilege.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=1) + "\n")


@pytest.fixture
def desk(monkeypatch: pytest.MonkeyPatch) -> Iterator[Desk]:
    FAULTS.clear()
    with mock_aws(config=copy.deepcopy(MOTO_CONFIG)), serialized():
        monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
        stack = provision()  # the token secret in SSM, as on AWS (the calls are checked)
        monkeypatch.delenv("TOKEN_SECRET", raising=False)
        for key, value in stack.env.items():
            monkeypatch.setenv(key, value)
        clock = Clock("2025-03-31T09:00:00+02:00")
        stack.inject(clock)
        bind_models(stack.table_name, REGION)
        sfn = boto3.client("stepfunctions", region_name=REGION)
        pump = stack.timer_pump()
        with installed(stack.registry), delivering(stack), recording() as calls:
            try:
                ses = boto3.client("ses", region_name=REGION)
                yield Desk(stack, clock, pump, sfn, ses, DynamoTickets())
                check_least_privilege(stack, calls.take())
            finally:
                for page in sfn.get_paginator("list_executions").paginate(
                    stateMachineArn=stack.state_machine_arn, statusFilter="RUNNING"
                ):
                    for execution in page["executions"]:
                        sfn.stop_execution(executionArn=execution["executionArn"])
