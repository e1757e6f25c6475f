"""A pack's problem-management section (R004-8): which production incidents recurring suggest a
problem record, which incidents get an RCA task proactively, and whether a customer may ask for
an RCA report after a breach; `Seen` is what its rules look at in a ticket."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import Field

from supportflow.domain.common.vocabulary import PolicyModel


class IncidentRule(PolicyModel):
    """Which incidents a rule picks: any of the channels, priorities or categories listed."""

    channels: list[str] = Field(default_factory=list)
    priorities: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)

    def matches(self, seen: Seen) -> bool:
        return seen.type == "incident" and (
            seen.channel in self.channels
            or (seen.priority is not None and seen.priority in self.priorities)
            or (seen.category is not None and seen.category in self.categories)
        )


class Recurring(IncidentRule):
    """Production incidents (the rule's) that recur: `count` of them within `within_days`,
    for the customer or for one category of its service, suggest a problem record."""

    count: int = Field(default=2, ge=2, le=100, description="R004-8: more than once")
    within_days: int = Field(default=30, ge=1, le=366)
    per: Literal["customer", "category"] = "customer"


class ProblemSpec(PolicyModel):
    rule: str | None = None
    recurring: Recurring | None = None
    rca: IncidentRule | None = Field(
        default=None, description="incidents that get an RCA task proactively (R004-8: top)"
    )
    rca_on_request: bool = Field(
        default=False, description="a customer may ask for an RCA report after a breach"
    )

    @property
    def defined(self) -> bool:
        return self.recurring is not None or self.rca is not None or self.rca_on_request


@dataclass(frozen=True)
class Seen:
    """What problem management looks at in a ticket."""

    ticket_id: str
    opened_at: datetime
    type: str
    channel: str | None
    priority: str | None
    category: str | None
    problems: tuple[str, ...] = ()  # the problem records that link it
    suggested: bool = False  # a problem record was suggested for it already
    rca_tasks: tuple[str, ...] = ()
