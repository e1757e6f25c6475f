"""The whole desk in one process: moto in-process with the real state machine, the Lambda shim,
a simulated clock that can run accelerated, the timer pump, the outbox and persistence.

State lives in a data folder: the table's items, the pending schedules and the simulated time are
written there after every acknowledged change (and every second while workflows run), and read
back at start; every open ticket's workflow is started again and parks at the step the ticket is
at. The outbox is a folder of `.eml` files.
"""

from __future__ import annotations

import copy
import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws

from local.lambda_shim import FakeContext, installed
from local.serial import serialized
from local.stack import MOTO_CONFIG, REGION, LocalStack, provision
from local.stream_pump import StreamPump
from local.timer_pump import TimerPump
from supportflow.adapters.outbox import FileOutbox
from supportflow.domain.ticket import OPEN_STAGES, Stage

# Tickets whose workflow still runs (and is started again after a restart).
RUNNING_STAGES = {s.value for s in (*OPEN_STAGES, Stage.RESOLVED)}


class SimClock:
    """Simulated time: `speed` simulated seconds pass per real second, from `origin`."""

    def __init__(self, origin: datetime, speed: float) -> None:
        self.origin, self.speed = origin, speed
        self._real = time.monotonic()

    def __call__(self) -> datetime:
        return self.origin + timedelta(seconds=(time.monotonic() - self._real) * self.speed)

    def set(self, instant: datetime) -> None:
        self.origin, self._real = instant, time.monotonic()


@dataclass
class Runtime:
    data_dir: Path
    speed: float = 1.0
    start: datetime | None = None
    port: int = 8080
    agent_token: str = "local-agent-token"
    reconcile_every: float = 10.0  # real seconds between reconciliation rounds
    stack: LocalStack | None = None
    clock: SimClock | None = None
    outbox: FileOutbox | None = None
    pump: TimerPump | None = None
    effects: StreamPump | None = None
    _mock: Any = None
    _serial: Any = None
    _shim: Any = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)
    restored: int = 0

    @property
    def state_file(self) -> Path:
        return self.data_dir / "state.json"

    def up(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._mock = mock_aws(config=copy.deepcopy(MOTO_CONFIG))
        self._mock.start()
        self._serial = serialized()  # moto is not thread-safe: one request at a time
        self._serial.__enter__()
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
        self.stack = provision(
            token_secret=self._secret(),
            agent_token=self.agent_token,
            link_base=f"http://localhost:{self.port}",
        )
        os.environ.update(self.stack.env)
        os.environ["OUTBOX_DIR"] = str(self.data_dir / "outbox")
        saved = self._read_state()
        origin = self.start or datetime.now(UTC)
        if saved.get("now"):
            origin = datetime.fromisoformat(saved["now"])
            if self.speed == 1 and self.start is None:
                origin = max(origin, datetime.now(UTC))
        self.clock = SimClock(origin, self.speed)
        self.stack.inject(self.clock)
        self.outbox = FileOutbox(self.data_dir / "outbox")
        self._shim = installed(self.stack.registry)
        self._shim.__enter__()
        self.pump = TimerPump(
            boto3.client("scheduler", region_name=REGION),
            boto3.client("lambda", region_name=REGION),
            self.stack.schedule_group,
        )
        self.effects = self.stack.stream_pump()
        self.restored = self._restore(saved)
        for target in (self._pump_loop, self._effects_loop, self._reconcile_loop, self._save_loop):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)

    def down(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=2)
        self.save()
        sfn = boto3.client("stepfunctions", region_name=REGION)
        assert self.stack is not None
        for execution in sfn.list_executions(
            stateMachineArn=self.stack.state_machine_arn, statusFilter="RUNNING"
        )["executions"]:
            sfn.stop_execution(executionArn=execution["executionArn"])
        if self._shim is not None:
            self._shim.__exit__(None, None, None)
        if self._serial is not None:
            self._serial.__exit__(None, None, None)
        if self._mock is not None:
            self._mock.stop()

    # ----- calling the functions ----------------------------------------------------------

    def call(self, logical_id: str, event: dict[str, Any], save: bool = True) -> Any:
        assert self.stack is not None
        name = self.stack.function_arns[logical_id].rsplit(":", 1)[-1]
        result = self.stack.registry.handler(name)(event, FakeContext(function_name=name))
        if save:
            self.save()  # acknowledged to the user only once it is on disk
        return result

    # ----- timers ---------------------------------------------------------------------------

    def _pump_loop(self) -> None:
        while not self._stop.wait(0.2):
            self.fire_due()

    def _effects_loop(self) -> None:
        while not self._stop.wait(0.05):
            self.deliver_effects()

    def deliver_effects(self) -> int:
        assert self.effects is not None
        try:
            return self.effects.pump()
        except Exception:  # keep delivering: the next pass reads the stream again
            return 0

    def _reconcile_loop(self) -> None:
        while not self._stop.wait(self.reconcile_every):
            self.reconcile()

    def reconcile(self) -> dict[str, Any]:
        """One reconciliation round, as the scheduled function runs it on AWS."""
        try:
            result = self.call("ReconcileFunction", {"id": "local", "detail": {}}, save=False)
        except Exception as exc:  # the next round tries again
            return {"error": f"{type(exc).__name__}: {exc}"}
        return dict(result)

    def fire_due(self) -> int:
        assert self.pump is not None and self.clock is not None
        with self._lock:
            fired = self.pump.fire_due(self.clock())
        if fired:
            self.save()
        return len(fired)

    # ----- persistence ------------------------------------------------------------------------

    def _save_loop(self) -> None:
        while not self._stop.wait(1.0):
            self.save()

    def save(self) -> None:
        assert self.stack is not None and self.clock is not None and self.pump is not None
        with self._lock:
            dynamodb = boto3.client("dynamodb", region_name=REGION)
            items: list[dict[str, Any]] = []
            for page in dynamodb.get_paginator("scan").paginate(TableName=self.stack.table_name):
                items.extend(page["Items"])
            schedules = [
                {
                    k: s[k]
                    for k in ("Name", "ScheduleExpression", "ScheduleExpressionTimezone", "Target")
                    if k in s
                }
                for _, s in self.pump.pending()
            ]
            state = {"now": self.clock().isoformat(), "items": items, "schedules": schedules}
            temporary = self.state_file.with_suffix(".tmp")
            temporary.write_text(json.dumps(state, default=str))
            temporary.replace(self.state_file)

    def _read_state(self) -> dict[str, Any]:
        if not self.state_file.exists():
            return {}
        return dict(json.loads(self.state_file.read_text()))

    def _restore(self, saved: dict[str, Any]) -> int:
        assert self.stack is not None
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        open_tickets = []
        for item in saved.get("items", []):
            if item.get("sk", {}).get("S") == "TICKET":
                body = json.loads(item["body"]["S"])
                body["waiting"] = None  # the old executions are gone
                item["body"] = {"S": json.dumps(body, sort_keys=True)}
                if body["stage"] in RUNNING_STAGES and not body.get("failure"):
                    open_tickets.append(body["ticket_id"])
            dynamodb.put_item(TableName=self.stack.table_name, Item=item)
        scheduler = boto3.client("scheduler", region_name=REGION)
        for schedule in saved.get("schedules", []):
            scheduler.create_schedule(
                GroupName=self.stack.schedule_group,
                FlexibleTimeWindow={"Mode": "OFF"},
                ActionAfterCompletion="DELETE",
                **schedule,
            )
        sfn = boto3.client("stepfunctions", region_name=REGION)
        for ticket_id in open_tickets:  # triage sees the stage and routes straight to it
            sfn.start_execution(
                stateMachineArn=self.stack.state_machine_arn,
                name=ticket_id,
                input=json.dumps({"ticket_id": ticket_id}),
            )
        return len(open_tickets)

    def _secret(self) -> str:
        path = self.data_dir / "token-secret"
        if not path.exists():
            path.write_text(os.urandom(16).hex())
        return path.read_text().strip()

    def wait_until(self, what: Callable[[], bool], timeout: float = 10) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if what():
                return True
            time.sleep(0.05)
        return False
