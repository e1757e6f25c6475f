"""The composition root: builds the desk from validated settings, once per process."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache

import boto3

from supportflow.adapters.aws import SchedulerTimers, SesMailer, StepFunctionsWorkflow
from supportflow.adapters.dynamodb import DynamoTickets, bind_models
from supportflow.adapters.outbox import FileOutbox
from supportflow.contracts import ContractDirectory, demo
from supportflow.policies import shipped
from supportflow.services.desk import Desk, Links
from supportflow.settings import Settings, settings


def token_secret(config: Settings) -> bytes:
    if config.token_secret:
        return config.token_secret.encode()
    if config.token_secret_parameter:
        ssm = boto3.client("ssm", region_name=config.region)
        value = ssm.get_parameter(Name=config.token_secret_parameter, WithDecryption=True)
        return str(value["Parameter"]["Value"]).encode()
    raise RuntimeError("set TOKEN_SECRET or TOKEN_SECRET_PARAMETER")


def build_desk(config: Settings) -> Desk:
    bind_models(config.table_name, config.region, config.dynamodb_host)
    region = config.region
    contracts = (
        ContractDirectory.from_file(config.contracts_file) if config.contracts_file else demo()
    )
    return Desk(
        repo=DynamoTickets(),
        timers=SchedulerTimers(
            boto3.client("scheduler", region_name=region),
            config.schedule_group,
            config.fire_timer_arn,
            config.scheduler_role_arn,
        ),
        mailer=(
            FileOutbox(config.outbox_dir)
            if config.outbox_dir
            else SesMailer(boto3.client("ses", region_name=region))
        ),
        workflow=StepFunctionsWorkflow(
            boto3.client("stepfunctions", region_name=region), config.state_machine_arn
        ),
        contracts=contracts,
        policies=shipped(),
        token_secret=lambda: token_secret(config),
        links=Links(
            agent_base=f"{config.link_base}/agent", customer_base=f"{config.link_base}/status"
        ),
    )


@cache
def desk() -> Desk:
    """The process's desk (Lambda keeps it warm between invocations)."""
    return build_desk(settings())


_clock: list[Callable[[], datetime]] = [lambda: datetime.now(UTC)]


def now() -> datetime:
    """The current instant as handlers see it (the local stack can run it accelerated)."""
    return _clock[0]()


def set_clock(source: Callable[[], datetime]) -> None:
    _clock[0] = source
