"""Reading contracts from YAML (or JSON) text, with every problem in one line."""

from __future__ import annotations

import yaml
from pydantic import ValidationError

from supportflow.contracts.contract import Contract, ContractError


def contracts_from_yaml(text: str, where: str) -> list[Contract]:
    """The contracts of a YAML (or JSON) document: a `contracts` list, or one contract."""
    try:
        data = yaml.safe_load(text) or {}
        if isinstance(data, dict) and "contracts" not in data and "customer_id" in data:
            data = {"contracts": [data]}
        return [Contract.model_validate(c) for c in data.get("contracts", [])]
    except (yaml.YAMLError, ValidationError, AttributeError) as exc:
        raise ContractError(f"{where}: {reason_of(exc)}") from None


def reason_of(exc: Exception) -> str:
    """One line: for a validation error, the path of each problem and its reason."""
    if isinstance(exc, ValidationError):
        parts = []
        for e in exc.errors():
            where = ".".join(str(p) for p in e["loc"])
            message = str(e["msg"]).removeprefix("Value error, ")
            parts.append(f"{where}: {message}" if where else message)
        return "; ".join(parts)
    return " ".join(str(exc).split())
