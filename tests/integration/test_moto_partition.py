"""The local stack's moto reads a table Query from its one partition (local.serial.partitioned):
the answers are moto's own, page for page, in both directions, with conditions and limits."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from local.serial import partitioned
from moto import mock_aws


def _pages(client: Any, **query: Any) -> list[list[dict[str, Any]]]:
    pages, start = [], None
    while True:
        extra = {"ExclusiveStartKey": start} if start else {}
        answer = client.query(TableName="t", **query, **extra)
        pages.append(answer["Items"])
        start = answer.get("LastEvaluatedKey")
        if not start:
            return pages


@pytest.mark.parametrize(
    "query",
    [
        {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "A"}}},
        {
            "KeyConditionExpression": "pk = :p AND begins_with(sk, :s)",
            "ExpressionAttributeValues": {":p": {"S": "B"}, ":s": {"S": "EVENT#"}},
            "ScanIndexForward": False,
            "Limit": 3,
        },
        {
            "KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b",
            "ExpressionAttributeValues": {
                ":p": {"S": "B"},
                ":a": {"S": "E"},
                ":b": {"S": "EVENT#5"},
            },
            "FilterExpression": "n > :n",
            "ExpressionAttributeValues_extra": None,
        },
        {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "none"}}},
    ],
)
def test_a_partition_query_answers_as_moto_does(query: dict[str, Any]) -> None:
    query = {k: v for k, v in query.items() if not k.endswith("_extra")}
    if "FilterExpression" in query:
        query["ExpressionAttributeValues"] = {
            **query["ExpressionAttributeValues"],
            ":n": {"N": "2"},
        }
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-west-1")
        client.create_table(
            TableName="t",
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
        )
        for pk in ("A", "B", "C"):
            for n in range(8):
                item = {"pk": {"S": pk}, "sk": {"S": f"EVENT#{7 - n}"}, "n": {"N": str(n)}}
                client.put_item(TableName="t", Item=item)
        expected = _pages(client, **query)
        with partitioned():
            assert _pages(client, **query) == expected
