"""The composition root: settings fail fast per function, dependencies are parameters, and a
function builds only what its use case touches."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from supportflow.adapters.memory.tickets import InMemoryTickets
from supportflow.bootstrap import Container, entry
from supportflow.domain.common.timeutil import parse_instant
from supportflow.domain.ticket.routing import Stage
from supportflow.settings import (
    DispatchSettings,
    IntakeSettings,
    ParkSettings,
    SettingsError,
    TicketApiSettings,
    load_settings,
)
from tests.unit.conftest import stored_ticket

BASE = {"TABLE_NAME": "tickets"}
TIMERS = {"SCHEDULE_GROUP": "g", "SCHEDULER_ROLE_ARN": "arn:role", "FIRE_TIMER_ARN": "arn:fn"}


def test_each_function_names_what_it_misses() -> None:
    with pytest.raises(SettingsError, match=r"DispatchSettings.*STATE_MACHINE_ARN"):
        load_settings(DispatchSettings, {**BASE, **TIMERS})
    with pytest.raises(SettingsError, match="TOKEN_SECRET or TOKEN_SECRET_PARAMETER"):
        load_settings(IntakeSettings, BASE)
    with pytest.raises(SettingsError, match="FIRE_TIMER_ARN"):
        load_settings(DispatchSettings, {**BASE, "SCHEDULE_GROUP": "g", "STATE_MACHINE_ARN": "a"})
    with pytest.raises(SettingsError, match="TABLE_NAME"):
        load_settings(ParkSettings, {})
    assert load_settings(TicketApiSettings, {**BASE, **TIMERS, "TOKEN_SECRET": "s"})
    assert load_settings(ParkSettings, BASE).table_name == "tickets"


def test_a_handler_fails_at_cold_start_not_at_the_first_aws_call(monkeypatch: Any) -> None:
    monkeypatch.delenv("TOKEN_SECRET", raising=False)
    monkeypatch.delenv("TOKEN_SECRET_PARAMETER", raising=False)
    monkeypatch.setenv("TABLE_NAME", "tickets")
    with pytest.raises(SettingsError):
        entry(lambda deps: lambda event, context: None, IntakeSettings)


class Signals:
    def __init__(self) -> None:
        self.sent: list[tuple[str, Mapping[str, Any]]] = []

    def start(self, ticket_id: str, payload: Mapping[str, Any]) -> None:
        raise AssertionError("park never starts a workflow")

    def signal(self, token: str, output: Mapping[str, Any]) -> None:
        self.sent.append((token, output))


def test_park_builds_no_mailer_and_no_timers() -> None:
    tickets, workflow = InMemoryTickets(), Signals()
    deps = Container(load_settings(ParkSettings, BASE), tickets=tickets, workflow=workflow)
    stored_ticket(tickets, "T-0000000001", parse_instant("2025-03-31T09:00:00+02:00"))
    assert deps.park()("T-0000000001", Stage.FIRST_LINE, "token-1").parked is False
    assert workflow.sent == []  # the step is completed through the outbox
    assert not set(vars(deps)) & {"mailer", "timers", "tokens", "contracts"}, vars(deps)
    assert deps.dispatch().pending("T-0000000001").done
    assert workflow.sent == [("token-1", {"ticket_id": "T-0000000001", "next": "triage"})]
    built = set(vars(deps))  # delivering a completed step needs the workflow, nothing else
    assert not built & {"mailer", "timers", "tokens", "contracts"}, built
