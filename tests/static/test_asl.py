"""Static checks of the state machine: every Task retries and catches, every ${...} has a
substitution in template.yaml, every Choice target exists, and the callback steps pass a token."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from local.stack import load_template

ROOT = Path(__file__).resolve().parents[2]
ASL = json.loads((ROOT / "statemachines" / "ticket.asl.json").read_text())
TRANSIENT = {
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
}


def _tasks() -> dict[str, dict[str, Any]]:
    return {name: s for name, s in ASL["States"].items() if s["Type"] == "Task"}


def test_every_task_retries_the_documented_lambda_errors_and_catches() -> None:
    for name, state in _tasks().items():
        retried = {e for r in state.get("Retry", []) for e in r["ErrorEquals"]}
        assert retried >= TRANSIENT, name
        assert state.get("Catch"), name


def test_every_substitution_is_declared_and_every_declared_one_is_used() -> None:
    text = (ROOT / "statemachines" / "ticket.asl.json").read_text()
    used = set(re.findall(r"\$\{([A-Za-z0-9]+)\}", text))
    props = load_template()["Resources"]["TicketStateMachine"]["Properties"]
    assert used == set(props["DefinitionSubstitutions"])
    assert props["DefinitionUri"] == "statemachines/ticket.asl.json"


def test_every_transition_names_a_state() -> None:
    states = ASL["States"]
    assert ASL["StartAt"] in states
    for name, state in states.items():
        targets = [state.get("Next"), state.get("Default")]
        targets += [c["Next"] for c in state.get("Choices", [])]
        targets += [c["Next"] for c in state.get("Catch", [])]
        for target in filter(None, targets):
            assert target in states, f"{name} -> {target}"


def test_callback_steps_hand_the_token_to_the_park_function() -> None:
    waiting = [s for s in _tasks().values() if s["Resource"].endswith(".waitForTaskToken")]
    assert len(waiting) == 4
    for state in waiting:
        assert state["Parameters"]["FunctionName"] == "${ParkFunctionArn}"
        assert state["Parameters"]["Payload"]["token.$"] == "$$.Task.Token"


def test_every_function_has_a_sample_event_and_a_log_group() -> None:
    resources = load_template()["Resources"]
    functions = {k: v for k, v in resources.items() if v["Type"] == "AWS::Serverless::Function"}
    for logical_id, resource in functions.items():
        code = str(resource["Properties"]["CodeUri"]).strip("/").split("/")[-1]
        assert list((ROOT / "events" / code).glob("*.json")), f"no sample event for {code}"
        assert (ROOT / "functions" / code / "app.py").exists(), logical_id
        logging = resource["Properties"].get("LoggingConfig", {})
        assert logging.get("LogGroup"), f"{logical_id} has no explicit log group"


def test_the_step_error_names_are_the_ones_the_code_defines() -> None:
    from supportflow.errors import STEP_FAILURES, STEP_RETRYABLE, names

    for name, state in _tasks().items():
        retried = {e for r in state.get("Retry", []) for e in r["ErrorEquals"]}
        assert retried - TRANSIENT == set(names(STEP_RETRYABLE)), name
        if name == "RecordFailure":
            continue
        caught = [
            c["ErrorEquals"]
            for c in state["Catch"]
            if c["ErrorEquals"] != ["States.ALL"] and c["Next"] != "Triage"
        ]
        assert caught == [names(STEP_FAILURES)], name


def test_a_lost_signal_times_out_and_goes_back_through_triage() -> None:
    for state in _tasks().values():
        if not state["Resource"].endswith(".waitForTaskToken"):
            continue
        assert 0 < state["HeartbeatSeconds"] <= 3600
        first = state["Catch"][0]
        assert first["Next"] == "Triage" and "States.HeartbeatTimeout" in first["ErrorEquals"]
        assert first["ResultPath"] != "$"  # the ticket id travels on


def test_the_routes_are_the_stages_the_ticket_knows() -> None:
    from supportflow.domain.ticket.routing import Stage

    routes = {c["StringEquals"]: c["Next"] for c in ASL["States"]["Route"]["Choices"]}
    assert set(routes) == {s.value for s in Stage if s != Stage.TRIAGE} | {"escalate"}
    for stage, state in routes.items():
        payload = ASL["States"][state].get("Parameters", {}).get("Payload", {})
        if "stage" in payload:  # a callback step parks the ticket at the stage it is named for
            assert payload["stage"] == stage
