"""One source for each list of names: the API's action names, the local server's routes and the
HTTP error table follow the domain and template.yaml."""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import inspect
import re
import typing
from pathlib import Path

from local.server import ROUTES
from local.stack import load_template

from supportflow.bootstrap import Container
from supportflow.domain.ticket.routing import ACTIONS, ActionError, Stage, customer_message_action
from supportflow.entrypoints.api.ticket_api import CUSTOMER_ACTIONS, AgentAction, CustomerAction
from supportflow.errors import HTTP, STEP_FAILURES, TIMER_RETRYABLE


def test_the_api_offers_exactly_the_domain_actions() -> None:
    agent = {name for name, action in ACTIONS.items() if "agent" in action.by}
    customer = {name for name, action in ACTIONS.items() if "customer" in action.by}
    assert set(typing.get_args(AgentAction)) == agent
    # request_rca (R004-8) opens an RCA task: a request, not an action on the ticket
    assert set(typing.get_args(CustomerAction)) == {*CUSTOMER_ACTIONS, "request_rca"}
    # a customer's message becomes whatever fits the ticket's stage (customer_message_action)
    routed = set()
    for stage in Stage:
        for reopen in (True, False):
            with contextlib.suppress(ActionError):  # a closed ticket takes no message
                routed.add(customer_message_action(stage, reopen_on_reply=reopen))
    assert set(CUSTOMER_ACTIONS.values()) | routed == customer


def test_the_local_routes_are_the_template_routes() -> None:
    resources = load_template()["Resources"]
    for method, path, function, signed_in in ROUTES:
        events = resources[function]["Properties"]["Events"].values()
        assert any(
            e["Properties"]["Path"] == path
            and e["Properties"]["Method"].upper() == method
            and ((e["Properties"].get("Auth") or {}).get("Authorizer") != "NONE") == signed_in
            for e in events
        )
    assert ("POST", "/tickets", "IntakeFunction", False) in ROUTES
    assert ("GET", "/queue", "TicketApiFunction", True) in ROUTES


def test_every_named_error_has_an_http_meaning() -> None:
    for error in (*STEP_FAILURES, *TIMER_RETRYABLE):
        assert error in HTTP, error


FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"


def test_each_function_calls_the_use_case_of_its_name() -> None:
    """functions/fire_timer/ calls `deps.fire_timer()`, wired from the module `fire_timer`
    whose class is `FireTimer`; an HTTP function serves the app of its name."""
    folders = sorted(p for p in FUNCTIONS.iterdir() if (p / "app.py").exists())
    assert len(folders) >= 11
    for folder in folders:
        name, source = folder.name, (folder / "app.py").read_text()
        if importlib.util.find_spec(f"supportflow.entrypoints.api.{name}") is not None:
            assert f"from supportflow.entrypoints.api.{name} import app" in source, name
            continue
        assert f"deps.{name}()" in source, name
        use_case = "".join(part.title() for part in name.split("_"))
        wiring = inspect.getsource(getattr(Container, name))
        found = re.search(rf"from (supportflow\.services\.\w+\.{name}) import {use_case}\b", wiring)
        assert found is not None, f"{name}: the wiring imports no {use_case} from a module {name}"
        home = found.group(1)
        assert getattr(importlib.import_module(home), use_case).__name__ == use_case
