"""The typed payloads of the workflow's steps and of a timer, as the state machine and
EventBridge Scheduler send them (statemachines/ticket.asl.json, domain/ticket/timers.py)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from supportflow.domain.ticket.routing import Stage
from supportflow.domain.ticket.timers import AUTO_CLOSE, ESCALATION

TicketId = str


class _Step(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    ticket_id: TicketId = Field(min_length=1, max_length=64)


class TriageInput(_Step):
    pass


class ParkInput(_Step):
    stage: Stage
    token: str = Field(min_length=1)


class EscalateInput(_Step):
    metric: str
    rung: int = Field(ge=0)


class StepError(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    error: str = Field(default="Unknown", alias="Error")
    cause: str = Field(default="", alias="Cause")

    @field_validator("error", "cause", mode="before")
    @classmethod
    def _text(cls, value: object) -> str:
        return "" if value is None else str(value)  # Step Functions may send a null Cause


class RecordFailureInput(_Step):
    error: StepError = Field(default_factory=StepError)


class TimerPayload(_Step):
    """What a timer carries (`domain.timers.plan_timers` makes it)."""

    name: str = ""
    kind: Literal["escalation", "auto_close"] = ESCALATION  # type: ignore[assignment]
    metric: str | None = None
    rung: int = -1
    attempt: int = Field(default=0, ge=0, le=1000)  # how often it was re-armed


assert set(TimerPayload.model_fields["kind"].annotation.__args__) == {ESCALATION, AUTO_CLOSE}  # type: ignore[union-attr]
