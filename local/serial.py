"""moto, one request at a time.

moto's backends are not thread-safe: a DynamoDB transaction is applied item by item and rolled
back by restoring a copy of the whole table taken when it began, so two transactions in two
threads can undo each other's acknowledged writes. The local stack is threaded (the HTTP server,
the timer pump, the workflows moto runs in threads), so every request moto handles goes through
one lock here. A handler the workflow invokes inside a moto request runs with the lock given up
(local/lambda_shim.py) and takes it again for each AWS call it makes. It patches one moto
internal, in one place; the moto canary test pins it. Every request also passes the fault
injector (local/faults.py) here.
"""

from __future__ import annotations

import copy
import threading
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import moto.dynamodb.models as dynamodb_models
from moto.core.botocore_stubber import BotocoreStubber
from moto.dynamodb.models.table import Table
from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
from moto.stepfunctions.parser.asl.parse.preprocessor import Preprocessor

from local.faults import FAULTS, operation
from local.journal import Journal


class MotoLock:
    """A fair (first come, first served), re-entrant lock that knows how deeply the current
    thread holds it. Fair, because the background loops take it many times a second and a plain
    lock would let them starve a request; depth, so a handler that moto invokes inside one of its
    requests can run with the lock given up (`released`): its own AWS calls take it again one by
    one, and other threads get their turn meanwhile.

    A person waiting (a page, an API call, a mail being handed over: `urgent()`) goes before
    the background's waiters: after a long stop the timers and workflows catch up with dozens
    of queued calls, and a request that queued behind each of them for each of its own calls
    would take seconds. The background still gets every turn a person leaves."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._queue: deque[int] = deque()
        self._urgent: deque[int] = deque()
        self._owner: int | None = None
        self._depth = 0
        self._local = threading.local()

    @contextmanager
    def urgent(self) -> Iterator[None]:
        """Within this context the current thread's calls wait in the person's lane."""
        before = getattr(self._local, "urgent", False)
        self._local.urgent = True
        try:
            yield
        finally:
            self._local.urgent = before

    def acquire(self, depth: int = 1) -> None:
        me = threading.get_ident()
        with self._cond:
            if self._owner == me:
                self._depth += depth
                return
            lane = self._urgent if getattr(self._local, "urgent", False) else self._queue
            lane.append(me)
            while self._owner is not None or self._next() != me:
                self._cond.wait()
            lane.popleft()
            self._owner, self._depth = me, depth

    def _next(self) -> int:
        return self._urgent[0] if self._urgent else self._queue[0]

    def release(self, depth: int = 1) -> None:
        with self._cond:
            self._depth -= depth
            if self._depth == 0:
                self._owner = None
                self._cond.notify_all()

    def __enter__(self) -> MotoLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def held(self) -> bool:
        return self._owner == threading.get_ident()

    @contextmanager
    def released(self) -> Iterator[None]:
        depth = self._depth if self.held() else 0
        if depth:
            self.release(depth)
        try:
            yield
        finally:
            if depth:
                self.acquire(depth)


LOCK = MotoLock()
JOURNALS: list[Journal] = []  # the local stack's write-ahead journal, when one is open


class _TransactionBackup:
    """moto backs up a whole table (deepcopy) before every TransactWriteItems, so a transaction
    costs more the larger the table. Under LOCK nothing runs in between, so the rollback only
    needs the item map as it was: a copy of its two dict levels (items are replaced by a Put and
    removed by a Delete, never changed in place inside a transaction), not of every item."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    def deepcopy(self, value: Any, memo: Any = None) -> Any:
        if not isinstance(value, Table):
            return copy.deepcopy(value, memo)
        backup = copy.copy(value)
        backup.items = defaultdict(
            dict, {h: dict(r) if isinstance(r, dict) else r for h, r in value.items.items()}
        )
        if value.stream_shard is not None:  # a rolled-back write must leave no stream record
            backup.stream_shard = copy.copy(value.stream_shard)
            backup.stream_shard.items = list(value.stream_shard.items)
        return backup


_PARSED: dict[str, Any] = {}  # state machine definition -> its ANTLR parse tree


def _parse_once(original: Any) -> Any:
    """moto parses a state machine's definition with ANTLR for every execution it starts
    (0.2 s of CPU each: seconds when a restart starts a hundred workflows). The parse tree of a
    definition is kept; the evaluation components are still built fresh for each execution
    (Preprocessor), so no execution shares state with another."""

    def parse(definition: str) -> tuple[Any, Any]:
        tree = _PARSED.get(definition)
        if tree is None:
            program, tree = original(definition)
            if len(_PARSED) < 32:
                _PARSED[definition] = tree
            return program, tree
        return Preprocessor().visit(tree), tree

    return staticmethod(parse)


def partition_queries(original: Callable[..., Any]) -> Callable[..., Any]:
    """A Query of the table reads its one partition, as DynamoDB does. moto's Table.query looks
    at every item of the table, sorted, for each Query: every read of a ticket's events grew
    with the whole table. Only while requests are serialized (the candidates are set on the
    table for the one request that runs); index queries and scans are moto's own."""

    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        if index_name is not None or hash_key is None or not self.range_key_attr:
            return original(self, hash_key, *args, **kwargs)
        bucket = self.items.get(hash_key) or {}
        candidates = sorted(bucket.values(), key=lambda item: item.range_key)
        self.all_items = lambda: candidates
        try:
            return original(self, hash_key, *args, **kwargs)
        finally:
            del self.all_items

    return query


@contextmanager
def partitioned() -> Iterator[None]:
    """moto's table Query on one partition (see partition_queries), for this context."""
    original = Table.query
    Table.query = partition_queries(original)  # type: ignore[method-assign]
    try:
        yield
    finally:
        Table.query = original  # type: ignore[method-assign]


@contextmanager
def serialized() -> Iterator[MotoLock]:
    """Within this context every request moto handles holds LOCK (and moto's transaction
    backup is cheap: see _TransactionBackup; a definition is parsed once: _parse_once; a
    table Query reads one partition: partition_queries)."""
    original = BotocoreStubber.process_request
    dynamodb_models.copy = _TransactionBackup()  # type: ignore[assignment]
    original_parse = AmazonStateLanguageParser.parse
    AmazonStateLanguageParser.parse = _parse_once(original_parse)  # type: ignore[method-assign]

    def process_request(self: BotocoreStubber, request: Any) -> Any:
        with LOCK:
            injected = FAULTS.check(request)
            if injected is not None:
                return injected
            response = original(self, request)
            if JOURNALS and response is not None and response[0] == 200:
                JOURNALS[0].record(operation(request), request.body)
            return response

    BotocoreStubber.process_request = process_request  # type: ignore[method-assign]
    try:
        with partitioned():
            yield LOCK
    finally:
        BotocoreStubber.process_request = original  # type: ignore[method-assign]
        dynamodb_models.copy = copy
        AmazonStateLanguageParser.parse = staticmethod(original_parse)  # type: ignore[method-assign]
