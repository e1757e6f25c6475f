"""The local stack's write-ahead journal: every write DynamoDB accepted, appended to a file
before the caller hears back, so a write acknowledged to a user survives a crash, and a write
costs the same whether the desk holds ten tickets or ten thousand.

At start the last snapshot is loaded and the journal replayed on top; a snapshot (compaction)
is taken at start, every so often and at a clean stop, and empties the journal. Schedules are
snapshotted too (and the reconciliation puts back any the journal cannot know of).
"""

from __future__ import annotations

import json
import os
import re
import threading
from pathlib import Path
from typing import Any

WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class Journal:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._file = path.open("a", encoding="utf-8")
        self.lines = 0

    def record(self, operation: str, body: bytes | str | None) -> None:
        """Append one accepted write (`dynamodb:TransactWriteItems` and its request body)."""
        service, _, name = operation.partition(":")
        if service != "dynamodb" or name not in WRITES or not body:
            return
        text = body.decode() if isinstance(body, bytes) else body
        line = json.dumps({"op": name, "params": json.loads(text)}, separators=(",", ":"))
        with self._lock:
            self._file.write(line + "\n")
            self._file.flush()
            os.fsync(self._file.fileno())
            self.lines += 1

    def replay(self, dynamodb: Any) -> int:
        """Apply the journal's writes, in order, to the table (before journaling starts)."""
        count = 0
        if not self.path.exists():
            return 0
        for line in self.path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:  # a line cut short by a crash: the write never returned
                break
            getattr(dynamodb, _snake(entry["op"]))(**entry["params"])
            count += 1
        return count

    def truncate(self) -> None:
        """Empty the journal (a snapshot holds everything it held)."""
        with self._lock:
            self._file.truncate(0)
            self._file.seek(0)
            self.lines = 0

    def close(self) -> None:
        with self._lock:
            self._file.close()
