"""The whole desk in one process: moto in-process with the real state machine, the Lambda shim,
a simulated clock that can run accelerated, the timer pump, the outbox and persistence.

State lives in a data folder: every write DynamoDB accepts is appended to a journal before its
caller hears back (local/journal.py), a snapshot of the table and the pending schedules is taken
every 30 s and at a clean stop, and the simulated time is written every second. At start the
snapshot is loaded and the journal replayed; every open ticket's workflow is started again and
parks at the step the ticket is at. Every background loop (timer pump, dispatcher,
reconciliation, persistence) survives its own errors and reports its health to the pages. The
outbox is a folder of `.eml` files.
"""

from __future__ import annotations

import copy
import json
import logging
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

from local.journal import Journal
from local.lambda_shim import FakeContext, installed
from local.mail_server import DeskMailbox
from local.mail_server import start as start_mailbox
from local.serial import JOURNALS, LOCK, serialized
from local.sign_in import ManagedLogin
from local.stack import ACCOUNT, MOTO_CONFIG, REGION, STACK, LocalStack, provision
from local.stream_pump import StreamPump
from local.timer_pump import TimerPump
from supportflow.adapters.dynamodb.contracts import DynamoContracts
from supportflow.adapters.dynamodb.models import open_connections
from supportflow.adapters.dynamodb.tickets import DynamoTickets
from supportflow.adapters.file_outbox import FileOutbox
from supportflow.domain.ticket.routing import OPEN_STAGES, Stage
from supportflow.services.admin.contracts import ContractBook

log = logging.getLogger(__name__)
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


class Stopping(RuntimeError):
    """The local stack is shutting down (the server answers 503)."""


@dataclass
class Runtime:
    data_dir: Path
    speed: float = 1.0
    start: datetime | None = None
    port: int = 8080
    agent_token: str = "local-agent-token"
    reconcile_every: float = 10.0  # real seconds between reconciliation rounds
    retention_every: float = 600.0  # real seconds between retention runs (nightly on AWS)
    smtp_port: int = 2525  # the desk's mailbox (0: none)
    timer_loop: bool = True  # False: the caller fires the timers (supportflow simulate)
    stack: LocalStack | None = None
    clock: SimClock | None = None
    contracts: ContractBook | None = None
    outbox: FileOutbox | None = None
    pump: TimerPump | None = None
    effects: StreamPump | None = None
    verdicts: StreamPump | None = None
    _mock: Any = None
    _serial: Any = None
    _shim: Any = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _closing: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _journal: Journal | None = None
    _snapshot_at: float = 0.0
    restored: int = 0
    health: dict[str, dict[str, Any]] = field(default_factory=dict)  # shown on the pages
    _function_locks: dict[str, threading.Lock] = field(default_factory=dict)
    mailbox: DeskMailbox | None = None
    sign_in: ManagedLogin | None = None  # the agents' sign-in pages (Cognito's, locally)
    _iam: Any = None  # the roles enforced (SUPPORTFLOW_IAM=enforce)
    _smtp: Any = None

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
            site=True,
        )
        os.environ.pop("TOKEN_SECRET", None)  # the handlers read it from SSM, as on AWS
        if os.environ.get("SUPPORTFLOW_IAM") == "enforce":
            self._enforce_roles()
        assert self.stack.sign_in is not None
        self.sign_in = ManagedLogin(
            self.stack.sign_in, boto3.client("cognito-idp", region_name=REGION)
        )
        os.environ.update(self.stack.env)
        os.environ["OUTBOX_DIR"] = str(self.data_dir / "outbox")
        saved = self._read_state()
        self.clock = SimClock(self._origin(saved), self.speed)
        self.stack.inject(self.clock)
        self.contracts = ContractBook(DynamoContracts(), self.clock)
        self.outbox = FileOutbox(self.data_dir / "outbox")
        self._shim = installed(self.stack.registry)
        self._shim.__enter__()
        self.pump = self.stack.timer_pump()
        self.effects = self.stack.stream_pump()
        self.verdicts = self.stack.verdict_pump()
        self.stack.registry.preload()  # before the workflows start: see HandlerRegistry.preload
        open_connections()  # one client per model, not one per thread that races to make it
        with LOCK.urgent():  # the workflows it starts must not hold up its own next calls
            self.restored = self._restore(saved)
        loops = (
            self._effects_loop,
            self._verdicts_loop,
            self._reconcile_loop,
            self._retention_loop,
            self._save_loop,
        )
        for target in (self._pump_loop, *loops) if self.timer_loop else loops:
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)
        if self.smtp_port:
            self._open_mailbox()

    def _open_mailbox(self) -> None:
        """SMTP on localhost: mail to any address at the desk's domains becomes what SES would
        make of it (local/mail_server.py)."""
        assert self.stack is not None
        domains = {self.stack.env["DESK_DOMAIN"], *self.contracts.directory().desk_domains()}
        self.mailbox = DeskMailbox(
            domains,
            self.stack.env["MAIL_BUCKET"],
            lambda event: self.call("ReceiveMailFunction", event),
            REGION,
        )
        try:
            self._smtp = start_mailbox(self.mailbox, self.smtp_port)
        except (OSError, RuntimeError, TimeoutError) as exc:  # the port is taken: say so
            self.mailbox = None
            reason = f"SMTP_PORT {self.smtp_port} could not be opened ({exc}); set another"
            self.health["mailbox"] = {"ok": False, "runs": 0, "errors": 1, "last_error": reason}
            log.warning(reason)

    def _origin(self, saved: dict[str, Any]) -> datetime:
        """Where the simulated clock starts: SIM_START when given (also over saved state), else
        where it stopped (never behind real time at speed 1), else now."""
        if self.start is not None:
            return self.start
        if saved.get("now"):
            origin = datetime.fromisoformat(saved["now"])
            return max(origin, datetime.now(UTC)) if self.speed == 1 else origin
        return datetime.now(UTC)

    def down(self) -> None:
        """Stop so that nothing written after the last snapshot is lost: no new requests, no
        more workflow steps, the loops finished, then the snapshot. Its own calls go before the
        workflows' (a person is waiting for the stop)."""
        with LOCK.urgent():
            self._down()

    def _down(self) -> None:
        if self._smtp is not None:  # no new mail (senders retry later), the current one done
            self._smtp.stop()
        self._closing.set()
        assert self.stack is not None
        self.stack.registry.closed = True  # workflow steps still running in moto's threads fail
        for lock in list(self._function_locks.values()):  # requests in flight finish first
            lock.acquire(timeout=60)
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)
        self.snapshot()
        if self._journal is not None:
            JOURNALS.clear()
            self._journal.close()
        sfn = boto3.client("stepfunctions", region_name=REGION)
        assert self.stack is not None
        for execution in sfn.list_executions(
            stateMachineArn=self.stack.state_machine_arn, statusFilter="RUNNING"
        )["executions"]:
            sfn.stop_execution(executionArn=execution["executionArn"])
        if self._shim is not None:
            self._shim.__exit__(None, None, None)
        if self._iam is not None:
            self._iam.__exit__(None, None, None)
        if self._serial is not None:
            self._serial.__exit__(None, None, None)
        if self._mock is not None:
            self._mock.stop()

    # ----- calling the functions ----------------------------------------------------------

    def call(self, logical_id: str, event: dict[str, Any]) -> Any:
        """Run a function's handler, one request per function at a time (a Powertools router
        keeps the current request on itself); each AWS call it makes takes the moto lock. Its
        writes are in the journal, on disk, before this returns."""
        assert self.stack is not None
        name = self.stack.function_arns[logical_id].rsplit(":", 1)[-1]
        with self._function_locks.setdefault(logical_id, threading.Lock()):
            if self._closing.is_set():
                raise Stopping("the desk is stopping; try again when it is back")
            context = FakeContext(
                function_name=name,
                remaining=lambda: 0 if self._closing.is_set() else 300_000,
            )  # a long round (reconciliation) stops between tickets when the stack stops
            return self.stack.registry.handler(name)(event, context)

    # ----- the background work: each loop keeps going whatever happens ---------------------

    def _loop(self, name: str, every: float, work: Callable[[], Any]) -> None:
        health = self.health.setdefault(name, {"runs": 0, "errors": 0, "last_error": None})
        while not self._stop.wait(every):
            try:
                work()  # each AWS call (and a handler it invokes) takes the moto lock itself
                health["runs"] += 1
                health["ok"] = True
                health["last_run"] = datetime.now(UTC).isoformat(timespec="seconds")
            except Exception as exc:  # logged, shown on the pages, tried again next round
                health["errors"] += 1
                health["ok"] = False
                health["last_error"] = f"{type(exc).__name__}: {exc}"[:300]
                log.warning("%s failed: %s", name, health["last_error"])

    def _pump_loop(self) -> None:
        self._loop("timer pump", 0.2, self.fire_due)

    def _effects_loop(self) -> None:
        self._loop("dispatcher", 0.05, self.deliver_effects)

    def _verdicts_loop(self) -> None:
        self._loop("SLA review", 0.5, self.keep_verdicts)

    def keep_verdicts(self) -> int:
        assert self.verdicts is not None
        return self.verdicts.pump()

    def _reconcile_loop(self) -> None:
        self._loop("reconciliation", self.reconcile_every, self.reconcile)

    def _retention_loop(self) -> None:
        self._loop("retention", self.retention_every, self.retention)

    def retention(self) -> dict[str, Any]:
        """The nightly retention run (privacy), as its schedule runs it on AWS."""
        run = dict(self.call("PrivacyFunction", {"source": "aws.scheduler", "detail": {}}))
        if run.get("erased"):
            self.forget_erased()
        return run

    def _save_loop(self) -> None:
        self._loop("persistence", 1.0, self._checkpoint)

    def deliver_effects(self) -> int:
        """Deliver the outbox from the table's stream. A pass that leaves an entry undelivered
        (an AWS call refused it: the dispatcher tries again) shows on every page as the outbox
        failing, until a pass delivers again (on AWS: the EffectsFailed alarm)."""
        assert self.effects is not None
        before = self.effects.errors
        moved = self.effects.pump()
        outbox = self.health.setdefault("outbox", {"runs": 0, "errors": 0, "last_error": None})
        outbox["runs"] += 1
        if self.effects.errors > before:
            outbox["errors"] += self.effects.errors - before
            outbox["ok"] = False
            outbox["last_error"] = (
                "effects not delivered: an AWS call was refused (retried; the log says which)"
            )
        elif moved:
            outbox["ok"] = True
        return moved

    def reconcile(self) -> dict[str, Any]:
        """One reconciliation round, as the scheduled function runs it on AWS."""
        return dict(self.call("ReconcileFunction", {"id": "local", "detail": {}}))

    def outbox_pending(self) -> bool:
        """Whether any effect written so far is still to be delivered."""
        return bool(DynamoTickets(clock=self.clock).stale(datetime(9999, 1, 1, tzinfo=UTC), 1))

    def fire_due(self) -> int:
        assert self.pump is not None and self.clock is not None
        return len(self.pump.fire_due(self.clock()))

    # ----- persistence: a snapshot plus the write-ahead journal -------------------------------

    def _checkpoint(self) -> None:
        """Every second: the simulated time; every 30 s (if anything was written): a snapshot."""
        assert self.clock is not None
        (self.data_dir / "clock.json").write_text(json.dumps({"now": self.clock().isoformat()}))
        journal = self._journal
        if journal is not None and journal.lines and time.monotonic() - self._snapshot_at > 30:
            self.snapshot()

    def forget_erased(self) -> None:
        """After an erasure (privacy): the table's snapshot taken now, so the write-ahead
        journal, which holds every write as it was made, keeps nothing of what was erased."""
        if self._journal is not None:
            self.snapshot()

    def snapshot(self) -> None:
        """The whole table and the pending schedules in state.json; the journal emptied."""
        assert self.stack is not None and self.clock is not None and self.pump is not None
        with LOCK:
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
            if self._journal is not None:
                self._journal.truncate()
            self._snapshot_at = time.monotonic()

    def _read_state(self) -> dict[str, Any]:
        state: dict[str, Any] = {}
        if self.state_file.exists():
            state = dict(json.loads(self.state_file.read_text()))
        clock = self.data_dir / "clock.json"
        if clock.exists():  # newer than the snapshot's time
            state["now"] = json.loads(clock.read_text())["now"]
        return state

    def _restore(self, saved: dict[str, Any]) -> int:
        """Load the snapshot, replay the journal on top, take a fresh snapshot, start journaling,
        and start every open ticket's workflow again (triage routes it to its stage)."""
        assert self.stack is not None
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        for item in saved.get("items", []):
            dynamodb.put_item(TableName=self.stack.table_name, Item=item)
        scheduler = boto3.client("scheduler", region_name=REGION)
        for schedule in saved.get("schedules", []):
            scheduler.create_schedule(
                GroupName=self.stack.schedule_group,
                FlexibleTimeWindow={"Mode": "OFF"},
                ActionAfterCompletion="DELETE",
                **schedule,
            )
        journal = Journal(self.data_dir / "journal.jsonl")
        journal.replay(dynamodb)
        self._journal = journal
        running = self._forget_old_executions(dynamodb)
        if self.verdicts is not None:  # the restored verdicts are the saved ones: no recount
            self.verdicts.skip()
        self.snapshot()
        JOURNALS[:] = [journal]
        sfn = boto3.client("stepfunctions", region_name=REGION)
        # Holding the lock, the executions started wait at their first call instead of running
        # beside the next start: a hundred busy threads would make each start (a new thread)
        # wait its turn for the interpreter, and the stack would come up in minutes.
        with LOCK:
            for ticket_id, execution in running:
                sfn.start_execution(
                    stateMachineArn=self.stack.state_machine_arn,
                    name=execution,
                    input=json.dumps({"ticket_id": ticket_id}),
                )
        return len(running)

    def _forget_old_executions(self, dynamodb: Any) -> list[tuple[str, str]]:
        """The executions of the last run are gone: no ticket waits for them. Returns the open
        tickets and their executions' names."""
        assert self.stack is not None
        running = []
        pages = dynamodb.get_paginator("scan").paginate(
            TableName=self.stack.table_name,
            FilterExpression="sk = :t",
            ExpressionAttributeValues={":t": {"S": "TICKET"}},
        )
        for page in pages:
            for item in page["Items"]:
                body = json.loads(item["body"]["S"])
                if body.get("waiting"):
                    body["waiting"] = None
                    item["body"] = {"S": json.dumps(body, sort_keys=True)}
                    dynamodb.put_item(TableName=self.stack.table_name, Item=item)
                if body["stage"] in RUNNING_STAGES and not body.get("failure"):
                    runs = int(body.get("runs", 1))
                    name = body["ticket_id"] if runs == 1 else f"{body['ticket_id']}.{runs}"
                    running.append((body["ticket_id"], name))
        return running

    def _enforce_roles(self) -> None:
        """SUPPORTFLOW_IAM=enforce (the tests): a call a function's role in template.yaml would
        not allow is refused as AWS refuses it, and listed in least-privilege-refusals.jsonl."""
        from local.aws_calls import Enforcer, recording
        from local.iam_policies import RoleCheck

        assert self.stack is not None
        check = RoleCheck(self.stack, REGION, ACCOUNT, STACK)
        self._iam = recording(Enforcer(check, self.data_dir / "least-privilege-refusals.jsonl"))
        self._iam.__enter__()

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
