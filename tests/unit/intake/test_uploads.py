"""Uploads with a filing (issue 21): which files the desk takes (type, size, name), the place it
hands out for each, the check before a ticket lists a file (and the copy out of the expiring
upload area); and the local stack's stand-in for S3's presigned POST, which checks the policy
as S3 does."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.config import Config
from local.uploads import UploadRejected, check_policy, form_parts

from supportflow.adapters.memory.fakes import InMemoryMailStore
from supportflow.domain.ticket.uploads import UploadRefused, plan_upload, safe_name
from supportflow.services.intake.open_ticket import Opened
from tests.unit.desk.test_desk import form

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100


def test_the_desk_takes_screenshots_pdfs_short_videos_and_text() -> None:
    plan = plan_upload("C:\\Users\\jan\\Schermafbeelding 1.png", "image/png", 2_000, "2025-03-31",
                       "a" * 32)  # fmt: skip
    assert plan.key == f"attachments/uploads/2025-03-31/{'a' * 32}/Schermafbeelding_1.png"
    assert plan.max_bytes == 10 * 1024 * 1024
    with pytest.raises(UploadRefused, match="files of type application/x-msdownload"):
        plan_upload("setup.exe", "application/x-msdownload", 10, "2025-03-31", "a" * 32)
    with pytest.raises(UploadRefused, match=r"is 60\.0 MB: a MP4 file may be at most 50\.0 MB"):
        plan_upload("demo.mp4", "video/mp4", 60 * 1024 * 1024, "2025-03-31", "a" * 32)
    with pytest.raises(UploadRefused, match="is empty"):
        plan_upload("leeg.pdf", "application/pdf", 0, "2025-03-31", "a" * 32)
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("Résumé (1).pdf") == "Resume_1_.pdf"


def _with_upload(desk: Any) -> tuple[InMemoryMailStore, str]:
    store = InMemoryMailStore()
    desk.__dict__["mail_store"] = store
    place = desk.uploads().offer("scherm.png", "image/png", len(PNG))
    store.keep(place["key"], PNG, "image/png")  # the browser's post
    return store, place["key"]


def test_a_ticket_lists_a_checked_upload_kept_out_of_the_expiring_area(world: Any) -> None:
    desk, *_ = world
    store, key = _with_upload(desk)
    opened = desk.open_ticket()(form(uploads=[key]), None)
    assert isinstance(opened, Opened)
    (kept,) = desk.tickets.get(opened.ticket.ticket_id).attachments
    assert kept.startswith("memory://attachments/filed/") and kept.endswith("/scherm.png")
    assert store.objects[kept.removeprefix("memory://")] == PNG
    view = desk.views().ticket(opened.ticket.ticket_id, for_customer=True)
    assert view["files"] == ["scherm.png"]


@pytest.mark.parametrize(
    "key, reason",
    [
        ("attachments/uploads/2025-03-31/" + "b" * 32 + "/missing.png", "was not uploaded"),
        ("inbound/someone-elses-mail", "is not an upload of this desk"),
        ("attachments/filed/../../inbound/x", "is not an upload of this desk"),
    ],
)
def test_a_filing_may_name_only_its_own_uploads(world: Any, key: str, reason: str) -> None:
    desk, *_ = world
    store, _ = _with_upload(desk)
    asked: list[str] = []
    stat = store.stat
    store.stat = lambda k: asked.append(k) or stat(k)  # type: ignore[method-assign]
    with pytest.raises(UploadRefused, match=reason):
        desk.open_ticket()(form(uploads=[key]), None)
    assert all(k.startswith("attachments/uploads/") for k in asked)  # never probes the bucket


def _presigned(key: str = "attachments/uploads/2025-03-31/" + "c" * 32 + "/a.png") -> Any:
    s3 = boto3.client(
        "s3", region_name="eu-west-1", aws_access_key_id="testing",
        aws_secret_access_key="testing", config=Config(signature_version="s3v4"),
    )  # fmt: skip
    return s3.generate_presigned_post(
        Bucket="mail",
        Key=key,
        Fields={"Content-Type": "image/png"},
        Conditions=[{"Content-Type": "image/png"}, ["content-length-range", 1, 1000]],
        ExpiresIn=600,
    )


def test_the_local_s3_checks_the_post_policy_as_s3_does() -> None:
    post = _presigned()
    fields = {"key": post["fields"]["key"], **post["fields"]}
    now = datetime.now(UTC)
    check_policy(fields, 500, "mail", "testing", now)
    with pytest.raises(UploadRejected, match="size 5000"):
        check_policy(fields, 5000, "mail", "testing", now)
    with pytest.raises(UploadRejected, match="wants key"):
        check_policy({**fields, "key": "inbound/x"}, 500, "mail", "testing", now)
    with pytest.raises(UploadRejected, match="wants Content-Type"):
        check_policy({**fields, "Content-Type": "text/html"}, 500, "mail", "testing", now)
    stretched = json.loads(base64.b64decode(fields["policy"]))
    stretched["conditions"] = [
        c for c in stretched["conditions"] if "content-length-range" not in c
    ]
    forged = {**fields, "policy": base64.b64encode(json.dumps(stretched).encode()).decode()}
    with pytest.raises(UploadRejected, match="signature"):
        check_policy(forged, 5000, "mail", "testing", now)
    with pytest.raises(UploadRejected, match="expired"):
        check_policy(fields, 500, "mail", "testing", now + timedelta(minutes=11))


def test_a_multipart_post_is_read_into_its_fields_and_file() -> None:
    body = (
        b'--b\r\nContent-Disposition: form-data; name="key"\r\n\r\nk1\r\n'
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
        b"Content-Type: image/png\r\n\r\n" + PNG + b"\r\n--b--\r\n"
    )
    fields, data = form_parts(body, "multipart/form-data; boundary=b")
    assert fields == {"key": "k1"} and data == PNG
