"""The priorities section of a policy: the levels (highest first), the rules on request type,
category and channel, the urgency x impact matrix, the default; and the ticket attributes they
look at. How a ticket then gets its priority is in priority.py."""

from __future__ import annotations

from functools import cached_property
from typing import Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from supportflow.domain.common.vocabulary import (
    CHANNELS,
    REQUEST_TYPES,
    Ident,
    PolicyModel,
    check_id,
)


class PriorityLevel(PolicyModel):
    id: Ident
    label: str | None = None
    description: str | None = None
    calendar: str | None = Field(
        default=None, description="the calendar this priority's targets run on (default: metric's)"
    )
    by_rule_only: bool = Field(
        default=False,
        description="only a rule gives this level: never a customer's proposal nor an agent's "
        "priority change (R004-8: an RCA report's month)",
    )
    review: Literal["always", "when_used"] = Field(
        default="always",
        description="a tier of the SLA review even in a month without its tickets, or only "
        "with them (a level for the desk's own work, such as R004-8's RCA reports)",
    )

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return check_id(value)


class Condition(PolicyModel):
    """Matches a ticket when every given attribute is one of the listed values, and (with
    `during`) when the ticket was opened while the named calendar was open."""

    type: list[str] | None = None
    category: list[str] | None = None
    channel: list[str] | None = None
    during: str | None = None
    agreed: str | None = Field(
        default=None,
        description="and the opening fell in a period of this kind the customer's contract "
        "agreed in advance (R003-4 standby); a ticket judged without its contract's periods "
        "counts every such time as agreed",
    )

    @field_validator("type")
    @classmethod
    def _types(cls, value: list[str] | None) -> list[str] | None:
        for v in value or []:
            if v not in REQUEST_TYPES:
                raise ValueError(f"{v!r} is not a request type ({', '.join(REQUEST_TYPES)})")
        return value

    @field_validator("channel")
    @classmethod
    def _channels(cls, value: list[str] | None) -> list[str] | None:
        for v in value or []:
            if v not in CHANNELS:
                raise ValueError(f"{v!r} is not a channel ({', '.join(CHANNELS)})")
        return value

    def matches(self, attributes: TicketAttributes) -> bool:
        checks = (
            (self.type, attributes.type),
            (self.category, attributes.category),
            (self.channel, attributes.channel),
        )
        if self.during is not None and self.during not in attributes.opened_during:
            return False
        known = attributes.agreed
        if self.agreed is not None and known is not None and self.agreed not in known:
            return False
        return all(allowed is None or value in allowed for allowed, value in checks)


class PriorityRule(PolicyModel):
    """`when` matches -> `priority` (None: the ticket gets no priority and no targets)."""

    when: Condition
    priority: str | None
    rule: str | None = Field(default=None, description="the contract rule this traces to")


class PriorityMatrix(PolicyModel):
    urgency: list[str]
    impact: list[str]
    table: dict[str, dict[str, str]]

    @model_validator(mode="after")
    def _complete(self) -> PriorityMatrix:
        for u in self.urgency:
            row = self.table.get(u)
            if row is None:
                raise ValueError(f"table has no row for urgency {u!r}")
            for i in self.impact:
                if i not in row:
                    raise ValueError(f"table row {u!r} has no entry for impact {i!r}")
        for u, row in self.table.items():
            if u not in self.urgency:
                raise ValueError(f"table row {u!r} is not a listed urgency")
            for i in row:
                if i not in self.impact:
                    raise ValueError(f"table row {u!r} names {i!r}, not a listed impact")
        return self


class Priorities(PolicyModel):
    levels: list[PriorityLevel] = Field(min_length=1, description="highest first")
    default: str | None
    accept_proposed: bool = Field(
        default=True, description="a priority proposed on the ticket is taken as given"
    )
    rules: list[PriorityRule] = Field(default_factory=list)
    matrix: PriorityMatrix | None = None

    @cached_property
    def ids(self) -> tuple[str, ...]:
        return tuple(level.id for level in self.levels)

    @cached_property
    def by_rule_only(self) -> frozenset[str]:
        return frozenset(level.id for level in self.levels if level.by_rule_only)

    @cached_property
    def reviewed(self) -> tuple[str, ...]:
        """The levels the SLA review shows even when a month has none of their tickets."""
        return tuple(level.id for level in self.levels if level.review == "always")

    @model_validator(mode="after")
    def _known(self) -> Priorities:
        ids = [level.id for level in self.levels]
        if len(set(ids)) != len(ids):
            raise ValueError("priority ids must be unique")
        if self.default is not None and self.default not in ids:
            raise ValueError(f"default {self.default!r} is not a listed priority")
        for n, rule in enumerate(self.rules):
            if rule.priority is not None and rule.priority not in ids:
                raise ValueError(f"rules[{n}] names unknown priority {rule.priority!r}")
        if self.matrix:
            for row in self.matrix.table.values():
                for p in row.values():
                    if p not in ids:
                        raise ValueError(f"matrix names unknown priority {p!r}")
        return self


class TicketAttributes(PolicyModel):
    """What the policy looks at to classify a ticket."""

    model_config = ConfigDict(extra="allow", frozen=True)

    priority: str | None = None
    urgency: str | None = None
    impact: str | None = None
    channel: str | None = None
    type: str = "incident"
    category: str | None = None
    opened_during: tuple[str, ...] = Field(
        default=(), description="the policy calendars that were open when the ticket was opened"
    )
    agreed: tuple[str, ...] | None = Field(
        default=None,
        description="the kinds of contract-agreed periods (standby) the opening fell in; None: "
        "the contract's periods are not known",
    )
