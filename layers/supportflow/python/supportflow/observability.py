"""Logs, traces and metrics in one place: the Powertools Logger, Tracer and Metrics every
function shares (configured by the POWERTOOLS_* variables), applied in the documented order."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

ADDRESS = re.compile(r"[^\s@<>\"'(),;:]+@[^\s@<>\"'(),;:]+\.[A-Za-z]{2,}")
# A phone number as people write it: +31 6 1234 5678, 06-12345678, (030) 123 4567 (a leading +
# or 0, eight digits or more); never a time, a date, an amount or an id (T-0123456789).
PHONE = re.compile(r"(?<![\w:.#/-])(?:\+|\(?0)\d[\d ()-]{6,}\d(?![\w:.])")
# What people wrote or who they are: dropped from a log record's fields whatever they hold.
PRIVATE = frozenset(
    {
        "description", "body", "text", "raw", "form", "contact_email", "to", "subject",
        "message", "caller", "phone", "name", "names", "phones", "email", "report", "ground",
        "requested_by",
    }
)  # fmt: skip


class Redact(logging.Filter):
    """Logs carry ids and reasons, never people's addresses or what they wrote: addresses are
    masked wherever they appear, and fields that hold text people wrote are dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = _mask(record.msg)
        for key, value in list(vars(record).items()):
            if key in PRIVATE:
                setattr(record, key, "<redacted>")
            elif isinstance(value, str) and key not in ("msg", "args"):
                setattr(record, key, _mask(value))
            elif isinstance(value, list | tuple):
                setattr(record, key, [_mask(v) if isinstance(v, str) else v for v in value])
        return True


def _mask(text: str) -> str:
    return PHONE.sub("<phone>", ADDRESS.sub("<address>", text))


logger = Logger()
logger.registered_handler.addFilter(Redact())  # also for the package's module loggers
# Only botocore is patched (every AWS call, pynamodb's included), and at the first invocation,
# not at import: patching every library X-Ray knows costs a fifth of a second and traces nothing
# we use.
tracer = Tracer(auto_patch=False)
_patched: list[bool] = []


def trace_aws_calls() -> None:
    """Patch botocore for X-Ray once per process (a no-op when tracing is disabled)."""
    if not _patched:
        _patched.append(True)
        if not tracer.disabled:
            tracer.patch(("botocore",))


metrics = Metrics()

Handler = Callable[[Any, Any], Any]
API_REQUEST_ID = "requestContext.requestId"


def instrument(
    *, correlation_id_path: str, capture_response: bool = True
) -> Callable[[Handler], Handler]:
    """inject_lambda_context -> log_metrics -> capture_lambda_handler around a handler.

    `capture_response=False` where a response carries tokens or personal data."""

    def wrap(handler: Handler) -> Handler:
        traced = tracer.capture_lambda_handler(handler, capture_response=capture_response)
        measured = metrics.log_metrics(traced)
        return logger.inject_lambda_context(correlation_id_path=correlation_id_path)(measured)

    return wrap


def count(name: str, value: int = 1) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
