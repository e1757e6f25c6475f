"""A pack's availability section (R001-7, R004-11): the share of time up in and outside hours,
the interruptions allowed, how soon an outage is restored, which tickets are outages, and how
long before maintenance must be announced."""

from __future__ import annotations

from pydantic import Field

from supportflow.domain.common.vocabulary import PolicyModel


class HoursTarget(PolicyModel):
    percent: float = Field(ge=0, le=100)
    calendar: str | None = Field(default=None, description="in hours: the calendar (default)")
    rule: str | None = None


class OutageRule(PolicyModel):
    channels: list[str] = Field(default_factory=lambda: ["monitoring"])
    priorities: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)


class AvailabilitySpec(PolicyModel):
    in_hours: HoursTarget | None = None
    outside_hours: HoursTarget | None = None
    max_interruptions: int | None = Field(default=None, ge=0)
    restore_within: str | None = Field(default=None, description="a duration on the calendar")
    maintenance_notice: str | None = Field(
        default=None, description="announced at least this long before: not counted (R001-7)"
    )
    outages: OutageRule = Field(default_factory=OutageRule)
    rule: str | None = None

    @property
    def defined(self) -> bool:
        return self.in_hours is not None or self.outside_hours is not None
