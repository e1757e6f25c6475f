"""Feeds the table's DynamoDB stream to the dispatch function, as Lambda's event source mapping
does on AWS (moto keeps the stream but never delivers it).

It reads each shard from where it left off, keeps the records the mapping's filter in
template.yaml keeps (new outbox entries), invokes the function with a batch, and honours
ReportBatchItemFailures: the first failed record and everything after it are read again on the
next pass, so a ticket's effects keep their order and nothing is skipped.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

BATCH = 25  # the event source mapping's BatchSize in template.yaml


def wanted(record: dict[str, Any]) -> bool:
    """The event source mapping's filter: INSERTs of outbox entries."""
    keys = record.get("dynamodb", {}).get("Keys", {})
    return record.get("eventName") == "INSERT" and keys.get("sk", {}).get("S", "").startswith(
        "OUTBOX#"
    )


def new_events(record: dict[str, Any]) -> bool:
    """KeepVerdicts' filter: INSERTs of a ticket's events."""
    keys = record.get("dynamodb", {}).get("Keys", {})
    return record.get("eventName") == "INSERT" and keys.get("sk", {}).get("S", "").startswith(
        "EVENT#"
    )


@dataclass
class StreamPump:
    streams: Any  # a dynamodbstreams client
    lambda_client: Any
    stream_arn: str
    function: str
    keeps: Callable[[dict[str, Any]], bool] = wanted  # the mapping's filter
    _next: dict[str, str] = field(default_factory=dict)  # shard -> sequence number to read from
    errors: int = 0

    def skip(self) -> int:
        """Pass over what the stream holds without delivering it (what a restore wrote)."""
        skipped = 0
        shards = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]
        for shard in shards.get("Shards", []):
            while records := self._read(shard["ShardId"], 1000):
                skipped += len(records)
                last = int(records[-1]["dynamodb"]["SequenceNumber"])
                self._next[shard["ShardId"]] = str(last + 1)
        return skipped

    def _read(self, shard_id: str, limit: int) -> list[dict[str, Any]]:
        """Up to `limit` records of a shard from where this pump left off."""
        position = self._next.get(shard_id)
        where: dict[str, Any] = (
            {"ShardIteratorType": "AT_SEQUENCE_NUMBER", "SequenceNumber": position}
            if position
            else {"ShardIteratorType": "TRIM_HORIZON"}
        )
        iterator = self.streams.get_shard_iterator(
            StreamArn=self.stream_arn, ShardId=shard_id, **where
        )["ShardIterator"]
        return list(self.streams.get_records(ShardIterator=iterator, Limit=limit)["Records"])

    def pump(self) -> int:
        """One pass over every shard; returns how many records it moved past (delivered, or not
        for this function): 0 when the stream had nothing new."""
        delivered = 0
        shards = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]
        for shard in shards.get("Shards", []):
            delivered += self._shard(shard["ShardId"])
        return delivered

    def _shard(self, shard_id: str) -> int:
        records = self._read(shard_id, BATCH)
        if not records:
            return 0
        batch = [r for r in records if self.keeps(r)]
        failed = self._invoke(batch) if batch else None
        if failed is None:
            self._next[shard_id] = str(int(records[-1]["dynamodb"]["SequenceNumber"]) + 1)
            return len(records)
        self._next[shard_id] = failed
        return sum(1 for r in records if int(r["dynamodb"]["SequenceNumber"]) < int(failed))

    def _invoke(self, batch: list[dict[str, Any]]) -> str | None:
        """Deliver a batch; the sequence number to read again from, or None if all went."""
        result = self.lambda_client.invoke(
            FunctionName=self.function, Payload=json.dumps({"Records": batch}, default=str)
        )
        payload = json.loads(result["Payload"].read() or b"null")
        if result.get("FunctionError"):  # the whole batch is retried, as Lambda would
            self.errors += 1
            return str(batch[0]["dynamodb"]["SequenceNumber"])
        failures = (payload or {}).get("batchItemFailures") or []
        if not failures:
            return None
        self.errors += 1
        return str(min(int(f["itemIdentifier"]) for f in failures))
