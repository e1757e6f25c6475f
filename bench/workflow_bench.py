"""What a ticket costs on AWS: state transitions, Lambda invocations, timers, mails and DynamoDB
request units per lifecycle, counted from real executions on the embedded AWS, priced at the
eu-west-1 list prices.

The stack is the one `make run` and tests/workflow use: moto with the real state machine
executed (local.stack.provision), the in-process Lambda shim (local.lambda_shim.installed), moto
serialized (local.serial.serialized), a stream pump thread delivering the outbox to the dispatch
function as the DynamoDB event source mapping does, and the timer pump fired by hand at stepped
simulated times, as EventBridge Scheduler would fire them.

What is counted, and how:
- State transitions: the execution history's `*StateEntered` events (Step Functions Standard
  bills one transition per state entered; retries would add more, none happen here).
- Lambda invocations: every call of a handler through the shim's registry (HandlerRegistry.
  handler wrapped), per function, including dispatch (fed by the stream), fire_timer (fed by the
  timers) and the workflow's steps. Duration: measured here, per invocation, wall time minus the
  time spent in handlers it triggered on the same thread and minus the time it waited for moto's
  lock; moto answers in-process, so this stands for the time on AWS including service latency only
  roughly (stated as such). Billed per invocation rounded up to 1 ms.
- AWS calls each handler makes (every request moto answers, wrapped around
  BotocoreStubber.process_request): per service and operation.
- DynamoDB request units (on-demand), estimated from those calls: writes 1 WRU per started KB of
  the larger of the item before and after (x2 in TransactWriteItems), plus one write per GSI the
  item is in (ALL projections; a changed index key is a delete and a put); reads 1 RRU per
  started 4 KB of the items returned (x0.5 eventually consistent, x2 transactional; a Query
  rounds the sum of the items it returned).
- Scheduler invocations: the timers that fired. SES: recipients of every SendRawEmail.
- API Gateway requests: the intake POST and the agents' and customers' actions (no page views).

Reconciliation runs every five minutes on AWS over every open ticket; it is measured apart with
RECONCILE_SMALL and RECONCILE_LARGE tickets parked at first line (RECONCILE_ROUNDS rounds each),
and its cost reported per 1,000 open tickets per day from the difference (a fixed part per round
plus a part per ticket).

Results in bench/results/workflow.json.
"""

from __future__ import annotations

import base64
import copy
import json
import math
import os
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.parser import BytesParser
from email.utils import getaddresses
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
from bench.common import describe, provenance
from local.faults import FAULTS
from local.lambda_shim import FakeContext, HandlerRegistry, installed
from local.serial import LOCK, serialized
from local.server import match_route, proxy_event
from local.stack import MOTO_CONFIG, REGION, LocalStack, provision
from local.timer_pump import TimerPump
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.core.botocore_stubber import BotocoreStubber
from moto.dynamodb.models import dynamodb_backends

from supportflow.adapters.dynamodb.models import bind_models
from supportflow.adapters.dynamodb.tickets import DynamoTickets
from supportflow.domain.common.timeutil import parse_instant
from supportflow.policies.registry import shipped
from supportflow.services.workflow.reconcile import CHECKED_STAGES, SHARD_SIZE

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "workflow.json"
START = "2025-03-31T09:00:00+02:00"  # a Monday morning, Europe/Amsterdam office hours
RECONCILE_SMALL, RECONCILE_LARGE, RECONCILE_ROUNDS = 2, 12, 3
ROUNDS_PER_DAY = 24 * 60 // 5  # rate(5 minutes)
MEMORY_GB = 0.5  # template.yaml Globals: MemorySize 512, arm64
PRICES = {  # eu-west-1 list prices, USD, free tiers ignored
    "stepfunctions_per_transition": 0.025 / 1000,
    "lambda_per_request": 0.20 / 1_000_000,
    "lambda_per_gb_second_arm64": 0.0000133334,
    "scheduler_per_invocation": 1.00 / 1_000_000,
    "ses_per_mail": 0.10 / 1000,
    "dynamodb_per_wru": 0.7068 / 1_000_000,
    "dynamodb_per_rru": 0.1413 / 1_000_000,
    "api_gateway_rest_per_request": 3.50 / 1_000_000,
}
ASSUMPTIONS = [
    "Prices: eu-west-1 list prices (USD), no free tier: Step Functions Standard $0.025 per 1,000 "
    "state transitions; Lambda $0.20 per 1M requests + $0.0000133334 per GB-second (arm64), "
    "512 MB; EventBridge Scheduler $1.00 per 1M invocations; SES $0.10 per 1,000 mails "
    "(each recipient counts); DynamoDB on-demand $0.7068 per 1M WRU and $0.1413 per 1M RRU (the "
    "eu-west-1 prices after the November 2024 reduction); API Gateway REST $3.50 per 1M requests.",
    "State transitions = StateEntered events in each execution's history (Standard bills every "
    "state entered, Choice and Succeed included).",
    "Lambda duration = measured locally per invocation (moto in-process instead of AWS "
    "services, nested handlers and lock waits excluded), rounded up to 1 ms; cold starts "
    "(billed INIT phase) are not included: see bench/results/imports.json for their size.",
    "Dispatch invocations = one per stream batch as the local pump delivers them, one ticket at "
    "a time; with many tickets at once the event source mapping batches up to 25 records, so "
    "this is an upper bound.",
    "DynamoDB units are estimated from the requests (see the module docstring); the stream's "
    "GetRecords by Lambda is free.",
    "Not included: CloudWatch Logs and metrics (Powertools), X-Ray traces, the Cognito user "
    "pool, data transfer, storage, the agents' page views (each a ticket_api invocation and an "
    "API request).",
]

GSIS = (("gsi1pk", "gsi1sk"), ("gsi2pk", "gsi2sk"), ("gsi3pk", "gsi3sk"))


# ----- metering ----------------------------------------------------------------------------


@dataclass
class Frame:
    """One handler invocation in progress."""

    function: str
    began: float
    nested: float = 0.0  # seconds in handlers it triggered on this thread
    waited: float = 0.0  # seconds waiting for moto's lock


@dataclass
class Usage:
    """What happened while metering: invocations, their durations, AWS calls, request units."""

    invocations: Counter[str] = field(default_factory=Counter)
    durations: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    calls: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # fn, service, op
    wru: Counter[tuple[str, str]] = field(default_factory=Counter)  # (function, "table"|"gsi")
    rru: Counter[str] = field(default_factory=Counter)  # function
    item_kb: dict[str, float] = field(default_factory=dict)  # largest item written, by kind
    mails: int = 0

    def copy(self) -> Usage:
        return Usage(
            Counter(self.invocations),
            defaultdict(list, {k: list(v) for k, v in self.durations.items()}),
            Counter(self.calls),
            Counter(self.wru),
            Counter(self.rru),
            dict(self.item_kb),
            self.mails,
        )

    def since(self, before: Usage) -> Usage:
        return Usage(
            self.invocations - before.invocations,
            defaultdict(
                list,
                {
                    k: v[len(before.durations.get(k, [])) :]
                    for k, v in self.durations.items()
                    if len(v) > len(before.durations.get(k, []))
                },
            ),
            self.calls - before.calls,
            self.wru - before.wru,
            self.rru - before.rru,
            self.item_kb,
            self.mails - before.mails,
        )


class Meter:
    """Counts handler invocations (wrapping the registry) and the AWS calls they make (wrapping
    moto's request entry point, outside local.serial's lock)."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.usage = Usage()
        self._local = threading.local()
        self._mutex = threading.Lock()

    def frames(self) -> list[Frame]:
        if not hasattr(self._local, "frames"):
            self._local.frames = []
        frames: list[Frame] = self._local.frames
        return frames

    def wrap_registry(self, registry: HandlerRegistry) -> None:
        original = registry.handler

        def handler(function_name: str) -> Callable[[Any, Any], Any]:
            inner = original(function_name)
            name = function_name.rsplit(":", 1)[-1]

            def metered(event: Any, context: Any) -> Any:
                return self.invoke(name, inner, event, context)

            return metered

        registry.handler = handler  # type: ignore[method-assign]

    def invoke(self, name: str, inner: Callable[[Any, Any], Any], event: Any, context: Any) -> Any:
        frames = self.frames()
        frame = Frame(name, time.perf_counter())
        frames.append(frame)
        try:
            return inner(event, context)
        finally:
            frames.pop()
            wall = time.perf_counter() - frame.began
            if frames:
                frames[-1].nested += wall
            with self._mutex:
                self.usage.invocations[name] += 1
                self.usage.durations[name].append(max(wall - frame.nested - frame.waited, 0.0))

    @contextmanager
    def requests(self) -> Iterator[None]:
        """Every request moto answers, attributed to the handler that made it (if any)."""
        original = BotocoreStubber.process_request
        meter = self

        def process_request(stubber: BotocoreStubber, request: Any) -> Any:
            frames = meter.frames()
            if not frames:
                return original(stubber, request)
            frame = frames[-1]
            asked = time.perf_counter()
            with LOCK:
                frame.waited += time.perf_counter() - asked
                service, operation, body = request_of(request)
                before = meter.item_sizes(operation, body) if service == "dynamodb" else None
                response = original(stubber, request)
                meter.account(frame.function, service, operation, body, before, response)
            return response

        BotocoreStubber.process_request = process_request  # type: ignore[method-assign]
        try:
            yield
        finally:
            BotocoreStubber.process_request = original  # type: ignore[method-assign]

    # --- DynamoDB request units ---

    def _item(self, key: dict[str, Any]) -> Any:
        backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION]
        try:
            return backend.get_item(self.table, key)
        except Exception:
            return None

    def item_sizes(self, operation: str, body: dict[str, Any]) -> list[tuple[bool, Any, Any]]:
        """(transactional, key, the item's (size, GSI keys) now) for every item a write touches."""
        touched: list[tuple[bool, dict[str, Any]]] = []
        if operation in ("PutItem", "UpdateItem", "DeleteItem"):
            key = body.get("Key") or {k: body["Item"][k] for k in ("pk", "sk")}
            touched.append((False, key))
        elif operation == "TransactWriteItems":
            for entry in body.get("TransactItems", []):
                for kind, action in entry.items():
                    key = action.get("Key") or {k: action["Item"][k] for k in ("pk", "sk")}
                    touched.append((kind != "ConditionCheck", key))
        elif operation == "BatchWriteItem":
            for requests in body.get("RequestItems", {}).values():
                for request in requests:
                    put = request.get("PutRequest", {}).get("Item")
                    key = request.get("DeleteRequest", {}).get("Key")
                    touched.append((False, key or {k: put[k] for k in ("pk", "sk")}))
        return [(txn, key, shape(self._item(key))) for txn, key in touched]

    def account(
        self,
        function: str,
        service: str,
        operation: str,
        body: dict[str, Any],
        before: list[tuple[bool, Any, Any]] | None,
        response: Any,
    ) -> None:
        status = response[0] if response else 0
        with self._mutex:
            self.usage.calls[(function, service, operation)] += 1
            if service == "ses" and operation in ("SendRawEmail", "SendEmail") and status == 200:
                self.usage.mails += recipients(body)
        if service != "dynamodb":
            return
        table = gsi = rru = 0.0
        sizes: dict[str, float] = {}
        if before:
            transactional = operation == "TransactWriteItems"
            for _, key, old in before:
                new = shape(self._item(key)) if status == 200 else old
                size = max(old[0] if old else 0, new[0] if new else 0)
                table += kb(size, 1024) * (2 if transactional else 1)
                gsi += gsi_writes(old, new)
                kind = item_kind(key)
                sizes[kind] = max(sizes.get(kind, 0), round(size / 1024, 2))
        elif status == 200 and operation in READS:
            rru = read_units(operation, body, json.loads(response[2] or "{}"))
        with self._mutex:
            self.usage.wru[(function, "table")] += table
            self.usage.wru[(function, "gsi")] += gsi
            self.usage.rru[function] += rru
            for kind, size in sizes.items():
                self.usage.item_kb[kind] = max(self.usage.item_kb.get(kind, 0), size)


def item_kind(key: dict[str, Any]) -> str:
    """TICKET, EVENT, OUTBOX, ... (the sort key's prefix), else the partition key's."""
    sk = str(key.get("sk", {}).get("S", "?"))
    pk = str(key.get("pk", {}).get("S", "?"))
    return sk.split("#")[0] if sk[:1].isalpha() else pk.split("#")[0]


READS = ("GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems")


def request_of(request: Any) -> tuple[str, str, dict[str, Any]]:
    """(service, operation, parsed body) of a request as the SDK sent it."""
    url = urlsplit(request.url)
    service = url.netloc.split(".")[0]
    service = {"email": "ses"}.get(service, service)
    raw = request.body or b""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    target = request.headers.get("X-Amz-Target")
    if target:
        target = target.decode() if isinstance(target, bytes) else target
        return service, target.rsplit(".", 1)[-1], json.loads(text or "{}")
    if text.startswith("Action=") or "&Action=" in text:
        form = {k: v[-1] for k, v in parse_qs(text).items()}
        return service, form.get("Action", "?"), form
    path = "/".join(p if i < 2 else "{name}" for i, p in enumerate(url.path.split("/")))
    return service, f"{request.method} {path}", {}


def shape(item: Any) -> tuple[int, dict[str, str]] | None:
    """An item's size and GSI key values, as plain data (moto mutates items in place)."""
    if item is None:
        return None
    keys = {
        name: str(item.attrs[name].value) for pair in GSIS for name in pair if name in item.attrs
    }
    return int(item.size()), keys


def kb(size: int, unit: int) -> int:
    return max(1, math.ceil(size / unit))


def gsi_writes(old: Any, new: Any) -> int:
    units = 0
    for pair in GSIS:
        was = old is not None and all(k in old[1] for k in pair)
        now = new is not None and all(k in new[1] for k in pair)
        if was and now:
            same = all(old[1][k] == new[1][k] for k in pair)
            units += kb(new[0], 1024) if same else kb(old[0], 1024) + kb(new[0], 1024)
        elif now:
            units += kb(new[0], 1024)
        elif was:
            units += kb(old[0], 1024)
    return units


def attribute_size(value: dict[str, Any]) -> int:
    ((kind, data),) = value.items()
    if kind == "S":
        return len(str(data).encode())
    if kind == "N":
        return len(str(data).lstrip("-").replace(".", "").lstrip("0")) // 2 + 2
    if kind == "B":
        return len(base64.b64decode(data))
    if kind in ("SS", "NS", "BS"):
        return sum(attribute_size({kind[0]: v}) for v in data)
    if kind == "L":
        return 3 + sum(1 + attribute_size(v) for v in data)
    if kind == "M":
        return 3 + sum(len(k.encode()) + 1 + attribute_size(v) for k, v in data.items())
    return 1  # BOOL, NULL


def item_size(item: dict[str, Any]) -> int:
    return sum(len(k.encode()) + attribute_size(v) for k, v in item.items())


def read_units(operation: str, request: dict[str, Any], response: dict[str, Any]) -> float:
    factor = 1.0 if request.get("ConsistentRead") else 0.5
    if operation == "GetItem":
        return kb(item_size(response.get("Item") or {}), 4096) * factor
    if operation in ("Query", "Scan"):
        return kb(sum(item_size(i) for i in response.get("Items", [])), 4096) * factor
    if operation == "TransactGetItems":
        items = [r.get("Item") or {} for r in response.get("Responses", [])]
        return sum(kb(item_size(i), 4096) * 2.0 for i in items)
    items = [i for found in response.get("Responses", {}).values() for i in found]
    return sum(kb(item_size(i), 4096) * factor for i in items)


def recipients(form: dict[str, Any]) -> int:
    """The recipients of a SendRawEmail: its Destinations, else the message's To/Cc/Bcc."""
    listed = [k for k in form if k.startswith("Destinations.member.")]
    if listed:
        return len(listed)
    raw = base64.b64decode(form.get("RawMessage.Data", ""))
    message = BytesParser().parsebytes(raw, headersonly=True)
    fields = [v for name in ("To", "Cc", "Bcc") for v in message.get_all(name, [])]
    return max(1, len(getaddresses(fields)))


# ----- the desk, driven as people and timers would ------------------------------------------


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
    stack: LocalStack
    clock: Clock
    pump: TimerPump
    sfn: Any
    tickets: DynamoTickets
    api_requests: int = 0
    timers_fired: int = 0
    filed: int = 0

    def call(self, logical_id: str, event: dict[str, Any]) -> Any:
        name = self.stack.function_arns[logical_id].rsplit(":", 1)[-1]
        result = self.stack.registry.handler(name)(event, FakeContext(function_name=name))
        self.settle()
        return result

    def api(
        self, method: str, path: str, body: dict[str, Any], headers: dict[str, str]
    ) -> dict[str, Any]:
        """A request through API Gateway: the proxy event for the route's function (the routes
        of template.yaml, as local.server matches them)."""
        found = match_route(method, path)
        if found is None:
            raise KeyError(f"no route {method} {path}")
        resource, function, params, _signed_in = found  # the bench sends the local tokens
        event = proxy_event(
            method,
            path,
            "",
            {"Content-Type": "application/json", **headers},
            json.dumps(body).encode(),
            resource,
            params,
        )
        self.api_requests += 1
        response = self.call(function, event)
        if int(response["statusCode"]) >= 300:
            raise RuntimeError(f"{method} {path}: {response['statusCode']} {response['body']}")
        return dict(json.loads(response["body"]))

    def file(self) -> tuple[str, str]:
        """File the ticket TICKET (a new Idempotency-Key each time); (its id, the customer's
        token)."""
        self.filed += 1
        key = f"bench-{self.filed}"
        body = self.api("POST", "/tickets", TICKET, {"Idempotency-Key": key})
        return body["ticket_id"], body["customer_token"]

    def agent(self, ticket_id: str, action: str, message: str | None = None) -> str:
        body = {"message": message} if message else {}
        headers = {"Authorization": "Bearer local-agent-token"}
        done = self.api("POST", f"/tickets/{ticket_id}/actions/{action}", body, headers)
        return str(done["stage"])

    def customer(self, ticket_id: str, token: str, action: str, message: str = "") -> str:
        body = {"message": message} if message else {}
        path = f"/tickets/{ticket_id}/customer/{action}"
        return str(self.api("POST", path, body, {"X-Customer-Token": token})["stage"])

    def fire(self, **advance: float) -> list[str]:
        """Move the clock on and fire the timers due, as Scheduler would; their outcomes."""
        self.clock.advance(**advance)
        fired = self.pump.fire_due(self.clock.now)
        self.timers_fired += len(fired)
        self.settle()
        return [str((f.response or {}).get("outcome", f.error)) for f in fired]

    def fire_next(self, ticket_id: str) -> list[str]:
        """Move the clock to the ticket's next timer and fire what is due then."""
        due = [w for w, s in self.pump.pending() if s["Name"].startswith(f"{ticket_id}.")]
        if not due:
            raise RuntimeError(f"{ticket_id} has no timer")
        return self.fire(seconds=max((min(due) - self.clock.now).total_seconds(), 0) + 1)

    def settle(self, timeout: float = 15.0) -> None:
        """Wait until every effect written so far was delivered (the outbox is empty)."""
        far = datetime(9999, 1, 1, tzinfo=UTC)
        deadline = time.monotonic() + timeout
        while self.tickets.stale(far, limit=1):
            if time.monotonic() > deadline:
                raise RuntimeError("the outbox was not delivered in time")
            time.sleep(0.01)

    def parked_at(self, ticket_id: str, stage: str, timeout: float = 15.0) -> None:
        """Wait until the workflow waits at `stage` with its token on the ticket."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ticket = self.tickets.get(ticket_id)
            if ticket.stage == stage and ticket.is_waiting_here:
                self.settle()
                return
            time.sleep(0.01)
        raise RuntimeError(f"{ticket_id} did not park at {stage}")

    def finished(self, ticket_id: str, timeout: float = 15.0) -> tuple[int, list[dict[str, Any]]]:
        """Wait for the ticket's executions to end; (how many, all their history events)."""
        prefix = self.stack.state_machine_arn.replace(":stateMachine:", ":execution:")
        deadline = time.monotonic() + timeout
        while True:
            runs = [
                e
                for e in self.sfn.list_executions(stateMachineArn=self.stack.state_machine_arn)[
                    "executions"
                ]
                if e["name"] == ticket_id or e["name"].startswith(f"{ticket_id}.")
            ]
            if runs and all(e["status"] != "RUNNING" for e in runs):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{ticket_id}: its workflow did not end")
            time.sleep(0.02)
        events: list[dict[str, Any]] = []
        for run in runs:
            arn = f"{prefix}:{run['name']}"
            pages = self.sfn.get_paginator("get_execution_history").paginate(executionArn=arn)
            for page in pages:
                events.extend(page["events"])
        return len(runs), events

    def pending_timers(self, ticket_id: str) -> int:
        return sum(1 for _, s in self.pump.pending() if s["Name"].startswith(f"{ticket_id}."))


POLICY = "integration-9x5"  # the contract of TICKET's customer
TICKET = {  # integration-9x5, top priority (urgency down x several users): response in 1 h
    "customer": "integratie-noord",
    "contact_email": "servicedesk@noord.example",
    "subject": "Koppeling met zaaksysteem ligt eruit",
    "description": "Sinds 08:50 komen er geen zaken meer door.",
    "urgency": "down",
    "impact": "several_users",
    "channel": "portal",
}


@contextmanager
def delivering(stack: LocalStack) -> Iterator[None]:
    """The outbox delivered in the background, as the stream's event source mapping does."""
    pump = stack.stream_pump()
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(0.01):
            try:
                pump.pump()
            except Exception:  # torn down under it; the next pass tries again
                continue

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


@contextmanager
def desk() -> Iterator[tuple[Desk, Meter]]:
    """The embedded AWS with the stack provisioned, metered, the outbox delivered."""
    FAULTS.clear()
    with mock_aws(config=copy.deepcopy(MOTO_CONFIG)), serialized():
        stack = provision()
        os.environ.update(stack.env)  # this process only: the handlers read their settings
        clock = Clock(START)
        stack.inject(clock)
        bind_models(stack.table_name, REGION)
        meter = Meter(stack.table_name)
        meter.wrap_registry(stack.registry)
        pump = TimerPump(
            boto3.client("scheduler", region_name=REGION),
            boto3.client("lambda", region_name=REGION),
            stack.schedule_group,
        )
        sfn = boto3.client("stepfunctions", region_name=REGION)
        with installed(stack.registry), meter.requests(), delivering(stack):
            try:
                yield Desk(stack, clock, pump, sfn, DynamoTickets()), meter
            finally:
                for page in sfn.get_paginator("list_executions").paginate(
                    stateMachineArn=stack.state_machine_arn, statusFilter="RUNNING"
                ):
                    for execution in page["executions"]:
                        sfn.stop_execution(executionArn=execution["executionArn"])


# ----- the lifecycles ------------------------------------------------------------------------


@dataclass
class Lifecycle:
    name: str
    steps: str
    run: Callable[[Desk], str]  # drives one ticket through; returns its id


def responded_resolved_confirmed(desk: Desk) -> str:
    ticket_id, token = desk.file()
    desk.parked_at(ticket_id, "first_line")
    desk.clock.advance(minutes=20)
    desk.agent(ticket_id, "respond", "We kijken ernaar.")
    desk.clock.advance(hours=1)
    desk.agent(ticket_id, "resolve", "Koppeling hersteld.")
    desk.parked_at(ticket_id, "resolved")
    desk.clock.advance(hours=2)
    desk.customer(ticket_id, token, "confirm")
    return ticket_id


def second_line_customer_auto_closed(desk: Desk) -> str:
    ticket_id, token = desk.file()
    desk.parked_at(ticket_id, "first_line")
    desk.clock.advance(minutes=10)
    desk.agent(ticket_id, "hand_to_second_line")
    desk.parked_at(ticket_id, "second_line")
    desk.clock.advance(minutes=20)
    desk.agent(ticket_id, "ask_customer", "Welke omgeving?")
    desk.parked_at(ticket_id, "waiting_on_customer")
    desk.clock.advance(hours=3)
    desk.customer(ticket_id, token, "reply", "Productie.")
    desk.parked_at(ticket_id, "second_line")
    desk.clock.advance(hours=1)
    desk.agent(ticket_id, "resolve", "Certificaat vernieuwd.")
    desk.parked_at(ticket_id, "resolved")
    outcomes = desk.fire_next(ticket_id)  # auto_close_after: 5 workdays
    if not any("clos" in o for o in outcomes):
        raise RuntimeError(f"no auto-close among {outcomes}")
    return ticket_id


def breached_full_ladder(desk: Desk) -> str:
    ticket_id, token = desk.file()
    desk.parked_at(ticket_id, "first_line")
    rungs = desk.fire(minutes=45)  # 75% of the 1 h response: the coordinator
    desk.parked_at(ticket_id, "first_line")
    rungs += desk.fire(minutes=15, seconds=1)  # breach: the service support manager
    desk.parked_at(ticket_id, "first_line")
    rungs += desk.fire(hours=4)  # breach + 4 h: the CTO
    desk.parked_at(ticket_id, "first_line")
    if sum("escalat" in r for r in rungs) != 3:
        raise RuntimeError(f"expected three rungs, got {rungs}")
    desk.clock.advance(minutes=30)
    desk.agent(ticket_id, "resolve", "Koppeling hersteld.")
    desk.parked_at(ticket_id, "resolved")
    desk.clock.advance(hours=2)
    desk.customer(ticket_id, token, "confirm")
    return ticket_id


LIFECYCLES = [
    Lifecycle(
        "a_responded_resolved_confirmed",
        "filed -> responded -> resolved -> confirmed by the customer (closed)",
        responded_resolved_confirmed,
    ),
    Lifecycle(
        "b_second_line_customer_auto_closed",
        "filed -> handed to second line -> asked the customer -> customer replied -> resolved "
        "-> auto-closed by its timer",
        second_line_customer_auto_closed,
    ),
    Lifecycle(
        "c_breached_full_ladder_confirmed",
        "filed -> response breached, the whole ladder (75%: coordinator, breach: manager, "
        "breach + 4 h: CTO) -> resolved -> confirmed",
        breached_full_ladder,
    ),
]


def measure(desk: Desk, meter: Meter, lifecycle: Lifecycle) -> dict[str, Any]:
    """One lifecycle from a quiet desk: its counts and their cost per 1,000 tickets."""
    desk.clock.now = next_monday_morning(desk.clock.now)
    before, api_before, fired_before = meter.usage.copy(), desk.api_requests, desk.timers_fired
    ticket_id = lifecycle.run(desk)
    executions, history = desk.finished(ticket_id)
    leftover = desk.pending_timers(ticket_id)
    if leftover:  # a timer nobody cancelled fires later on AWS (stale): it is part of the cost
        desk.fire(days=60)
    desk.settle()
    used = meter.usage.since(before)
    entered = [e for e in history if e["type"].endswith("StateEntered")]
    counts = {
        "state_transitions": len(entered),
        "states_entered": dict(Counter(e["stateEnteredEventDetails"]["name"] for e in entered)),
        "executions": executions,
        "lambda_invocations": dict(sorted(used.invocations.items())),
        "lambda_invocations_total": sum(used.invocations.values()),
        "lambda_billed_ms": billed_ms(used),
        "lambda_median_ms": {
            name: round(statistics.median(d) * 1000, 1)
            for name, d in sorted(used.durations.items())
        },
        "api_requests": desk.api_requests - api_before,
        "scheduler_invocations": desk.timers_fired - fired_before,
        "timers_left_over": leftover,
        "mails": used.mails,
        "dynamodb_wru": round(sum(used.wru.values()), 1),
        "dynamodb_wru_gsi_part": round(
            sum(n for (_, part), n in used.wru.items() if part == "gsi"), 1
        ),
        "dynamodb_wru_by_function": by_function(used.wru),
        "dynamodb_rru": round(sum(used.rru.values()), 1),
        "largest_item_kb_by_kind": used.item_kb,
        "aws_calls": aws_calls(used),
    }
    return {"steps": lifecycle.steps, "ticket": ticket_id, **counts, "cost": cost(counts)}


def next_monday_morning(after: datetime) -> datetime:
    """09:00 on the next Monday after `after` that is a working day, as is the Tuesday, in the
    ticket's policy calendar (a holiday would move every deadline)."""
    calendar = shipped().get(POLICY, after).calendar()
    day = after.astimezone(calendar.zone).date() + timedelta(days=1)
    while day.weekday() != 0 or not all(
        calendar.day_intervals(day + timedelta(days=n)) for n in (0, 1)
    ):
        day += timedelta(days=1)
    return datetime.combine(day, datetime.min.time(), calendar.zone).replace(hour=9)


def by_function(wru: Counter[tuple[str, str]]) -> dict[str, float]:
    out: Counter[str] = Counter()
    for (function, _), n in wru.items():
        out[function.removeprefix("supportflow-")] += n
    return {k: round(v, 1) for k, v in sorted(out.items()) if v}


def billed_ms(used: Usage) -> int:
    return sum(math.ceil(d * 1000) for values in used.durations.values() for d in values)


def aws_calls(used: Usage) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for (function, service, operation), n in sorted(used.calls.items()):
        out[function.removeprefix("supportflow-")][f"{service}:{operation}"] = n
    return dict(out)


def cost(c: dict[str, Any], per: int = 1000) -> dict[str, float]:
    """USD per `per` tickets, by service."""
    p = PRICES
    parts = {
        "step_functions": c["state_transitions"] * p["stepfunctions_per_transition"],
        "lambda_requests": c["lambda_invocations_total"] * p["lambda_per_request"],
        "lambda_duration": c["lambda_billed_ms"]
        / 1000
        * MEMORY_GB
        * p["lambda_per_gb_second_arm64"],
        "scheduler": c["scheduler_invocations"] * p["scheduler_per_invocation"],
        "ses": c["mails"] * p["ses_per_mail"],
        "dynamodb": c["dynamodb_wru"] * p["dynamodb_per_wru"]
        + c["dynamodb_rru"] * p["dynamodb_per_rru"],
        "api_gateway": c["api_requests"] * p["api_gateway_rest_per_request"],
    }
    out = {k: round(v * per, 5) for k, v in parts.items()}
    out["total"] = round(sum(parts.values()) * per, 4)
    return out


# ----- reconciliation ------------------------------------------------------------------------


def reconcile_rounds(desk: Desk, meter: Meter, open_tickets: int) -> dict[str, Any]:
    """Park `open_tickets` more tickets at first line (the clock stays within the first minutes
    of their response targets, so no timer is due), run RECONCILE_ROUNDS rounds; per round."""
    for _ in range(open_tickets):
        ticket_id, _ = desk.file()
        desk.parked_at(ticket_id, "first_line")
    desk.clock.advance(minutes=2)  # past SETTLE: nothing counts as in flight
    desk.call("ReconcileFunction", {"id": "bench-warm-up", "detail": {}})
    checked = 0
    before = meter.usage.copy()
    for _ in range(RECONCILE_ROUNDS):
        report = desk.call("ReconcileFunction", {"id": "bench", "detail": {}})
        checked = int(report["checked"])
        if report["repairs"] or report["stuck"]:
            raise RuntimeError(f"reconciliation repaired a quiet desk: {report}")
    used = meter.usage.since(before)
    name = next(n for n in used.durations if n.endswith("reconcile"))
    rounds = RECONCILE_ROUNDS
    listing = []
    for _ in range(RECONCILE_ROUNDS):  # the round's listing of the open tickets, alone
        began = time.perf_counter()
        desk.tickets.open_ids(CHECKED_STAGES)
        listing.append((time.perf_counter() - began) * 1000)
    calls: Counter[str] = Counter()
    for (_, service, operation), n in used.calls.items():
        calls[f"{service}:{operation}"] += n / rounds
    return {
        "open_tickets": checked,
        "ms_per_round": round(statistics.median(used.durations[name]) * 1000, 1),
        "listing_ms": round(statistics.median(listing), 2),
        "wru_per_round": round(sum(used.wru.values()) / rounds, 2),
        "rru_per_round": round(sum(used.rru.values()) / rounds, 2),
        "calls_per_round": dict(sorted(calls.items())),
    }


def reconcile_sharded(desk: Desk, meter: Meter, shard_size: int) -> dict[str, Any]:
    """A round of the open tickets parked so far, fanned out in shards of `shard_size`: the
    round (listing, starting the shards) and each shard, timed apart (the meter keeps each
    invocation's own time)."""
    from supportflow.settings import ReconcileSettings

    name = desk.stack.function_arns["ReconcileFunction"].rsplit(":", 1)[-1]
    deps = desk.stack.registry.dependencies(ReconcileSettings)  # type: ignore[misc]
    reconcile = deps.reconcile()
    before = meter.usage.copy()
    began = time.perf_counter()
    report = reconcile(None, deps.shards(name), shard_size)
    wall = time.perf_counter() - began
    used = meter.usage.since(before)
    shard_ms = [d * 1000 for n, ds in used.durations.items() if n.endswith("reconcile") for d in ds]
    if report.shards != len(shard_ms) or not shard_ms:
        raise RuntimeError(f"{report.shards} shards started, {len(shard_ms)} ran")
    return {
        "open_tickets": len(desk.tickets.open_ids(CHECKED_STAGES)),
        "shard_size": shard_size,
        "shards": report.shards,
        "round_ms": round(wall * 1000 - sum(shard_ms), 1),  # listing and starting the shards
        "ms_per_shard": round(statistics.median(shard_ms), 1),
    }


def shard_plan(cost: dict[str, Any], sharded: dict[str, Any]) -> dict[str, Any]:
    """What 100,000 open tickets take on AWS: shards of SHARD_SIZE, run at once; the round's
    own part (listing the open tickets, starting the shards) grows with the open tickets."""
    per_ticket = cost["ms_per_open_ticket_per_round"]
    fixed = cost["fixed_ms_per_round"]
    small, large = cost["listing"]
    listing_per_ticket = max(large["ms"] - small["ms"], 0.0) / (large["open"] - small["open"])
    listed = large["ms"] if large["open"] == sharded["open_tickets"] else small["ms"]
    start_per_shard = max(sharded["round_ms"] - listed, 0.0) / sharded["shards"]
    shard_ms = fixed + per_ticket * SHARD_SIZE
    plan: dict[str, Any] = {
        "shard_size": SHARD_SIZE,
        "ms_per_shard": round(shard_ms),
        "listing_ms_per_open_ticket": round(listing_per_ticket, 3),
        "ms_to_start_a_shard": round(start_per_shard, 1),
    }
    for open_tickets in (10_000, 100_000):
        shards = math.ceil(open_tickets / SHARD_SIZE)
        round_ms = fixed + listing_per_ticket * open_tickets + start_per_shard * shards
        requests = ROUNDS_PER_DAY * (1 + shards)
        seconds = ROUNDS_PER_DAY * (round_ms + shards * shard_ms) / 1000
        day = (
            requests * PRICES["lambda_per_request"]
            + seconds * MEMORY_GB * PRICES["lambda_per_gb_second_arm64"]
        )
        day += (
            ROUNDS_PER_DAY
            * open_tickets
            * (
                cost["rru_per_open_ticket_per_round"] * PRICES["dynamodb_per_rru"]
                + cost["wru_per_open_ticket_per_round"] * PRICES["dynamodb_per_wru"]
            )
        )
        plan[f"{open_tickets}_open"] = {
            "shards": shards,
            "round_s": round(round_ms / 1000, 1),  # the round: listing, starting the shards
            "within_s": round((round_ms + shard_ms) / 1000, 1),  # shards run at once
            "per_1000_open_tickets_per_day_usd": round(day / open_tickets * 1000, 4),
        }
    return plan


def reconcile_cost(small: dict[str, Any], large: dict[str, Any]) -> dict[str, Any]:
    """A round = fixed + per ticket (from two sizes); per 1,000 open tickets per day."""
    extra = large["open_tickets"] - small["open_tickets"]

    def split(key: str) -> tuple[float, float]:
        per = (large[key] - small[key]) / extra
        return max(small[key] - per * small["open_tickets"], 0.0), per

    fixed_ms, per_ticket_ms = split("ms_per_round")
    fixed_wru, per_ticket_wru = split("wru_per_round")
    fixed_rru, per_ticket_rru = split("rru_per_round")
    calls_per_ticket = {
        op: round(
            (large["calls_per_round"].get(op, 0) - small["calls_per_round"].get(op, 0)) / extra, 2
        )
        for op in large["calls_per_round"]
    }
    tickets = 1000
    round_ms = fixed_ms + per_ticket_ms * tickets
    p = PRICES
    day = {
        "invocations": ROUNDS_PER_DAY,
        "round_ms_at_1000_open": round(round_ms),
        "lambda_requests": ROUNDS_PER_DAY * p["lambda_per_request"],
        "lambda_duration": ROUNDS_PER_DAY
        * round_ms
        / 1000
        * MEMORY_GB
        * p["lambda_per_gb_second_arm64"],
        "dynamodb": ROUNDS_PER_DAY
        * (
            (fixed_wru + per_ticket_wru * tickets) * p["dynamodb_per_wru"]
            + (fixed_rru + per_ticket_rru * tickets) * p["dynamodb_per_rru"]
        ),
    }
    day["total"] = day["lambda_requests"] + day["lambda_duration"] + day["dynamodb"]
    return {
        "listing": [
            {"open": small["open_tickets"], "ms": small["listing_ms"]},
            {"open": large["open_tickets"], "ms": large["listing_ms"]},
        ],
        "fixed_ms_per_round": round(fixed_ms, 1),
        "ms_per_open_ticket_per_round": round(per_ticket_ms, 2),
        "rru_per_open_ticket_per_round": round(per_ticket_rru, 2),
        "wru_per_open_ticket_per_round": round(per_ticket_wru, 2),
        "calls_per_open_ticket_per_round": calls_per_ticket,
        "per_1000_open_tickets_per_day_usd": {
            k: round(v, 4) if isinstance(v, float) else v for k, v in day.items()
        },
        "per_open_ticket_per_day_usd": round(day["total"] / tickets, 7),
    }


# ----- the report ------------------------------------------------------------------------------


def main() -> int:
    os.environ.pop("OUTBOX_DIR", None)  # mail goes through SES (moto), where it is counted
    os.environ["POWERTOOLS_LOG_LEVEL"] = "ERROR"  # the flood's withheld confirmations warn
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    began = time.perf_counter()
    summary: dict[str, Any] = {
        "provenance": provenance(),
        "assumptions": ASSUMPTIONS,
        "prices_usd": PRICES,
        "lifecycles": {},
    }
    print("Ticket lifecycles on the embedded AWS (moto, the real state machine)", flush=True)
    with desk() as (d, meter):
        measure(d, meter, LIFECYCLES[-1])  # warm-up: every function built, its clients made
        for lifecycle in LIFECYCLES:
            summary["lifecycles"][lifecycle.name] = measure(d, meter, lifecycle)
        print(f"  lifecycles done ({time.perf_counter() - began:.0f} s)", flush=True)
        d.clock.now = next_monday_morning(d.clock.now)
        small = reconcile_rounds(d, meter, RECONCILE_SMALL)
        large = reconcile_rounds(d, meter, RECONCILE_LARGE - RECONCILE_SMALL)
        sharded = reconcile_sharded(d, meter, RECONCILE_LARGE // 3)
    cost = reconcile_cost(small, large)
    summary["reconcile"] = {
        "measured": [small, large],
        **cost,
        "sharded": sharded,
        "plan": shard_plan(cost, sharded),
    }
    summary["seconds"] = round(time.perf_counter() - began, 1)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2) + "\n")
    print_summary(summary)
    return 0


def print_summary(s: dict[str, Any]) -> None:
    rows = s["lifecycles"]
    print()
    for name, row in rows.items():
        print(f"  {name}: {row['steps']}")
    print()
    header = f"  {'per ticket':<30}" + "".join(f"{n.split('_')[0]:>12}" for n in rows)
    print(header)
    for label, key in (
        ("state transitions", "state_transitions"),
        ("Lambda invocations", "lambda_invocations_total"),
        ("Lambda billed ms (measured)", "lambda_billed_ms"),
        ("API Gateway requests", "api_requests"),
        ("Scheduler invocations", "scheduler_invocations"),
        ("SES mails", "mails"),
        ("DynamoDB WRU (est.)", "dynamodb_wru"),
        ("DynamoDB RRU (est.)", "dynamodb_rru"),
    ):
        print(f"  {label:<30}" + "".join(f"{row[key]:>12}" for row in rows.values()))
    functions = sorted({f for row in rows.values() for f in row["lambda_invocations"]})
    for function in functions:
        label = f"  invocations {function.removeprefix('supportflow-')}"
        print(
            f"{label:<32}"
            + "".join(f"{row['lambda_invocations'].get(function, 0):>12}" for row in rows.values())
        )
    print()
    print(f"  {'USD per 1,000 tickets':<30}" + "".join(f"{n.split('_')[0]:>12}" for n in rows))
    for part in next(iter(rows.values()))["cost"]:
        print(f"  {part:<30}" + "".join(f"{row['cost'][part]:>12.4f}" for row in rows.values()))
    r = s["reconcile"]
    day = r["per_1000_open_tickets_per_day_usd"]
    print()
    print(
        f"  Reconciliation (every 5 min, {day['invocations']} rounds a day): "
        f"{r['fixed_ms_per_round']} ms per round + {r['ms_per_open_ticket_per_round']} ms, "
        f"{r['rru_per_open_ticket_per_round']} RRU and {r['wru_per_open_ticket_per_round']} WRU "
        "per open ticket"
    )
    calls = ", ".join(f"{op} {n:g}" for op, n in r["calls_per_open_ticket_per_round"].items() if n)
    print(f"    AWS calls per open ticket per round: {calls}")
    print(
        f"    per 1,000 open tickets per day: ${day['total']:.4f} (Lambda requests "
        f"${day['lambda_requests']:.4f}, duration ${day['lambda_duration']:.4f} at "
        f"{day['round_ms_at_1000_open']} ms a round, DynamoDB ${day['dynamodb']:.4f})"
    )
    sh, plan = r["sharded"], r["plan"]
    print(
        f"    in shards (measured, {sh['open_tickets']} open, {sh['shard_size']} a shard): "
        f"{sh['shards']} shards of {sh['ms_per_shard']} ms, "
        f"the round's own part {sh['round_ms']} ms; listing "
        f"{plan['listing_ms_per_open_ticket']} ms per open ticket, "
        f"{plan['ms_to_start_a_shard']} ms to start a shard"
    )
    for size in ("10000_open", "100000_open"):
        p = plan[size]
        print(
            f"    {size.split('_')[0]:>7} open tickets: {p['shards']} shards of "
            f"{plan['shard_size']}"
            f" (~{plan['ms_per_shard'] / 1000:.0f} s each, at once), done {p['within_s']} s into "
            f"the 300 s round; ${p['per_1000_open_tickets_per_day_usd']} per 1,000 open a day"
        )
    print()
    print(describe(s["provenance"]))
    print("Assumptions:")
    for line in s["assumptions"]:
        print(f"  - {line}")
    print(f"Results in {RESULTS} ({s['seconds']} s)")


if __name__ == "__main__":
    sys.exit(main())
