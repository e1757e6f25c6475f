"""Escalation ladders: the rungs a policy lists (who is notified at '75%', 'breach' or
'breach + 2h' of a metric's target), as a pack writes them (when each
rung falls due for a ticket is the SLA clock's: sla/escalation_points.py)."""

from __future__ import annotations

import re

from pydantic import Field, field_validator, model_validator

from supportflow.domain.common.vocabulary import PolicyModel


class LadderStep(PolicyModel):
    """One rung of an escalation ladder: `at` is '75%', 'breach' or 'breach + 2h'."""

    at: str
    notify: str
    metrics: list[str] | None = None
    priorities: list[str] | None = None
    rule: str | None = None

    @field_validator("at")
    @classmethod
    def _at(cls, value: str) -> str:
        parse_ladder_at(value)
        return value


class OnCall(PolicyModel):
    """Who is told the moment a ticket opens (R003-1, R003-4: "we get an alert and act at
    once"), outside office hours too: a ticket from one of `channels` (an outage from
    monitoring) or at one of `priorities` (a standby call). The address is the contract's for
    `role`."""

    role: str
    channels: list[str] = Field(default_factory=list)
    priorities: list[str] = Field(default_factory=list)


class Escalation(PolicyModel):
    roles: dict[str, str] = Field(default_factory=dict, description="role id -> who that is")
    ladder: list[LadderStep] = Field(default_factory=list)
    on_call: OnCall | None = None

    @model_validator(mode="after")
    def _on_call_is_a_role(self) -> Escalation:
        if self.on_call is not None and self.on_call.role not in self.roles:
            raise ValueError(f"on_call.role: {self.on_call.role!r} is not one of the roles")
        return self


def parse_ladder_at(text: str) -> tuple[float, str | None]:
    """'75%' -> (75, None); 'breach' -> (100, None); 'breach + 2h' -> (100, '2h')."""
    value = str(text).strip().lower()
    if value.endswith("%"):
        try:
            share = float(value[:-1])
        except ValueError:
            raise ValueError(f"not a percentage: {text!r}") from None
        if not 0 < share <= 100:
            raise ValueError(f"percentage {text!r} must be above 0 and at most 100")
        return share, None
    if value == "breach":
        return 100.0, None
    match = re.match(r"^breach\s*\+\s*(.+)$", value)
    if match:
        return 100.0, match[1].strip()
    raise ValueError(f"not a ladder point: {text!r} (use '75%', 'breach' or 'breach + 2h')")
