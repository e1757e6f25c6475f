"""Uploads through the intake function (issue 21): the place it hands out takes the file in
moto's bucket, the ticket names it and keeps a copy out of the expiring upload area; every AWS
call checked against the function's role in template.yaml."""

from __future__ import annotations

import json

import boto3
from local.stack import REGION

from tests.workflow.conftest import Desk

PNG = b"\x89PNG\r\n\x1a\n" + b"1" * 300


def _post(desk: Desk, path: str, body: object, **headers: str) -> tuple[int, dict]:
    answer = desk.request("IntakeFunction", "POST", path, path, body, **headers)
    return answer["statusCode"], json.loads(answer["body"] or "null")


def test_an_uploaded_screenshot_is_filed_with_the_ticket(desk: Desk) -> None:
    status, place = _post(
        desk, "/uploads", {"filename": "scherm.png", "content_type": "image/png", "size": len(PNG)}
    )
    assert status == 201, place
    bucket = desk.stack.env["MAIL_BUCKET"]
    s3 = boto3.client("s3", region_name=REGION)
    s3.put_object(Bucket=bucket, Key=place["key"], Body=PNG, ContentType="image/png")  # the post
    ticket = {
        "contact_email": "info@bakker.example",
        "subject": "Betaalknop",
        "description": "Zie bijlage.",
        "uploads": [place["key"]],
    }
    status, filed = _post(desk, "/tickets", ticket, **{"Idempotency-Key": "up-1"})
    assert status == 201, filed
    (kept,) = desk.tickets.get(filed["ticket_id"]).attachments
    assert "/attachments/filed/" in kept and kept.endswith("/scherm.png")
    refused, message = _post(
        desk,
        "/uploads",
        {"filename": "x.exe", "content_type": "application/x-msdownload", "size": 9},
    )
    assert refused == 422 and "not taken" in message["message"]
    stranger = desk.request(
        "IntakeFunction", "POST", "/uploads", "/uploads",
        {"filename": "a.png", "content_type": "image/png", "size": 9},
        Origin="https://elsewhere.example",
    )  # fmt: skip
    assert stranger["statusCode"] == 403
