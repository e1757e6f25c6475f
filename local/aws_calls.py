"""Every AWS call a function makes, recorded while the tests run its handler, as the IAM request
it is: the action(s) and the resource AWS authorizes it against.

moto checks no IAM, so a permission missing from a function's role would only show on AWS. The
local runtime runs each function's handler through one place (lambda_shim.HandlerRegistry),
which names the function in `CALLER` while it runs; a patched `botocore` records each call made
then (boto3's and pynamodb's alike). `requests(call)` turns a call into what IAM checks, from the
table below (the AWS Service Authorization Reference: an action without a resource type is
authorized against "*"). An operation not in the table is an error of its own: add it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from email.parser import BytesParser
from email.utils import parseaddr
from typing import Any

CALLER: ContextVar[str | None] = ContextVar("supportflow_function", default=None)


@dataclass(frozen=True)
class Call:
    function: str
    service: str  # botocore's service name: dynamodb, scheduler, ses, stepfunctions, s3, ssm
    operation: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class Request:
    """What IAM authorizes: one action on one resource (an ARN, or "*"), and the condition keys
    known from the call (dynamodb:LeadingKeys: the partition key of the item it touches)."""

    action: str
    resource: str
    alternatives: tuple[str, ...] = ()  # any of these resources will do (an SES identity)
    keys: tuple[tuple[str, tuple[str, ...]], ...] = ()


class Recorder:
    """Records the calls made while a function's handler runs (see the module)."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._lock = threading.Lock()

    def add(self, function: str, service: str, operation: str, params: Mapping[str, Any]) -> None:
        with self._lock:
            self.calls.append(Call(function, service, operation, dict(params)))

    def take(self) -> list[Call]:
        with self._lock:
            calls, self.calls = self.calls, []
        return calls


class Enforcer(Recorder):
    """Refuses, as AWS would, a call its function's role does not allow (`check` names why),
    and keeps each refusal as a JSON line in `log` (the local stack run by the tests)."""

    def __init__(self, check: Callable[[Call], str | None], log: Any) -> None:
        super().__init__()
        self.check, self.log = check, log

    def add(self, function: str, service: str, operation: str, params: Mapping[str, Any]) -> None:
        call = Call(function, service, operation, dict(params))
        why = self.check(call)
        if why is None:
            return
        with self._lock:
            self.calls.append(call)
            with open(self.log, "a", encoding="utf-8") as out:
                out.write(json.dumps({"refused": why}) + "\n")
        from botocore.exceptions import ClientError

        error = {"Code": "AccessDeniedException", "Message": f"not authorized: {why}"}
        raise ClientError({"Error": error}, operation)


_ACTIVE: list[Recorder] = []
_PATCH_LOCK = threading.Lock()


def _install() -> None:
    """Patch botocore's one choke point once per process."""
    from botocore.client import BaseClient

    original = BaseClient._make_api_call
    if getattr(original, "_records_calls", False):
        return

    def recording(self: Any, operation_name: str, api_params: Mapping[str, Any]) -> Any:
        function = CALLER.get()
        if _ACTIVE and function is not None:
            service = self.meta.service_model.service_name
            for recorder in list(_ACTIVE):
                recorder.add(function, service, operation_name, api_params)
        return original(self, operation_name, api_params)

    recording._records_calls = True  # type: ignore[attr-defined]
    BaseClient._make_api_call = recording  # type: ignore[method-assign]


@contextmanager
def recording(recorder: Recorder | None = None) -> Iterator[Recorder]:
    """Record the functions' AWS calls while the context is open (or enforce: an Enforcer)."""
    recorder = recorder or Recorder()
    with _PATCH_LOCK:
        _install()
        _ACTIVE.append(recorder)
    try:
        yield recorder
    finally:
        with _PATCH_LOCK:
            _ACTIVE.remove(recorder)


def attributed(function: str, handler: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """The handler, naming its function in CALLER while it runs."""

    def run(event: Any, context: Any) -> Any:
        token = CALLER.set(function)
        try:
            return handler(event, context)
        finally:
            CALLER.reset(token)

    return run


# ----- a call as IAM sees it ------------------------------------------------------------------

_TRANSACT = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}
_DYNAMODB_ITEM = (
    "GetItem",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "Query",
    "Scan",
    "DescribeTable",
)
_NO_RESOURCE = {  # actions without a resource type: authorized against "*"
    ("stepfunctions", "SendTaskSuccess"),
    ("stepfunctions", "SendTaskFailure"),
    ("stepfunctions", "SendTaskHeartbeat"),
    ("scheduler", "ListSchedules"),
}
_PREFIX = {"stepfunctions": "states"}


def requests(call: Call, region: str, account: str) -> list[Request]:
    """The IAM requests one call makes (KeyError: an operation the table does not know)."""
    service, op, p = call.service, call.operation, call.params
    action = f"{_PREFIX.get(service, service)}:{op}"
    if (service, op) in _NO_RESOURCE:
        return [Request(action, "*")]
    if service == "dynamodb":
        return _dynamodb(op, p, region, account)
    if service == "scheduler" and op in ("CreateSchedule", "DeleteSchedule", "GetSchedule"):
        group = p.get("GroupName") or "default"
        arn = f"arn:aws:scheduler:{region}:{account}:schedule/{group}/{p['Name']}"
        out = [Request(action, arn)]
        role = (p.get("Target") or {}).get("RoleArn")
        if op == "CreateSchedule" and role:  # the schedule runs as that role: passed to it
            out.append(Request("iam:PassRole", role))
        return out
    if service == "stepfunctions" and op == "StartExecution":
        return [Request(action, p["stateMachineArn"])]
    if service == "stepfunctions" and op in ("DescribeExecution", "GetExecutionHistory"):
        return [Request(action, p["executionArn"])]
    if service == "ses" and op == "SendRawEmail":
        return [_ses_identity(action, p, region, account)]
    if service == "s3" and op == "ListObjectsV2":  # IAM's action is ListBucket, on the bucket
        prefix = (("s3:prefix", (str(p.get("Prefix", "")),)),)
        return [Request("s3:ListBucket", f"arn:aws:s3:::{p['Bucket']}", keys=prefix)]
    if service == "s3" and op in ("GetObject", "PutObject", "DeleteObject"):
        return [Request(f"s3:{op}", f"arn:aws:s3:::{p['Bucket']}/{p['Key']}")]
    if service == "s3" and op == "HeadObject":  # authorised as s3:GetObject
        return [Request("s3:GetObject", f"arn:aws:s3:::{p['Bucket']}/{p['Key']}")]
    if service == "s3" and op == "CopyObject":  # GetObject on the source, PutObject on the copy
        source = p["CopySource"]
        if isinstance(source, dict):
            source = f"{source['Bucket']}/{source['Key']}"
        return [
            Request("s3:GetObject", f"arn:aws:s3:::{str(source).lstrip('/')}"),
            Request("s3:PutObject", f"arn:aws:s3:::{p['Bucket']}/{p['Key']}"),
        ]
    if service == "cognito-idp" and "UserPoolId" in p:  # the agents' pool
        pool = f"arn:aws:cognito-idp:{region}:{account}:userpool/{p['UserPoolId']}"
        return [Request(action, pool)]
    if service == "lambda" and op == "Invoke":  # IAM's action is InvokeFunction
        name = str(p["FunctionName"])
        arn = (
            name
            if name.startswith("arn:")
            else f"arn:aws:lambda:{region}:{account}:function:{name}"
        )
        return [Request("lambda:InvokeFunction", arn)]
    if service == "ssm" and op == "GetParameter":
        name = str(p["Name"])
        path = name if name.startswith("/") else f"/{name}"
        return [Request(action, f"arn:aws:ssm:{region}:{account}:parameter{path}")]
    raise KeyError(f"{service}:{op} is not in local/aws_calls.py's table of IAM requests")


def _dynamodb(op: str, p: Mapping[str, Any], region: str, account: str) -> list[Request]:
    def table(name: str, index: str | None = None) -> str:
        arn = f"arn:aws:dynamodb:{region}:{account}:table/{name}"
        return f"{arn}/index/{index}" if index else arn

    if op in _DYNAMODB_ITEM:
        resource = table(p["TableName"], p.get("IndexName"))
        return [Request(f"dynamodb:{op}", resource, keys=_leading_key(p))]
    if op == "TransactWriteItems":  # each item is authorized as its own action
        out = []
        for item in p["TransactItems"]:
            for kind, body in item.items():
                action = f"dynamodb:{_TRANSACT[kind]}"
                out.append(Request(action, table(body["TableName"]), keys=_leading_key(body)))
        return out
    if op == "TransactGetItems":
        return [
            Request("dynamodb:GetItem", table(i["Get"]["TableName"])) for i in p["TransactItems"]
        ]
    if op in ("BatchGetItem", "BatchWriteItem"):
        return [
            Request(f"dynamodb:{op}", table(name), keys=_batch_keys(op, wanted))
            for name, wanted in p["RequestItems"].items()
        ]
    raise KeyError(f"dynamodb:{op} is not in local/aws_calls.py's table of IAM requests")


def _batch_keys(op: str, wanted: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """dynamodb:LeadingKeys of a batch on one table: the partition key of every item in it."""
    if op == "BatchGetItem":
        items = list(wanted.get("Keys") or [])
    else:
        items = [
            (request.get("PutRequest") or {}).get("Item")
            or (request.get("DeleteRequest") or {}).get("Key")
            or {}
            for request in wanted
        ]
    values = tuple(str((i.get("pk") or {}).get("S")) for i in items if (i.get("pk") or {}).get("S"))
    return (("dynamodb:LeadingKeys", values),) if values else ()


def _leading_key(params: Mapping[str, Any]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """dynamodb:LeadingKeys of an item operation: its partition key (`pk`), when the call names
    the item (a Query's key is inside its expression: not known here)."""
    item = params.get("Key") or params.get("Item") or {}
    value = (item.get("pk") or {}).get("S")
    return (("dynamodb:LeadingKeys", (str(value),)),) if value is not None else ()


def _ses_identity(action: str, p: Mapping[str, Any], region: str, account: str) -> Request:
    """SendRawEmail is authorized against the identity that sends: the From address, or its
    domain when the domain is the verified identity."""
    raw = (p.get("RawMessage") or {}).get("Data", b"")
    message = BytesParser().parsebytes(raw if isinstance(raw, bytes) else str(raw).encode())
    sender = p.get("Source") or parseaddr(str(message.get("From", "")))[1]
    domain = sender.rsplit("@", 1)[-1]
    base = f"arn:aws:ses:{region}:{account}:identity"
    return Request(action, f"{base}/{sender}", (f"{base}/{domain}",))
