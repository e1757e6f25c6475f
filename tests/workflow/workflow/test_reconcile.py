"""The reconciliation under moto: lost schedules, lost signals and ended executions are found
and repaired, and a healthy desk is left alone."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from local.faults import FAULTS
from local.stack import REGION

from tests.workflow.conftest import Desk


def _open(desk: Desk, **changes: Any) -> str:
    response = desk.post_ticket(**changes)
    assert response["statusCode"] == 201, response
    ticket_id = str(json.loads(response["body"])["ticket_id"])
    desk.parked_at(ticket_id, "first_line")
    return ticket_id


def test_a_healthy_desk_is_left_alone(desk: Desk) -> None:
    ticket_id = _open(desk)
    before = desk.tickets.get(ticket_id).version
    report = desk.reconcile()
    assert report == {
        "checked": 1, "swept": 0, "repairs": 0, "stuck": 0, "unfinished": 0, "shards": 0
    }  # fmt: skip
    assert desk.tickets.get(ticket_id).version == before


def test_a_round_out_of_time_stops_between_tickets_and_says_how_many_are_left(
    desk: Desk,
) -> None:
    from local.lambda_shim import FakeContext

    from tests.workflow.conftest import sample, set_headers

    _open(desk)
    second = sample("intake/post_json")
    set_headers(second, **{"Idempotency-Key": "second"})
    second["body"] = json.dumps({**json.loads(second["body"]), "subject": "Nog een"})
    assert desk.call("IntakeFunction", second)["statusCode"] == 201
    name = desk.stack.function_arns["ReconcileFunction"].rsplit(":", 1)[-1]
    left = iter([60_000, 1_000])  # time for the first ticket, then 1 s: stop
    context = FakeContext(function_name=name, remaining=lambda: next(left, 0))
    report = desk.stack.registry.handler(name)(sample("reconcile/scheduled"), context)
    assert (report["checked"], report["unfinished"]) == (1, 1)
    assert desk.reconcile()["unfinished"] == 0  # the next round (with time) checks both


def test_lost_schedules_are_put_back_and_the_escalations_still_go_out(desk: Desk) -> None:
    _open(desk)  # integration-9x5 top: response due 10:00 (warning 09:45)
    scheduler = boto3.client("scheduler", region_name=REGION)
    for _, schedule in desk.pump.pending():
        scheduler.delete_schedule(Name=schedule["Name"], GroupName=desk.stack.schedule_group)
    assert desk.pump.pending() == []
    assert desk.reconcile()["repairs"] == 3
    assert len(desk.pump.pending()) == 3
    assert desk.reconcile()["repairs"] == 0  # repaired once, then consistent
    desk.clock.advance(minutes=45)
    fired = desk.pump.fire_due(desk.clock.now)
    assert [f.response["outcome"] for f in fired if f.response] == ["escalating response rung 0"]
    desk.wait_for(lambda: len(desk.sent_mail()) == 2)
    assert desk.sent_mail()[1]["To"] == "coordinator@supportdesk.example"


def test_a_stray_schedule_is_removed(desk: Desk) -> None:
    ticket_id = _open(desk)
    scheduler = boto3.client("scheduler", region_name=REGION)
    (_, first), *_ = desk.pump.pending()
    scheduler.create_schedule(
        Name=f"{ticket_id}.res.9.1",
        GroupName=desk.stack.schedule_group,
        ScheduleExpression="at(2025-04-01T10:00:00)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target=first["Target"],
    )
    assert desk.reconcile()["repairs"] == 1
    assert f"{ticket_id}.res.9.1" not in {s["Name"] for _, s in desk.pump.pending()}


def test_a_lost_signal_is_sent_again(desk: Desk) -> None:
    ticket_id = _open(desk)
    FAULTS.inject("stepfunctions:SendTaskSuccess", "InvalidToken", times=-1)  # never arrives
    response = desk.agent(ticket_id, "hand_to_second_line")
    assert response["statusCode"] == 200
    assert desk.tickets.get(ticket_id).stage == "second_line"
    assert desk.execution(ticket_id)["status"] == "RUNNING"
    FAULTS.clear()
    assert desk.reconcile()["repairs"] == 1  # the workflow still waited at first line
    desk.parked_at(ticket_id, "second_line")
    assert desk.reconcile()["repairs"] == 0


def test_an_ended_execution_is_started_again(desk: Desk) -> None:
    ticket_id = _open(desk)
    waiting = desk.tickets.get(ticket_id).waiting
    assert waiting is not None  # the step fails (as after a Lambda error): the execution ends
    desk.sfn.send_task_failure(taskToken=waiting.token, error="Lambda.Unknown", cause="boom")
    desk.wait_for(lambda: desk.execution(ticket_id)["status"] == "FAILED")
    assert desk.tickets.get(ticket_id).failure is not None
    report = desk.reconcile()
    assert report["repairs"] == 1 and report["stuck"] == 0
    desk.parked_at(ticket_id, "first_line")
    assert desk.tickets.get(ticket_id).execution == f"{ticket_id}.2"
    assert desk.tickets.get(ticket_id).failure is None
    assert json.loads(desk.agent(ticket_id, "respond", {"message": "hier"})["body"])["stage"] == (
        "first_line"
    )


def test_a_large_desk_is_reconciled_in_shards(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """More open tickets than a shard holds: the round lists them and starts one shard per
    RECONCILE_SHARD_SIZE (the function again, invoked asynchronously); the shards repair."""
    monkeypatch.setenv("RECONCILE_SHARD_SIZE", "2")  # read when the function is built
    from tests.workflow.conftest import sample, set_headers

    opened = []
    for n in range(5):
        event = sample("intake/post_json")
        set_headers(event, **{"Idempotency-Key": f"shard-{n}"})
        event["body"] = json.dumps({**json.loads(event["body"]), "subject": f"Storing {n}"})
        filed = desk.call("IntakeFunction", event)
        assert filed["statusCode"] == 201, filed
        opened.append(json.loads(filed["body"])["ticket_id"])
        desk.parked_at(opened[-1], "first_line")
    scheduler = boto3.client("scheduler", region_name=REGION)
    lost = [s for _, s in desk.pump.pending() if s["Name"].startswith((opened[0], opened[4]))]
    for schedule in lost:  # two tickets' timers lost, in different shards
        scheduler.delete_schedule(Name=schedule["Name"], GroupName=desk.stack.schedule_group)
    report = desk.reconcile()
    assert (report["shards"], report["checked"]) == (3, 0)  # 2 + 2 + 1, none checked in the round
    desk.settle()
    names = {s["Name"].rsplit(".r", 1)[0] for _, s in desk.pump.pending()}
    assert {s["Name"] for s in lost} <= names  # the shards put them back
    again = desk.reconcile()  # consistent now: the shards find nothing to repair
    assert again["shards"] == 3 and again["repairs"] == 0
    for ticket_id in opened:
        assert desk.tickets.get(ticket_id).stage == "first_line"
