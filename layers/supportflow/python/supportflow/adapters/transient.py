"""Which AWS errors are only for now: a throttled call, a 5xx, a dropped connection, that got
past botocore's own retries. The desk names them `TemporarilyUnavailable`, the error the
workflow's Retry, the timers' retry policy and the API (503, try again) know; any other AWS error
stays what it is (a bug or a missing permission to fix, not to retry)."""

from __future__ import annotations

TRANSIENT_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "ThrottlingException",
        "Throttling",
        "TooManyRequestsException",
        "InternalServerError",
        "InternalServerException",
        "InternalFailure",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "ServiceException",
        "TransactionInProgressException",
        "SlowDown",
    }
)


def _code(exc: BaseException) -> str | None:
    response = getattr(exc, "response", None)  # botocore's ClientError
    if isinstance(response, dict):
        code = (response.get("Error") or {}).get("Code")
        if code:
            return str(code)
    code = getattr(exc, "cause_response_code", None)  # pynamodb's errors
    return str(code) if code else None


def is_transient(exc: BaseException) -> bool:
    """True if `exc`, or what caused it, is an AWS error that a later try may not meet."""
    from botocore.exceptions import ConnectionError as BotoConnectionError
    from botocore.exceptions import HTTPClientError

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _code(current) in TRANSIENT_CODES:
            return True
        if isinstance(current, BotoConnectionError | HTTPClientError):
            return True
        current = current.__cause__ or current.__context__
    return False
