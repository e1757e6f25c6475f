"""A calendar's public holidays: a country's (and subdivision's) from the `holidays` package, with
the calendar's own additions and removals, worked out per year when first asked for."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from supportflow.domain.calendar.opening_hours import CalendarError


class PublicHolidays:
    """The public holidays one calendar observes (none without a country, bar the additions)."""

    def __init__(
        self,
        country: str | None,
        subdivision: str | None,
        added: Mapping[date, str] | None,
        removed: Iterable[date],
    ) -> None:
        if country:
            try:
                import holidays as holidays_lib  # ~60 ms: only when a calendar has a country

                holidays_lib.country_holidays(country, subdiv=subdivision, years=2024)
            except NotImplementedError:
                raise CalendarError(
                    f"unknown holiday country/subdivision {country!r}/{subdivision!r}"
                ) from None
        self.country = country
        self.subdivision = subdivision
        self.added = dict(added or {})
        self.removed = frozenset(removed)
        self._by_year: dict[int, dict[date, str]] = {}

    def in_year(self, year: int) -> dict[date, str]:
        """The holidays of one year: date -> name."""
        cached = self._by_year.get(year)
        if cached is None:
            cached = {}
            if self.country:
                import holidays as holidays_lib  # ~60 ms: only when a calendar has a country

                lib = holidays_lib.country_holidays(
                    self.country, subdiv=self.subdivision, years=year
                )
                cached = {d: str(n) for d, n in lib.items() if d.year == year}
            for d in self.removed:
                cached.pop(d, None)
            for d, n in self.added.items():
                if d.year == year:
                    cached[d] = n
            self._by_year[year] = cached
        return cached
