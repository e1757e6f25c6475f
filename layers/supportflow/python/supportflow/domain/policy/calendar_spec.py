"""The calendars section of a policy: each named calendar's zone, weekly hours, holidays and date
overrides as written in the document, and how it becomes a `BusinessCalendar`."""

from __future__ import annotations

from datetime import date

from pydantic import Field, field_validator

from supportflow.domain.calendar.business_calendar import BusinessCalendar
from supportflow.domain.calendar.opening_hours import WEEKDAYS, Interval
from supportflow.domain.common.timeutil import parse_duration
from supportflow.domain.common.vocabulary import DurationText, PolicyModel


class HolidaySpec(PolicyModel):
    country: str | None = None
    subdivision: str | None = None
    add: dict[date, str] = Field(default_factory=dict)
    remove: list[date] = Field(default_factory=list)


class CalendarSpec(PolicyModel):
    timezone: str
    hours: dict[str, list[str]]
    holidays: HolidaySpec = Field(default_factory=HolidaySpec)
    holiday_hours: list[str] = Field(
        default_factory=list, description="open intervals on a holiday (default: closed)"
    )
    overrides: dict[date, list[str]] = Field(default_factory=dict)
    workday: DurationText | None = Field(
        default=None, description="length of a working day (default: the usual open day)"
    )

    @field_validator("hours")
    @classmethod
    def _weekdays(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for key, intervals in value.items():
            if key not in WEEKDAYS:
                raise ValueError(f"{key!r} is not a weekday (use {', '.join(WEEKDAYS)})")
            for text in intervals:
                Interval.parse(text)
        return value

    def build(self, name: str) -> BusinessCalendar:
        workday = parse_duration(self.workday) if self.workday is not None else None
        return BusinessCalendar(
            self.timezone,
            self.hours,
            name=name,
            holiday_country=self.holidays.country,
            holiday_subdivision=self.holidays.subdivision,
            holidays_added=self.holidays.add,
            holidays_removed=self.holidays.remove,
            holiday_hours=self.holiday_hours,
            overrides=self.overrides,
            workday_seconds=workday,
        )
