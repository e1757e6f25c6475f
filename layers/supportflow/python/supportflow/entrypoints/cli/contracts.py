"""The contract commands of the CLI, through the desk's admin API.

    supportflow contract put FILE      record each contract in FILE (YAML or JSON) as a new version
    supportflow contract show ID       every version of one customer's contract
    supportflow contract list          every customer: pack, the version in force, the next
    supportflow statement --customer ID --period YYYY-MM [--format text|json|csv]

Where the desk is: --api URL, else SUPPORTFLOW_API, else the local stack
(http://localhost:8080/api). Who is asking: SUPPORTFLOW_AUTHORIZATION (the whole header, e.g. a
Cognito ID token), else `Bearer $SUPPORTFLOW_TOKEN`, else the local stack's admin token.

A FILE is checked before anything is sent: a bad contract exits 2 naming the file, the path in
it and the reason, and nothing is stored.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from supportflow.contracts.contract import ContractError
from supportflow.domain.policy.errors import PolicyError
from supportflow.policies.registry import load_policy_file
from supportflow.services.admin.contracts import read_contract

LOCAL_API = "http://localhost:8080/api"
LOCAL_ADMIN_TOKEN = "local-admin-token"
TIMEOUT = 30


class ContractCommandError(ValueError):
    """Bad input or a refusal by the desk: exit 2."""


class DeskUnreachable(RuntimeError):
    """The desk did not answer: exit 1."""


def read_file(path: str) -> list[dict[str, Any]]:
    """The contracts in FILE, each checked: one contract, or a `contracts` list."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ContractCommandError(f"{path}: cannot read: {reason}") from None
    try:
        data = yaml.safe_load(text)  # YAML is a superset of JSON
    except yaml.YAMLError as exc:
        raise ContractCommandError(
            f"{path}: not YAML or JSON: {' '.join(str(exc).split())}"
        ) from None
    if isinstance(data, dict) and "contracts" in data:
        items, where = data["contracts"], "contracts"
        if not isinstance(items, list) or not items:
            raise ContractCommandError(f"{path}: contracts: must be a non-empty list")
        named = [(f"{where}[{n}]", item) for n, item in enumerate(items)]
    else:
        named = [("contract", data)]
    found = []
    for where, item in named:
        try:
            read_contract(_plain(item), where)
        except ContractError as exc:
            if "unknown policy" not in str(exc):
                raise ContractCommandError(f"{path}: {exc}") from None
            # A pack this machine does not ship may be published at the desk: it decides.
        found.append(_plain(item))
    return found


def _plain(value: Any) -> Any:
    """YAML's dates and datetimes as ISO texts (what the API takes)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


class AdminApi:
    def __init__(self, base: str | None) -> None:
        self.base = (base or os.environ.get("SUPPORTFLOW_API") or LOCAL_API).rstrip("/")
        header = os.environ.get("SUPPORTFLOW_AUTHORIZATION")
        token = os.environ.get("SUPPORTFLOW_TOKEN") or LOCAL_ADMIN_TOKEN
        self.authorization = header or f"Bearer {token}"

    def call(self, method: str, path: str, body: Any = None, raw: bool = False) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Authorization", self.authorization)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            message = _message(exc)
            if exc.code >= 500:
                raise DeskUnreachable(f"the desk answered {exc.code}: {message}") from None
            raise ContractCommandError(f"the desk refused ({exc.code}): {message}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise DeskUnreachable(f"cannot reach the desk at {self.base}: {reason}") from None

    def put(self, contract: dict[str, Any]) -> Any:
        return self.call(
            "PUT", f"/contracts/{quote(str(contract['customer_id']), safe='')}", contract
        )

    def show(self, customer_id: str) -> Any:
        return self.call("GET", f"/contracts/{quote(customer_id, safe='')}")

    def list(self) -> Any:
        return self.call("GET", "/contracts")

    def statement(self, customer_id: str, period: str, form: str) -> Any:
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
            raise ContractCommandError(f"--period {period!r} is not a month (YYYY-MM)")
        path = f"/customers/{quote(customer_id, safe='')}/statement?period={period}&format={form}"
        return self.call("GET", path, raw=form != "json")

    def report(self, customer_id: str, period: str) -> Any:
        path = f"/customers/{quote(customer_id, safe='')}/report?period={period}"
        return self.call("GET", path)


def _message(exc: urllib.error.HTTPError) -> str:
    try:
        return str(json.loads(exc.read())["message"])
    except (ValueError, KeyError, TypeError, OSError):
        return exc.reason if isinstance(exc.reason, str) else "no reason given"


def read_policy_file(path: str) -> dict[str, Any]:
    """A policy pack file (YAML), checked as the desk will check it, as JSON for the API."""
    try:
        policy = load_policy_file(path)
    except PolicyError as exc:
        raise ContractCommandError(str(exc)) from None
    data = _plain(yaml.safe_load(Path(path).read_text(encoding="utf-8")))
    assert isinstance(data, dict) and data.get("id") == policy.id
    return data


def run_policy(command: str, target: str | None, api: str | None) -> Any:
    """`supportflow policy publish FILE | show ID | list`: through the admin API."""
    desk = AdminApi(api)
    if command == "publish":
        assert target is not None
        pack = read_policy_file(target)
        return desk.call("PUT", f"/policies/{quote(str(pack['id']), safe='')}", pack)
    if command == "show":
        assert target is not None
        return desk.call("GET", f"/policies/{quote(target, safe='')}")
    return desk.call("GET", "/policies")


def run(command: str, target: str | None, api: str | None) -> Any:
    desk = AdminApi(api)
    if command == "put":
        assert target is not None
        contracts = read_file(target)
        stored = [desk.put(c) for c in contracts]
        return stored[0] if len(stored) == 1 else stored
    if command == "show":
        assert target is not None
        return desk.show(target)
    return desk.list()
