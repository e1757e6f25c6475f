"""A policy pack checked as a whole, and its loading from YAML: any problem is a `PolicyError`
naming the file and the place inside it."""

from __future__ import annotations

from typing import Any, Self

import yaml
from pydantic import ValidationError, model_validator

from supportflow.domain.calendar.opening_hours import CalendarError
from supportflow.domain.common.timeutil import TimeFormatError
from supportflow.domain.policy.checks import check_policy
from supportflow.domain.policy.document import PolicyDocument
from supportflow.domain.policy.errors import PathError, PolicyError


class Policy(PolicyDocument):
    """A policy whose parts agree: every calendar, priority, metric and role a part names
    exists, shares are percentages, every duration parses on its calendar (checks.py)."""

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        check_policy(self)
        return self


# ----- loading ----------------------------------------------------------------------------------


def load_policy_text(text: str, where: str) -> Policy:
    """Parse and validate a policy document; any problem is a PolicyError naming the place."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise PolicyError(where, line, f"not valid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise PolicyError(where, "", "a policy must be a YAML mapping")
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        path = _dotted(error.get("loc", ()))
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, PathError):
            path = cause.path
            reason = cause.reason
        else:
            reason = _reason(error)
        raise PolicyError(where, path, reason) from None
    except PathError as exc:
        raise PolicyError(where, exc.path, exc.reason) from None
    except (CalendarError, TimeFormatError) as exc:
        raise PolicyError(where, "", str(exc)) from None


def _dotted(loc: tuple[Any, ...] | list[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _reason(error: Any) -> str:
    message = str(error.get("msg", "invalid"))
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            message = message[len(prefix) :]
    if error.get("type") == "extra_forbidden":
        message = "unknown field"
    elif error.get("type") == "missing":
        message = "required field is missing"
    return message.replace("\n", " ")
