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

    # A file with the customer's reply on the status page: checked, kept, on the ticket too.
    status, again = _post(
        desk, "/uploads", {"filename": "log.txt", "content_type": "text/plain", "size": 5}
    )
    s3.put_object(Bucket=bucket, Key=again["key"], Body=b"hello", ContentType="text/plain")
    desk.parked_at(filed["ticket_id"], "first_line")
    reply = {"message": "Het logbestand erbij.", "uploads": [again["key"]]}
    answer = desk.customer(filed["ticket_id"], "reply", filed["customer_token"], reply)
    assert answer["statusCode"] == 200, answer
    ticket = desk.tickets.get(filed["ticket_id"])
    assert [a.rsplit("/", 1)[-1] for a in ticket.attachments] == ["scherm.png", "log.txt"]
    assert ticket.events[-1].data["attachments"][0].endswith("/log.txt")
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
