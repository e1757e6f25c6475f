"""A ticket's SLA verdicts for the review (R004-5, R004-10): one per metric, from the SLA
clock's state, small enough to keep per customer and month (see `compliance` for the rules)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from typing import Any

from supportflow.domain.common.periods import Month, ReportError
from supportflow.domain.common.timeutil import US, format_instant, format_seconds, parse_instant
from supportflow.domain.sla.sla_state import BREACHED, RUNNING, MetricState, SlaState, TicketEvent

EXCLUDED_EVENT = "excluded"
MET_OUTCOME, BREACHED_OUTCOME, EXCLUDED_OUTCOME = "met", "breached", "excluded"


def local_text(instant: datetime | None, zone: tzinfo) -> str | None:
    """An instant as people at the review read it: day, date and time in the pack's zone, named
    ("Mon 31 Mar 10:07 CEST"), as the agent's ticket views show it."""
    if instant is None:
        return None
    local = instant.astimezone(zone)
    return f"{local:%a %d %b %H:%M} {local.tzname()}"


@dataclass(frozen=True)
class Exclusion:
    """An agent's decision that a breach does not count (R004-10), with who and why."""

    reason: str
    at: datetime
    by: str | None = None

    def as_dict(self, zone: tzinfo | None = None) -> dict[str, Any]:
        return {"reason": self.reason, "at": format_instant(self.at, zone), "by": self.by}


@dataclass(frozen=True)
class Verdict:
    """One metric of one ticket as the SLA clock saw it at `judged_at`."""

    ticket_id: str
    metric: str
    priority: str | None
    policy_id: str
    policy_version: int
    target: str | None
    target_rule: str | None
    state: str
    started_at: datetime | None
    due: datetime | None
    met_at: datetime | None
    breached: bool
    elapsed_us: int
    paused_us: int
    late_us: int  # business time past the deadline (0 unless breached)
    judged_at: datetime
    exclusion: Exclusion | None = None
    customer_id: str | None = None

    def month(self, zone: tzinfo) -> Month | None:
        return None if self.due is None else Month.of(self.due, zone)

    def at(self, now: datetime, open_between: Callable[[datetime, datetime], int]) -> Verdict:
        """This verdict at a later `now`: a metric still running past its deadline is breached,
        and later by the open time since. `open_between(a, b)` is the metric calendar's open
        microseconds in [a, b)."""
        if self.state != RUNNING or self.due is None or now <= self.judged_at:
            return self
        since = max(self.due, self.judged_at)
        if now <= since:
            return replace(self, judged_at=now)
        late = self.late_us + open_between(since, now)
        return replace(
            self,
            judged_at=now,
            breached=True,
            late_us=late,
            elapsed_us=self.elapsed_us + open_between(self.judged_at, now),
        )

    def outcome(self) -> str | None:
        """met, breached or excluded; None while it does not count yet (or has no deadline)."""
        if self.due is None:
            return None
        if self.met_at is None and not self.breached:
            return None  # still running (or paused) within its target
        if self.breached:
            return EXCLUDED_OUTCOME if self.exclusion is not None else BREACHED_OUTCOME
        return MET_OUTCOME

    def explanation(self, zone: tzinfo) -> str:
        """The SLA clock's account of this verdict in one line, in local time."""

        def local(t: datetime | None) -> str:
            return "-" if t is None else t.astimezone(zone).strftime("%Y-%m-%d %H:%M")

        source = f" ({self.target_rule})" if self.target_rule else ""
        parts = [
            f"{self.metric} target {self.target}{source} for {self.priority}, "
            f"policy {self.policy_id} v{self.policy_version}",
            f"started {local(self.started_at)}",
            f"due {local(self.due)}",
        ]
        if self.met_at is not None:
            parts.append(f"stopped {local(self.met_at)}")
        else:
            parts.append(f"still {self.state} at {local(self.judged_at)}")
        parts.append(f"{format_seconds(self.elapsed_us / US)} counted")
        if self.paused_us:
            parts.append(f"{format_seconds(self.paused_us / US)} paused")
        if self.breached:
            parts.append(f"{format_seconds(self.late_us / US)} late in business time")
        if self.exclusion is not None:
            parts.append(f"excluded: {self.exclusion.reason}")
        return "; ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ticket_id": self.ticket_id,
            "customer_id": self.customer_id,
            "metric": self.metric,
            "priority": self.priority,
            "policy_id": self.policy_id,
            "policy_version": self.policy_version,
            "target": self.target,
            "target_rule": self.target_rule,
            "state": self.state,
            "started_at": format_instant(self.started_at),
            "due": format_instant(self.due),
            "met_at": format_instant(self.met_at),
            "breached": self.breached,
            "elapsed_us": self.elapsed_us,
            "paused_us": self.paused_us,
            "late_us": self.late_us,
            "judged_at": format_instant(self.judged_at),
            "exclusion": None if self.exclusion is None else self.exclusion.as_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Verdict:
        def instant(key: str) -> datetime | None:
            value = data.get(key)
            return None if value is None else parse_instant(value)

        raw_exclusion = data.get("exclusion")
        exclusion = None
        if raw_exclusion:
            exclusion = Exclusion(
                reason=str(raw_exclusion["reason"]),
                at=parse_instant(raw_exclusion["at"]),
                by=raw_exclusion.get("by"),
            )
        judged_at = instant("judged_at")
        if judged_at is None:
            raise ReportError("a verdict needs 'judged_at'")
        return cls(
            ticket_id=str(data["ticket_id"]),
            customer_id=data.get("customer_id"),
            metric=str(data["metric"]),
            priority=data.get("priority"),
            policy_id=str(data["policy_id"]),
            policy_version=int(data["policy_version"]),
            target=data.get("target"),
            target_rule=data.get("target_rule"),
            state=str(data["state"]),
            started_at=instant("started_at"),
            due=instant("due"),
            met_at=instant("met_at"),
            breached=bool(data["breached"]),
            elapsed_us=int(data["elapsed_us"]),
            paused_us=int(data["paused_us"]),
            late_us=int(data["late_us"]),
            judged_at=judged_at,
            exclusion=exclusion,
        )


def exclusions_of(events: Sequence[TicketEvent], metrics: Iterable[str]) -> dict[str, Exclusion]:
    """The exclusion in force per metric: the latest `excluded` event naming it (or naming no
    metric, which excludes every metric); an `exclusion_withdrawn` event takes it back."""
    names = tuple(metrics)
    found: dict[str, Exclusion] = {}
    for event in events:
        if event.type not in (EXCLUDED_EVENT, "exclusion_withdrawn"):
            continue
        named = event.data.get("metric")
        if named not in (None, "", "all") and named not in names:
            raise ReportError(f"an exclusion names metric {named!r}, not one of {names}")
        which = names if named in (None, "", "all") else (str(named),)
        for metric in which:
            if event.type == "exclusion_withdrawn":
                found.pop(metric, None)
                continue
            reason = str(event.data.get("reason") or "").strip()
            if not reason:
                raise ReportError("an exclusion needs its reason (R004-10)")
            by = event.data.get("actor") or event.data.get("by")
            found[metric] = Exclusion(reason, event.at, None if by is None else str(by))
    return found


def verdicts_of(ticket_id: str, state: SlaState, customer_id: str | None = None) -> list[Verdict]:
    """One verdict per metric of a ticket, from the SLA clock's state at `state.now`."""
    exclusions = exclusions_of(state.events, state.metrics)
    return [
        _verdict(ticket_id, state, m, exclusions.get(name), customer_id)
        for name, m in state.metrics.items()
    ]


def _verdict(
    ticket_id: str,
    state: SlaState,
    m: MetricState,
    exclusion: Exclusion | None,
    customer_id: str | None,
) -> Verdict:
    late = 0
    if m.breached and m.remaining_us is not None:
        late = max(0, -m.remaining_us)
    return Verdict(
        ticket_id=ticket_id,
        customer_id=customer_id,
        metric=m.name,
        priority=m.priority,
        policy_id=state.policy.id,
        policy_version=state.policy.version,
        target=m.target_text,
        target_rule=m.target_rule,
        state=m.state if m.state != BREACHED or m.met_at is not None else _running_or_paused(m),
        started_at=m.started_at,
        due=m.due,
        met_at=m.met_at,
        breached=m.breached,
        elapsed_us=m.elapsed_us,
        paused_us=m.paused_us,
        late_us=late,
        judged_at=state.now,
        exclusion=exclusion,
    )


def _running_or_paused(m: MetricState) -> str:
    """A breached metric that has not stopped: is its clock still running at `now`?"""
    if m.running and m.running[-1].end is None:
        return RUNNING
    return "paused"
