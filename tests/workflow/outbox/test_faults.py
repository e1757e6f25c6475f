"""Fault injection at every external call: each fault hits a few times mid-lifecycle (as AWS
faults do), the desk retries as it is built to, and each ticket still ends where it should with
every mail sent exactly once.

The lifecycle: a top-priority integration-9x5 ticket is filed, its response target passes 75%
(the coordinator is warned), an agent responds and resolves, the customer confirms."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from local.faults import FAULTS

from tests.workflow.conftest import Desk

pytestmark = pytest.mark.faults


def _until(call: Callable[[], dict[str, Any]], tries: int = 60) -> dict[str, Any]:
    """Call the API as a client does: again after a 409 that says retry, or a 503."""
    for _ in range(tries):
        response = call()
        retry = response["statusCode"] == 503 or (
            response["statusCode"] == 409 and json.loads(response["body"]).get("retry")
        )
        if not retry:
            return response
        time.sleep(0.1)
    raise AssertionError(f"still failing: {response}")


def _parked(desk: Desk, ticket_id: str, stage: str) -> None:
    """Wait for the workflow to wait at `stage`; while it does not, run the reconciliation as
    its schedule would (a step that failed for good is started again)."""
    for _ in range(6):
        try:
            desk.parked_at(ticket_id, stage)
            return
        except AssertionError:
            desk.reconcile()
    raise AssertionError(f"{ticket_id} never waited at {stage}")


def _lifecycle(desk: Desk) -> str:
    filed = _until(desk.post_ticket)
    assert filed["statusCode"] == 201, filed
    ticket_id = str(json.loads(filed["body"])["ticket_id"])
    token = json.loads(filed["body"])["customer_token"]
    _parked(desk, ticket_id, "first_line")
    desk.clock.advance(minutes=46)  # past 75% of the 1 h response target
    desk.wait_for(lambda: bool(desk.pump.fire_due(desk.clock.now)) or _warned(desk), 30)
    desk.wait_for(lambda: _warned(desk), 30)
    _parked(desk, ticket_id, "first_line")
    assert (
        _until(lambda: desk.agent(ticket_id, "respond", {"message": "kijken"}))["statusCode"] == 200
    )
    resolved = _until(lambda: desk.agent(ticket_id, "resolve", {"message": "opgelost"}))
    assert resolved["statusCode"] == 200, resolved
    _parked(desk, ticket_id, "resolved")
    confirmed = _until(lambda: desk.customer(ticket_id, "confirm", token))
    assert confirmed["statusCode"] == 200, confirmed
    # the ticket's current execution (the reconciliation may have started a new one)
    desk.wait_for(
        lambda: desk.execution(desk.tickets.get(ticket_id).execution)["status"] == "SUCCEEDED", 30
    )
    return ticket_id


def _warned(desk: Desk) -> bool:
    return any("coordinator@" in str(m["To"]) for m in desk.sent_mail())


FAULT_CASES = [
    ("ses:SendRawEmail", "Throttling", 3),
    ("ses:SendRawEmail", "ServiceUnavailable", 2),
    ("scheduler:CreateSchedule", "InternalServerException", 3),
    ("scheduler:DeleteSchedule", "ThrottlingException", 3),
    ("stepfunctions:StartExecution", "ServiceUnavailable", 3),
    ("stepfunctions:SendTaskSuccess", "ServiceUnavailable", 3),
    ("dynamodb:TransactWriteItems", "ProvisionedThroughputExceededException", 2),
    ("dynamodb:TransactWriteItems", "InternalServerError", 2),
    ("dynamodb:UpdateItem", "InternalServerError", 2),
    ("dynamodb:DeleteItem", "InternalServerError", 3),
    ("dynamodb:GetItem", "InternalServerError", 2),
    ("dynamodb:Query", "ProvisionedThroughputExceededException", 2),
    ("lambda:Invoke", "ServiceException", 2),
]


@pytest.mark.parametrize("operation, code, times", FAULT_CASES)
def test_a_lifecycle_survives_a_fault(desk: Desk, operation: str, code: str, times: int) -> None:
    fault = FAULTS.inject(operation, code, times=times, status=500 if "Internal" in code else 400)
    ticket_id = _lifecycle(desk)
    assert fault.hits == times, f"the fault never hit: {FAULTS.seen}"
    assert desk.tickets.get(ticket_id).stage == "closed"
    _each_mail_once(desk)
    assert desk.mail_kinds() == ["confirmation", "escalation.response.0", "answer", "resolved"]
    assert desk.tickets.pending(ticket_id) == []


PAST_RETRIES = 12  # more attempts than botocore makes for one call (legacy: 5, DynamoDB: 11)


@pytest.fixture
def surfaced(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """The faults that got past botocore's own retries to the desk's code, by error code;
    botocore's sleeps between attempts skipped (their length is not what is tested)."""
    import botocore.endpoint
    from botocore.client import BaseClient
    from botocore.exceptions import ClientError

    seen: Counter[str] = Counter()
    original = BaseClient._make_api_call

    def counting(self: Any, operation: str, params: Any) -> Any:
        try:
            return original(self, operation, params)
        except ClientError as exc:
            seen[str(exc.response.get("Error", {}).get("Code"))] += 1
            raise

    monkeypatch.setattr(BaseClient, "_make_api_call", counting)
    monkeypatch.setattr(botocore.endpoint, "time", SimpleNamespace(sleep=lambda seconds: None))
    return seen


@pytest.mark.parametrize("operation, code", sorted({(o, c) for o, c, _ in FAULT_CASES}))
def test_a_lifecycle_survives_a_fault_past_botocores_retries(
    desk: Desk, surfaced: Counter[str], operation: str, code: str
) -> None:
    status = 500 if "Internal" in code or "Service" in code else 400
    fault = FAULTS.inject(operation, code, times=PAST_RETRIES, status=status)
    ticket_id = _lifecycle(desk)
    assert fault.hits == PAST_RETRIES, f"the fault never hit: {FAULTS.seen}"
    assert surfaced[code] >= 1, "botocore absorbed every attempt: the desk never saw it"
    assert desk.tickets.get(ticket_id).stage == "closed"
    _each_mail_once(desk)
    assert desk.mail_kinds() == ["confirmation", "escalation.response.0", "answer", "resolved"]
    assert desk.tickets.pending(ticket_id) == []


def test_an_escalation_mail_refused_past_the_retries_is_sent_once_later(
    desk: Desk, surfaced: Counter[str]
) -> None:
    """The second mail of the lifecycle is the warning to the coordinator (R004-7): SES refuses
    it past botocore's retries; it goes out once, in its place among the ticket's mails."""
    fault = FAULTS.inject(
        "ses:SendRawEmail", "ServiceUnavailable", times=PAST_RETRIES, status=503, skip=1
    )
    ticket_id = _lifecycle(desk)
    assert fault.hits == PAST_RETRIES and surfaced["ServiceUnavailable"] >= 1
    _each_mail_once(desk)
    assert desk.mail_kinds() == ["confirmation", "escalation.response.0", "answer", "resolved"]
    assert desk.tickets.get(ticket_id).stage == "closed"


def _each_mail_once(desk: Desk) -> None:
    ids = [str(m["Message-ID"]) for m in desk.sent_mail()]
    assert len(ids) == len(set(ids)), ids


def test_a_step_that_fails_then_recovers_is_retried_by_the_workflow(desk: Desk) -> None:
    name = desk.stack.function_arns["ParkFunction"].rsplit(":", 1)[-1]
    real = desk.stack.registry.handler(name)
    failures: list[int] = []

    def flaky(event: dict[str, Any], context: Any) -> Any:
        if len(failures) < 2:
            from supportflow.services.ports.tickets import TemporarilyUnavailable

            failures.append(1)
            raise TemporarilyUnavailable("throttled")
        return real(event, context)

    desk.stack.registry.overrides[name] = flaky
    ticket_id = _lifecycle(desk)
    assert len(failures) == 2 and desk.tickets.get(ticket_id).stage == "closed"


def test_a_signal_whose_step_is_gone_is_repaired_by_the_reconciliation(desk: Desk) -> None:
    filed = json.loads(desk.post_ticket()["body"])
    ticket_id, token = filed["ticket_id"], filed["customer_token"]
    desk.parked_at(ticket_id, "first_line")
    _until(lambda: desk.agent(ticket_id, "respond", {"message": "kijken"}))
    FAULTS.inject("stepfunctions:SendTaskSuccess", "TaskDoesNotExist", times=1)
    _until(lambda: desk.agent(ticket_id, "resolve", {"message": "opgelost"}))
    assert desk.tickets.get(ticket_id).stage == "resolved"  # the workflow still at first line
    assert desk.reconcile()["repairs"] == 1
    desk.parked_at(ticket_id, "resolved")
    assert _until(lambda: desk.customer(ticket_id, "confirm", token))["statusCode"] == 200
    desk.wait_for(lambda: desk.execution(ticket_id)["status"] == "SUCCEEDED", 30)
    _each_mail_once(desk)
    assert desk.mail_kinds() == ["confirmation", "answer", "resolved"]
    assert {str(m["To"]) for m in desk.sent_mail()} == {"servicedesk@noord.example"}


def test_a_duplicate_signal_with_a_used_token_does_nothing(desk: Desk) -> None:
    from supportflow.settings import DispatchSettings

    filed = json.loads(desk.post_ticket()["body"])
    ticket_id = filed["ticket_id"]
    desk.parked_at(ticket_id, "first_line")
    used = desk.tickets.get(ticket_id).waiting
    assert used is not None
    _until(lambda: desk.agent(ticket_id, "hand_to_second_line"))
    desk.parked_at(ticket_id, "second_line")
    workflow = desk.stack.registry.dependencies(DispatchSettings).workflow  # type: ignore[misc]
    workflow.signal(used.token, {"ticket_id": ticket_id, "next": "resolved"})  # no error
    desk.parked_at(ticket_id, "second_line")
    assert desk.execution(ticket_id)["status"] == "RUNNING"
