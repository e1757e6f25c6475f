"""The stretches an SLA metric ran (or stood paused), and where their open time on a business
calendar reaches an amount: the arithmetic behind a deadline and an escalation point."""

from __future__ import annotations

from dataclasses import dataclass

from supportflow.domain.calendar.business_calendar import BusinessCalendar


@dataclass(frozen=True)
class Span:
    """[start, end) in epoch microseconds; end None means still going at `now`."""

    start: int
    end: int | None


def open_us(calendar: BusinessCalendar, spans: list[Span], now_us: int) -> int:
    """The open time in `spans`, a span still going counted up to `now_us`."""
    return sum(calendar.between_us(s.start, now_us if s.end is None else s.end) for s in spans)


def clip(spans: list[Span], baseline: int | None) -> list[Span]:
    """The spans from `baseline` on (all of them when it is None)."""
    if baseline is None:
        return spans
    out = []
    for span in spans:
        if span.end is not None and span.end <= baseline:
            continue
        out.append(Span(max(span.start, baseline), span.end))
    return out


def reach(
    calendar: BusinessCalendar, spans: list[Span], amount: int, resume_at: int | None = None
) -> tuple[int | None, list[tuple[int, int]]]:
    """Where the running time in `spans` reaches `amount`, and the open stretches counted up to
    there (projected past `now` for a span still running). If the spans fall short, the answer
    is None, or, given `resume_at`, where the rest would run out counting on from there."""
    remaining = amount
    counted: list[tuple[int, int]] = []
    for span in spans:
        if span.end is None:
            due = calendar.add_us(span.start, remaining)
            counted.extend(calendar.segments_us(span.start, due))
            return due, counted
        got = calendar.between_us(span.start, span.end)
        if got >= remaining:
            due = calendar.add_us(span.start, remaining)
            counted.extend(calendar.segments_us(span.start, due))
            return due, counted
        counted.extend(calendar.segments_us(span.start, span.end))
        remaining -= got
    if amount == 0 and spans:
        return spans[0].start, counted
    if resume_at is not None:
        return calendar.add_us(resume_at, remaining), counted
    return None, counted
