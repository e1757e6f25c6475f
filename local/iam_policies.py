"""Each function's IAM statements as deployed, checked against the calls it made (aws_calls.py).

template.yaml is translated offline to CloudFormation (tools/sam_translate.py: SAM's policy
templates and event-source grants expanded, as `sam deploy` does), each function's role is
found, and its statements' intrinsics (`!Sub`, `!GetAtt`, `!Ref`) are resolved to the names the
local stack gave the same resources. A request is allowed when an Allow statement matches its
action and resource (IAM's `*` and `?` wildcards, actions case-insensitive) and no Deny does.

Conditions: `dynamodb:LeadingKeys` is known for an operation on one item (its partition key)
and checked with the string operators; any other condition key counts as holding. What this
cannot see beyond that: KMS key policies, resource-based policies (a bucket's, a
queue's), service control policies, and calls the functions do not make through botocore (a
presigned URL used by a browser, the Lambda service polling a stream for its event source).
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import re
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from local.aws_calls import Call, Request, requests

if TYPE_CHECKING:
    from local.stack import LocalStack

ROOT = Path(__file__).resolve().parents[1]
SAM_PYTHON = ROOT / ".venv-tools" / "sam" / "bin" / "python"


@cache
def translated(template: Path = ROOT / "template.yaml") -> dict[str, Any]:
    """template.yaml as CloudFormation (once per process; kept on disk by the content of the
    template and the translator, so every local stack a test run starts translates it once)."""
    translator = ROOT / "tools" / "sam_translate.py"
    digest = hashlib.sha256(template.read_bytes() + translator.read_bytes()).hexdigest()[:24]
    kept = Path(tempfile.gettempdir()) / f"supportflow-template-{digest}.cfn.json"
    if kept.exists():
        try:
            cached: dict[str, Any] = json.loads(kept.read_text())
            return cached
        except (OSError, ValueError):
            pass  # half written by another process: translate again
    if not SAM_PYTHON.exists():
        raise RuntimeError(f"{SAM_PYTHON} is missing: `make tools` (or `make test`) installs it")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "template.cfn.json"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
        command = [
            str(SAM_PYTHON),
            str(ROOT / "tools" / "sam_translate.py"),
            str(template),
            str(out),
        ]
        subprocess.run(command, check=True, capture_output=True, env=env, timeout=300)
        data: dict[str, Any] = json.loads(out.read_text())
    partial = kept.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps(data))
    partial.replace(kept)  # whole or not at all
    return data


@dataclass(frozen=True)
class Names:
    """What the intrinsics resolve to: the local stack's names for the template's resources."""

    region: str
    account: str
    stack: str
    refs: Mapping[str, str]  # logical id or parameter -> its Ref
    arns: Mapping[str, str]  # logical id -> its Arn (GetAtt X.Arn)
    attributes: Mapping[tuple[str, str], str]  # (logical id, attribute) -> value

    def ref(self, name: str) -> str:
        pseudo = {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account,
            "AWS::Partition": "aws",
            "AWS::StackName": self.stack,
            "AWS::URLSuffix": "amazonaws.com",
        }
        return pseudo.get(name) or self.refs.get(name) or f"<{name}>"

    def get_att(self, logical_id: str, attribute: str) -> str:
        if attribute == "Arn" and logical_id in self.arns:
            return self.arns[logical_id]
        return self.attributes.get((logical_id, attribute), f"<{logical_id}.{attribute}>")


def resolve(value: Any, names: Names) -> Any:
    """A statement's value with its intrinsics resolved (unknown names stay visibly unknown)."""
    if isinstance(value, list):
        return [resolve(v, names) for v in value]
    if not isinstance(value, dict):
        return value
    if "Ref" in value:
        return names.ref(value["Ref"])
    if "Fn::GetAtt" in value:
        target = value["Fn::GetAtt"]
        logical_id, attribute = target if isinstance(target, list) else target.split(".", 1)
        return names.get_att(logical_id, attribute)
    if "Fn::Sub" in value:
        text, extra = (
            (value["Fn::Sub"], {}) if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"]
        )
        variables = {k: resolve(v, names) for k, v in extra.items()}

        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return str(variables[name])
            if "." in name and not name.startswith("AWS::"):
                return names.get_att(*name.split(".", 1))
            return names.ref(name)

        return re.sub(r"\$\{([^}!]+)\}", one, text)
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(str(resolve(p, names)) for p in resolve(parts, names))
    return {k: resolve(v, names) for k, v in value.items()}


def role_statements(cfn: Mapping[str, Any], function_id: str, names: Names) -> list[dict[str, Any]]:
    """The statements of a function's role's inline policies, resolved."""
    resources = cfn["Resources"]
    role = resources[function_id]["Properties"]["Role"]
    role_id = (
        role["Fn::GetAtt"][0]
        if isinstance(role["Fn::GetAtt"], list)
        else role["Fn::GetAtt"].split(".")[0]
    )
    out: list[dict[str, Any]] = []
    for policy in resources[role_id]["Properties"].get("Policies", []):
        statements = policy["PolicyDocument"]["Statement"]
        for statement in statements if isinstance(statements, list) else [statements]:
            out.append(resolve(statement, names))
    return out


def _listed(value: Any) -> list[str]:
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def _matches(pattern: str, value: str, *, fold: bool = False) -> bool:
    if fold:
        pattern, value = pattern.lower(), value.lower()
    return fnmatch.fnmatchcase(value, pattern.replace("[", "[[]"))


def _condition_holds(condition: Mapping[str, Any], known: Mapping[str, tuple[str, ...]]) -> bool:
    """A statement's Condition against the keys known from the call. Only the string operators
    (with ForAllValues/ForAnyValue) on a known key are evaluated; any other condition is taken
    to hold (what this check cannot see)."""
    for operator, tests in condition.items():
        qualifier, _, base = operator.rpartition(":")
        if base not in ("StringEquals", "StringLike"):
            continue
        for key, expected in tests.items():
            if key not in known:
                continue
            patterns = _listed(expected)
            ok = [
                any(_matches(p, v) if base == "StringLike" else p == v for p in patterns)
                for v in known[key]
            ]
            if not (any(ok) if qualifier == "ForAnyValue" else all(ok)):
                return False
    return True


def granting(statements: Iterable[Mapping[str, Any]], request: Request) -> Mapping[str, Any] | None:
    """The first Allow statement that grants the request (None: refused, or denied)."""
    resources = (request.resource, *request.alternatives)
    known = dict(request.keys)

    def hits(statement: Mapping[str, Any]) -> bool:
        actions = _listed(statement.get("Action", []))
        if not any(_matches(a, request.action, fold=True) for a in actions):
            return False
        patterns = _listed(statement.get("Resource", []))
        if not any(_matches(p, r) for p in patterns for r in resources):
            return False
        return _condition_holds(statement.get("Condition") or {}, known)

    statements = list(statements)
    if any(s.get("Effect") == "Deny" and hits(s) for s in statements):
        return None
    return next((s for s in statements if s.get("Effect") == "Allow" and hits(s)), None)


def allowed(statements: Iterable[Mapping[str, Any]], request: Request) -> bool:
    return granting(statements, request) is not None


@dataclass(frozen=True)
class Refused:
    function: str
    request: Request
    operation: str

    def __str__(self) -> str:
        request = self.request
        return f"{self.function} may not {request.action} on {request.resource} ({self.operation})"


def refused(
    calls: Iterable[Call],
    functions: Mapping[str, str],
    names: Names,
    cfn: Mapping[str, Any],
    used: set[tuple[str, str]] | None = None,
) -> list[Refused]:
    """The requests the calls made that their function's role would not allow, once each.
    `functions` maps a function's name (as recorded) to its logical id; `used` collects the
    (function, statement Sid) pairs that granted a request."""
    seen: set[tuple[str, str, str, tuple[Any, ...]]] = set()
    out: list[Refused] = []
    statements: dict[str, list[dict[str, Any]]] = {}
    for call in calls:
        logical_id = functions[call.function]
        if logical_id not in statements:
            statements[logical_id] = role_statements(cfn, logical_id, names)
        for request in requests(call, names.region, names.account):
            key = (logical_id, request.action, request.resource, request.keys)
            if key in seen:
                continue
            seen.add(key)
            grant = granting(statements[logical_id], request)
            if grant is None:
                out.append(Refused(logical_id, request, f"{call.service}.{call.operation}"))
            elif used is not None:
                used.add((logical_id, label(grant)))
    return out


def names_of(stack: LocalStack, region: str, account: str, name: str) -> Names:
    """The local stack's names for the template's resources and parameters (the defaults)."""
    parameters = translated().get("Parameters", {})
    refs = {k: str(v.get("Default", f"<{k}>")) for k, v in parameters.items()}
    table_arn = f"arn:aws:dynamodb:{region}:{account}:table/{stack.table_name}"
    refs |= {
        "TicketsTable": stack.table_name,
        "TimerGroup": stack.schedule_group,
        "TicketStateMachine": stack.state_machine_arn,
    }
    arns = {"TicketsTable": table_arn, "SchedulerRole": stack.scheduler_role_arn}
    arns |= {"TicketStateMachine": stack.state_machine_arn, **stack.function_arns}
    refs["AgentUserPool"] = stack.sign_in.pool_id
    attributes = {("TicketsTable", "StreamArn"): stack.stream_arn}
    attributes |= {("AgentUserPool", "Arn"): stack.sign_in.pool_arn}
    attributes |= {("TicketStateMachine", "Name"): stack.state_machine_arn.rsplit(":", 1)[-1]}
    return Names(region, account, name, refs, arns, attributes)


def grants(cfn: Mapping[str, Any], function_id: str, names: Names) -> list[str]:
    """The Sids of a function's statements (what a report of unused grants lists)."""
    return [label(s) for s in role_statements(cfn, function_id, names)]


def label(statement: Mapping[str, Any]) -> str:
    """A statement's Sid, or its actions when it has none (SAM's own, from an event source)."""
    return str(statement.get("Sid") or ",".join(_listed(statement.get("Action", []))))


class RoleCheck:
    """One call against its function's role, for the local stack (`local.aws_calls.Enforcer`):
    None when allowed, else what was refused."""

    def __init__(self, stack: LocalStack, region: str, account: str, name: str) -> None:
        self.functions = {arn.rsplit(":", 1)[-1]: lid for lid, arn in stack.function_arns.items()}
        self.names = names_of(stack, region, account, name)
        self.cfn = translated()

    def __call__(self, call: Call) -> str | None:
        if call.function not in self.functions:
            return None
        found = refused([call], self.functions, self.names, self.cfn)
        return "; ".join(map(str, found)) or None
