"""Faults at the edge of the embedded AWS: make chosen calls fail the way AWS fails them.

A fault names an operation (`ses:SendRawEmail`, `dynamodb:TransactWriteItems`,
`stepfunctions:SendTaskSuccess`, `scheduler:CreateSchedule`, ...), an error code and how many
calls it hits. The request never reaches moto; the caller gets the service's error response, so
botocore raises the same ClientError (and applies the same retries) as against AWS. Tests and
the soak use it; local/serial.py consults it for every request.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

_REST = {  # REST-style services: (method, path prefix) -> operation
    "scheduler": [
        ("POST", "/schedules/", "CreateSchedule"),
        ("DELETE", "/schedules/", "DeleteSchedule"),
        ("GET", "/schedules/", "GetSchedule"),
        ("GET", "/schedules", "ListSchedules"),
    ],
    "lambda": [("POST", "/2015-03-31/functions/", "Invoke")],
}
_HOSTS = {"states": "stepfunctions", "email": "ses"}


def operation(request: Any) -> str:
    """`service:Operation` of a botocore request."""
    url = urlsplit(request.url)
    service = (
        _HOSTS.get(url.hostname.split(".")[0], url.hostname.split(".")[0]) if url.hostname else ""
    )
    target = request.headers.get("X-Amz-Target")
    if target:
        name = target.decode() if isinstance(target, bytes) else str(target)
        return f"{service}:{name.rsplit('.', 1)[-1]}"
    body = request.body or b""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else str(body)
    action = parse_qs(text).get("Action")
    if action:
        return f"{service}:{action[0]}"
    for method, prefix, name in _REST.get(service, []):
        if request.method == method and url.path.startswith(prefix):
            return f"{service}:{name}"
    return f"{service}:{request.method} {url.path}"


@dataclass
class Fault:
    operation: str
    code: str
    times: int  # calls still to fail; a negative number fails every call
    status: int = 400
    hits: int = 0
    skip: int = 0  # calls to let through first (a fault at the second mail, not the first)


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self.seen: dict[str, int] = {}

    def inject(
        self, operation: str, code: str, times: int = 1, status: int = 400, skip: int = 0
    ) -> Fault:
        """Fail the next `times` calls of `operation` (after letting `skip` through). Each
        attempt botocore makes is a call: a fault of more calls than its retries reaches the
        caller."""
        fault = Fault(operation, code, times, status, skip=skip)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self.seen.clear()

    def check(self, request: Any) -> tuple[int, dict[str, str], bytes] | None:
        name = operation(request)
        with self._lock:
            self.seen[name] = self.seen.get(name, 0) + 1
            fault = next((f for f in self._faults if f.operation == name and f.times != 0), None)
            if fault is None:
                return None
            if fault.skip > 0:
                fault.skip -= 1
                return None
            fault.times -= 1 if fault.times > 0 else 0
            fault.hits += 1
        return _error(name.split(":", 1)[0], fault)


def _error(service: str, fault: Fault) -> tuple[int, dict[str, str], bytes]:
    message = f"injected fault: {fault.code}"
    if service == "ses":  # the query protocol answers in XML
        body = (
            "<ErrorResponse><Error><Type>Sender</Type>"
            f"<Code>{fault.code}</Code><Message>{message}</Message></Error>"
            "<RequestId>fault</RequestId></ErrorResponse>"
        )
        return fault.status, {"Content-Type": "text/xml"}, body.encode()
    headers = {
        "Content-Type": "application/x-amz-json-1.0",
        "x-amzn-ErrorType": fault.code,
        "x-amzn-RequestId": "fault",  # what AWS sends; Step Functions' Lambda task reads it
    }
    return fault.status, headers, json.dumps({"__type": fault.code, "message": message}).encode()


FAULTS = Faults()
