"""Calendar months as periods: the SLA review, the statement and availability count per month,
in a policy's zone."""

from __future__ import annotations

import calendar as month_names
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo


class ReportError(ValueError):
    """A report cannot be made of this input (a bad period, an unknown metric)."""


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        parts = text.split("-") if isinstance(text, str) else []
        try:
            if len(text) != 7 or len(parts) != 2:
                raise ValueError
            year, month = int(parts[0]), int(parts[1])
            date(year, month, 1)
        except (ValueError, TypeError):
            raise ReportError(f"period {text!r} is not a month (YYYY-MM)") from None
        return cls(year, month)

    @classmethod
    def of(cls, instant: datetime, zone: tzinfo) -> Month:
        local = instant.astimezone(zone)
        return cls(local.year, local.month)

    def start(self, zone: tzinfo) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=zone)

    def end(self, zone: tzinfo) -> datetime:
        """The first instant of the next month."""
        return self.next().start(zone)

    def last_instant(self, zone: tzinfo) -> datetime:
        """The month's last microsecond (the version of a pack in force then sets the bar)."""
        return self.end(zone) - timedelta(microseconds=1)

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def name(self) -> str:
        return f"{month_names.month_name[self.month]} {self.year}"

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"
