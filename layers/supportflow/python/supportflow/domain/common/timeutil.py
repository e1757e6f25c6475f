"""Instants, durations and their text forms.

Instants are exchanged as ISO 8601 with an explicit offset and stored in UTC. Inside the engine an
instant is an integer count of microseconds since the Unix epoch, so business-time arithmetic is
exact (no float rounding) and the calendar can search plain integer arrays.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, tzinfo

US = 1_000_000  # microseconds per second


class TimeFormatError(ValueError):
    """A text that should be an instant or a duration is not one."""


def to_us(instant: datetime) -> int:
    """Microseconds since the epoch of an aware datetime.

    Through the float timestamp, which is exact to the microsecond for any instant before the
    year 2200 (a float's 53 bits hold 2**53 us, about 285 years on either side of 1970)."""
    if instant.tzinfo is None:
        raise TimeFormatError(f"instant {instant.isoformat()} has no UTC offset")
    return round(instant.timestamp() * US)


def from_us(us: int, zone: tzinfo = UTC) -> datetime:
    """The aware datetime, in `zone`, of microseconds since the epoch (exact)."""
    seconds, micro = divmod(us, US)
    value = datetime.fromtimestamp(seconds, zone)
    return value.replace(microsecond=micro) if micro else value


def parse_instant(text: str, default_zone: tzinfo | None = None) -> datetime:
    """Parse ISO 8601. A text without an offset is read in `default_zone` (if given)."""
    if not isinstance(text, str) or not text.strip():
        raise TimeFormatError(f"not an ISO 8601 instant: {text!r}")
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise TimeFormatError(f"not an ISO 8601 instant: {text!r}") from None
    if value.tzinfo is None:
        if default_zone is None:
            raise TimeFormatError(f"instant {text!r} has no UTC offset")
        value = value.replace(tzinfo=default_zone)
    return value


def format_instant(instant: datetime | None, zone: tzinfo | None = None) -> str | None:
    """ISO 8601 with the offset of `zone` (seconds precision unless sub-second parts exist)."""
    if instant is None:
        return None
    if zone is not None:
        instant = instant.astimezone(zone)
    timespec = "seconds" if instant.microsecond == 0 else "microseconds"
    return instant.isoformat(timespec=timespec)


_DURATION = re.compile(
    r"^\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>"
    r"s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|"
    r"wd|workday|workdays|working\s+day|working\s+days)\s*$",
    re.IGNORECASE,
)

_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}
_MONTHS = re.compile(r"^\s*(?P<num>\d+)\s*(?:month|months|calendar\s+months?)\s*$", re.IGNORECASE)


def calendar_months(text: str | int | float | None) -> int | None:
    """The number of calendar months in a target such as '1 month' (R004-8: an RCA report
    "binnen 1 maand"), or None when the text is not in months. A month is not a fixed number of
    seconds: it runs from an instant to the same wall-clock time that many months later."""
    if not isinstance(text, str):
        return None
    match = _MONTHS.match(text)
    return int(match["num"]) if match else None


def add_months(instant: datetime, months: int) -> datetime:
    """The same wall-clock time `months` calendar months later, in the instant's own zone (on
    the month's last day when it is shorter: 31 January + 1 month is 28 or 29 February)."""
    year, month = divmod(instant.month - 1 + months, 12)
    year += instant.year
    month += 1
    days = (date(year + month // 12, month % 12 + 1, 1) - date(year, month, 1)).days
    moved = instant.replace(year=year, month=month, day=min(instant.day, days), fold=0)
    # A wall-clock time the zone skips (the spring gap) moves on by the gap; of an ambiguous one
    # (the autumn hour) the first is taken. The round trip through UTC settles both.
    return moved.astimezone(UTC).astimezone(instant.tzinfo)


def parse_duration(text: str | int | float, workday_seconds: int | None = None) -> int:
    """A business duration in whole seconds: '30m', '4h', '0.5 workday', '2 workdays'.

    A workday is the length of the calendar's working day (`workday_seconds`). A bare number is
    read as minutes (the unit policies use most)."""
    if isinstance(text, bool):
        raise TimeFormatError(f"not a duration: {text!r}")
    if isinstance(text, int | float):
        return _whole(float(text) * 60, text)
    match = _DURATION.match(str(text))
    if not match:
        raise TimeFormatError(
            f"not a duration: {text!r} (use e.g. '30m', '4h', '0.5 workday', '2 workdays')"
        )
    number = float(match["num"])
    unit = match["unit"].lower()
    if unit[0] == "w":
        if workday_seconds is None:
            raise TimeFormatError(f"{text!r} is in workdays but no workday length is known")
        return _whole(number * workday_seconds, text)
    key = "h" if unit.startswith("h") else "m" if unit.startswith("m") else "s"
    return _whole(number * _UNIT_SECONDS[key], text)


def _whole(seconds: float, original: object) -> int:
    if seconds < 0:
        raise TimeFormatError(f"duration {original!r} is negative")
    rounded = round(seconds)
    if abs(rounded - seconds) > 1e-6:
        raise TimeFormatError(f"duration {original!r} is not a whole number of seconds")
    return int(rounded)


def format_seconds(seconds: float) -> str:
    """A human form of a number of seconds: '3h30m', '45m', '0m', '2h0m12s'."""
    sign = "-" if seconds < 0 else ""
    total = round(abs(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}h{minutes:02d}m" if hours else f"{minutes}m"
    if secs:
        text += f"{secs:02d}s"
    return sign + text


def seconds_value(us: int) -> int | float:
    """Microseconds as JSON seconds: an int when whole, else a float."""
    whole, rest = divmod(us, US)
    return whole if rest == 0 else us / US
