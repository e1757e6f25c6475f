"""The local stack's stand-in for S3 taking a browser's presigned POST (moto keeps the object but
does not enforce a POST policy): the form's policy is checked as S3 checks it (its signature with
the stack's credentials, its expiry, and each condition: the bucket, the key, the fields, the
size), and only then is the file put into moto's bucket. A forged or stretched policy, another
key, a larger file or another type: refused with S3's kind of answer (403, 400)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from email.parser import BytesParser
from email.policy import default as default_policy
from typing import Any


class UploadRejected(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def form_parts(body: bytes, content_type: str) -> tuple[dict[str, str], bytes]:
    """The fields and the file of a multipart/form-data post (the file is the `file` part)."""
    if not content_type.lower().startswith("multipart/form-data"):
        raise UploadRejected(400, "a presigned POST is multipart/form-data")
    message = BytesParser(policy=default_policy).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    fields: dict[str, str] = {}
    data = b""
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        if name == "file":
            data = part.get_payload(decode=True) or b""
        else:
            fields[str(name)] = (part.get_payload(decode=True) or b"").decode()
    return fields, data


def check_policy(
    fields: Mapping[str, str], size: int, bucket: str, secret: str, now: datetime
) -> dict[str, Any]:
    """The decoded policy, if the post satisfies it (else UploadRejected)."""
    encoded = fields.get("policy", "")
    try:
        policy = json.loads(base64.b64decode(encoded))
    except ValueError:
        raise UploadRejected(400, "the policy cannot be read") from None
    credential = fields.get("x-amz-credential", "")
    scope = credential.split("/")
    if len(scope) != 5:
        raise UploadRejected(403, "no credential")
    key_date = _sign(("AWS4" + secret).encode(), scope[1])
    signing = _sign(_sign(_sign(key_date, scope[2]), scope[3]), scope[4])
    expected = hmac.new(signing, encoded.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, fields.get("x-amz-signature", "")):
        raise UploadRejected(403, "the signature does not match the policy")
    expires = datetime.fromisoformat(str(policy.get("expiration", "")).replace("Z", "+00:00"))
    if now > expires:
        raise UploadRejected(403, "the policy has expired")
    for condition in policy.get("conditions", []):
        _holds(condition, fields, size, bucket)
    return dict(policy)


def _sign(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def _holds(condition: Any, fields: Mapping[str, str], size: int, bucket: str) -> None:
    lowered = {k.lower(): v for k, v in fields.items()}
    if isinstance(condition, dict):
        for name, wanted in condition.items():
            given = bucket if name == "bucket" else lowered.get(name.lower())
            if given != wanted:
                raise UploadRejected(403, f"the policy wants {name} {wanted!r}")
        return
    kind = str(condition[0]).lower()
    if kind == "content-length-range":
        low, high = int(condition[1]), int(condition[2])
        if not low <= size <= high:
            raise UploadRejected(400, f"the file's size {size} is outside {low}-{high}")
    elif kind == "eq":
        if lowered.get(str(condition[1]).lstrip("$").lower()) != condition[2]:
            raise UploadRejected(403, f"the policy wants {condition[1]} {condition[2]!r}")
    elif kind == "starts-with":
        if not str(lowered.get(str(condition[1]).lstrip("$").lower(), "")).startswith(condition[2]):
            raise UploadRejected(403, f"the policy wants {condition[1]} to start {condition[2]!r}")
    else:
        raise UploadRejected(403, f"a condition the local stack does not know: {condition!r}")


def take_upload(s3: Any, bucket: str, body: bytes, content_type: str) -> str:
    """Check a presigned POST and put its file into the bucket; returns its key."""
    fields, data = form_parts(body, content_type)
    secret = os.environ.get("AWS_SECRET_ACCESS_KEY", "testing")
    check_policy(fields, len(data), bucket, secret, datetime.now(UTC))
    key = fields["key"]
    s3.put_object(
        Bucket=bucket,
        Key=key,
        Body=data,
        ContentType=fields.get("Content-Type") or fields.get("content-type") or "",
        ServerSideEncryption="AES256",
    )
    return key
