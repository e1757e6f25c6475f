"""AWS errors that got past botocore's retries: the ones that are only for now become
TemporarilyUnavailable (the workflow retries, the API answers 503); the rest stay as they are."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from pynamodb.exceptions import GetError

from supportflow.adapters.transient import is_transient
from supportflow.bootstrap import serving
from supportflow.services.ports.tickets import TemporarilyUnavailable


def _client_error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "x"}}, "GetItem")


@pytest.mark.parametrize(
    "code", ["ProvisionedThroughputExceededException", "ThrottlingException", "Throttling",
             "InternalServerError", "ServiceUnavailable", "TooManyRequestsException"],
)  # fmt: skip
def test_throttling_and_server_errors_are_only_for_now(code: str) -> None:
    assert is_transient(_client_error(code))
    try:  # as pynamodb wraps it
        try:
            raise _client_error(code)
        except ClientError as cause:
            raise GetError("Failed to get item", cause=cause) from cause
    except GetError as wrapped:
        assert is_transient(wrapped)


def test_a_missing_permission_or_a_bad_request_is_not() -> None:
    for code in ("AccessDeniedException", "ValidationException", "ResourceNotFoundException"):
        assert not is_transient(_client_error(code))
    assert not is_transient(ValueError("a bug"))
    assert is_transient(EndpointConnectionError(endpoint_url="https://dynamodb.example"))


def test_a_handler_names_a_busy_aws_temporarily_unavailable() -> None:
    def build(errors: list[Exception]) -> Any:
        def handler(event: Any, context: Any) -> Any:
            raise errors.pop(0)

        return handler

    errors: list[Exception] = [_client_error("ThrottlingException"), ValueError("a bug")]
    run = serving(build, errors)  # type: ignore[arg-type]
    with pytest.raises(TemporarilyUnavailable) as busy:
        run({}, None)
    assert isinstance(busy.value.__cause__, ClientError)
    with pytest.raises(ValueError, match="a bug"):  # not retried as if AWS were busy
        run({}, None)
