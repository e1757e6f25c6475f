"""moto, one request at a time.

moto's backends are not thread-safe: a DynamoDB transaction is applied item by item and rolled
back by restoring a copy of the whole table taken when it began, so two transactions in two
threads can undo each other's acknowledged writes. The local stack is threaded (the HTTP server,
the timer pump, the workflows moto runs in threads), so every request moto handles goes through
one re-entrant lock here: a handler the workflow invokes inside a moto request may call moto
again from the same thread. It patches one moto internal, in one place; the moto canary test
pins it. Every request also passes the fault injector (local/faults.py) here.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from moto.core.botocore_stubber import BotocoreStubber

from local.faults import FAULTS, operation
from local.journal import Journal

LOCK = threading.RLock()
JOURNALS: list[Journal] = []  # the local stack's write-ahead journal, when one is open


@contextmanager
def serialized() -> Iterator[threading.RLock]:
    """Within this context every request moto handles holds LOCK."""
    original = BotocoreStubber.process_request

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
        yield LOCK
    finally:
        BotocoreStubber.process_request = original  # type: ignore[method-assign]
